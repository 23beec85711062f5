import { create } from "@bufbuild/protobuf";
import { anyUnpack } from "@bufbuild/protobuf/wkt";
import { fromBase64 } from "@cosmjs/encoding";
import { verify } from "@p8e/hashing-crypto";
import {
  type ConsiderationProto,
  type Contract,
  ContractSchema,
  type ContractSpec,
  DefinitionSpec_Type,
  type Envelope,
  ExecutionResult_Result,
  isUuid,
  MetadataAddress,
  normalizeRecordName,
  PartyType,
  type ProposedRecord,
  partyTypeToChain,
  toCanonicalBinary,
  uuidFromBytes,
} from "@p8e/spec-model";
import { sessionContextBytes } from "@p8e/spec-model/engine";
import {
  MsgAddScopeDataAccessRequestSchema,
  MsgWriteRecordRequestSchema,
  MsgWriteScopeRequestSchema,
  MsgWriteSessionRequestSchema,
  type Party,
  PartySchema,
  type RecordInput,
  RecordInputSchema,
  RecordInputStatus,
  type RecordSpecification,
  ResultStatus,
  type Scope,
  ScopeResponseSchema,
} from "@p8e/spec-model/metadata";
import { accountAddressFromBytes, accountAddressOf } from "./account-address.js";
import { MemorializerError } from "./errors.js";
import type { MetadataMsg } from "./metadata-msg.js";
import { metadataTypeUrls } from "./type-urls.js";

/** The chain addresses an envelope writes to. */
export interface EnvelopeAddresses {
  /** The scope, from `ref.scope_uuid`. */
  readonly scope: MetadataAddress;
  /** The session, from `ref.scope_uuid` and `ref.session_uuid`. */
  readonly session: MetadataAddress;
  /** The contract specification, from the 16-byte spec hash in `contract.spec.data_location.ref.hash`. */
  readonly contractSpecification: MetadataAddress;
  /** The scope specification, from `scope_spec_uuid`, when the envelope names one. */
  readonly scopeSpecification?: MetadataAddress;
}

/** How an input that is an existing record is sent when no chain RecordSpecification says otherwise. */
export type ExistingRecordInputSource = "record-id" | "hash";

/** Options of envelopeToMsgs(). */
export interface EnvelopeToMsgsOptions {
  /**
   * The account that signs the transaction; it goes into every Msg's `signers`. Defaults to the
   * address of the invoker's signing key.
   */
  readonly signer?: string;
  /** Bech32 prefix of account addresses; defaults to `pb` when the envelope says main net, else `tp`. */
  readonly addressPrefix?: string;
  /**
   * The scope as the chain holds it now: `null` when the chain has no such scope, a Scope when it
   * has one. Left out, the envelope's `new_scope` flag and its scope snapshot decide.
   */
  readonly scope?: Scope | null;
  /** Whether the session is already on chain. Left out, the envelope's `new_session` flag decides. */
  readonly sessionExists?: boolean;
  /**
   * The chain's record specifications of the envelope's contract specification. When given, every
   * input is sent with the source kind (record id or hash) its input specification asks for, and
   * record inputs the consideration does not list are added from `contract.inputs`.
   */
  readonly recordSpecifications?: readonly RecordSpecification[];
  /**
   * The envelope's ContractSpec. When given, each function's `@Record` inputs (FACT and FACT_LIST
   * input specs) are sent even if the consideration does not list them.
   */
  readonly contractSpec?: ContractSpec;
  /**
   * How to send an input that is an existing record when no record specification decides:
   * "record-id" (the default; `record_id` = the record's address, status RECORD) or "hash"
   * (the record's output hash, status PROPOSED, as upstream p8e sends every input).
   */
  readonly existingRecordInputs?: ExistingRecordInputSource;
  /**
   * How the envelope's signatures are checked before anything is built:
   * - "verify" (the default): every recital and current scope owner must have signed, and every
   *   signature must be a valid SHA512withECDSA signature over the canonical encoding of the contract;
   * - "presence": every recital and scope owner must have a signature entry; none is verified;
   * - "none": signatures are not looked at.
   */
  readonly signatureCheck?: "verify" | "presence" | "none";
  /**
   * The new session's `context` bytes. Left out, they are the engine's SessionContext: the
   * envelope's execution UUID and its object-store hash (`sessionContextBytes`), which lets any
   * party holding the envelope re-verify the session later. An empty array writes none.
   */
  readonly sessionContext?: Uint8Array;
}

function invalid(message: string, cause?: unknown): MemorializerError {
  return new MemorializerError("invalid-envelope", message, cause === undefined ? {} : { cause });
}

function uuidField(value: string | undefined, what: string): string {
  if (value === undefined || value === "") throw invalid(`envelope has no ${what}`);
  if (!isUuid(value)) throw invalid(`envelope ${what} ${JSON.stringify(value)} is not a UUID`);
  return value.toLowerCase();
}

function contractOf(envelope: Envelope): Contract {
  if (envelope.contract === undefined) throw invalid("envelope has no contract");
  return envelope.contract;
}

/** The contract specification address from `contract.spec.data_location.ref.hash`. */
function contractSpecAddressOf(contract: Contract): MetadataAddress {
  const hash = contract.spec?.dataLocation?.ref?.hash ?? "";
  if (hash === "") throw invalid("envelope contract.spec.data_location.ref.hash (the contract spec hash) is empty");
  if (hash.startsWith("contractspec1")) {
    try {
      return MetadataAddress.fromBech32(hash);
    } catch (cause) {
      throw invalid(`contract spec reference ${JSON.stringify(hash)} is not a contract specification address`, cause);
    }
  }
  let bytes: Uint8Array;
  try {
    bytes = fromBase64(hash);
  } catch (cause) {
    throw invalid(`contract spec hash ${JSON.stringify(hash)} is not base64`, cause);
  }
  // p8e uses the 16-byte hash as the UUID; the legacy chain took the first 16 bytes of longer hashes.
  if (bytes.length < 16) throw invalid(`contract spec hash ${JSON.stringify(hash)} has ${bytes.length} bytes, need 16`);
  return MetadataAddress.forContractSpecification(uuidFromBytes(bytes.subarray(0, 16)));
}

/**
 * The scope, session, contract specification and (when named) scope specification addresses an
 * envelope writes to.
 * @throws {MemorializerError} code "invalid-envelope" when a UUID or the spec hash is missing or malformed.
 */
export function envelopeAddresses(envelope: Envelope): EnvelopeAddresses {
  const scopeUuid = uuidField(envelope.ref?.scopeUuid?.value, "ref.scope_uuid");
  const sessionUuid = uuidField(envelope.ref?.sessionUuid?.value, "ref.session_uuid");
  const scopeSpecUuid = envelope.scopeSpecUuid?.value;
  const addresses: EnvelopeAddresses = {
    scope: MetadataAddress.forScope(scopeUuid),
    session: MetadataAddress.forSession(scopeUuid, sessionUuid),
    contractSpecification: contractSpecAddressOf(contractOf(envelope)),
  };
  if (scopeSpecUuid === undefined || scopeSpecUuid === "") return addresses;
  return {
    ...addresses,
    scopeSpecification: MetadataAddress.forScopeSpecification(uuidField(scopeSpecUuid, "scope_spec_uuid")),
  };
}

/** The account prefix an envelope's addresses use. */
export function addressPrefixOf(envelope: Envelope, override?: string): string {
  return override ?? (envelope.mainNet ? "pb" : "tp");
}

function recitalAddress(bytes: Uint8Array, prefix: string, index: number): string {
  try {
    return accountAddressFromBytes(bytes, prefix);
  } catch (cause) {
    throw invalid(`recital ${index} address is ${bytes.length} bytes, not an account id`, cause);
  }
}

function keyAddress(bytes: Uint8Array | undefined, prefix: string, what: string): string | undefined {
  if (bytes === undefined || bytes.length === 0) return undefined;
  try {
    return accountAddressOf(bytes, prefix);
  } catch (cause) {
    throw invalid(`${what} is not a secp256k1 public key`, cause);
  }
}

/** The invoker's account address, from `contract.invoker.signing_public_key`. */
export function invokerAddressOf(envelope: Envelope, addressPrefix?: string): string {
  const contract = contractOf(envelope);
  const address = keyAddress(
    contract.invoker?.signingPublicKey?.publicKeyBytes,
    addressPrefixOf(envelope, addressPrefix),
    "contract.invoker.signing_public_key",
  );
  if (address === undefined) throw invalid("envelope contract.invoker has no signing public key");
  return address;
}

interface RecitalParty {
  readonly party: Party;
  readonly p8eRole: PartyType;
}

/** The recitals as chain parties: the address of each signing key (or the recital's address) with its role. */
function recitalParties(contract: Contract, prefix: string): RecitalParty[] {
  const out: RecitalParty[] = [];
  const seen = new Set<string>();
  contract.recitals.forEach((recital, index) => {
    const address =
      keyAddress(recital.signer?.signingPublicKey?.publicKeyBytes, prefix, `recital ${index} signing key`) ??
      (recital.address.length > 0 ? recitalAddress(recital.address, prefix, index) : undefined);
    if (address === undefined)
      throw invalid(`recital ${index} (${PartyType[recital.signerRole]}) has no signing key and no address`);
    let role: Party["role"];
    try {
      role = partyTypeToChain(recital.signerRole);
    } catch (cause) {
      throw invalid(
        `recital ${index} has role ${PartyType[recital.signerRole] ?? recital.signerRole}, which the chain does not know`,
        cause,
      );
    }
    // The chain refuses two parties with the same address and role.
    const key = `${address}/${role}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ party: create(PartySchema, { address, role }), p8eRole: recital.signerRole });
  });
  if (out.length === 0) throw invalid("envelope contract has no recitals");
  return out;
}

/**
 * The value owner upstream gives a new scope: the invoker when it is a party, else the first
 * OWNER, else the first ORIGINATOR, else the first party.
 */
function defaultValueOwner(parties: readonly RecitalParty[], invoker: string | undefined): string {
  const pick =
    parties.find((p) => invoker !== undefined && p.party.address === invoker) ??
    parties.find((p) => p.p8eRole === PartyType.OWNER) ??
    parties.find((p) => p.p8eRole === PartyType.ORIGINATOR) ??
    parties[0];
  if (pick === undefined) throw invalid("no party can be the scope's value owner");
  return pick.party.address;
}

/** The scope snapshot (a ScopeResponse packed in `envelope.scope`) the envelope was built against. */
function snapshotScope(envelope: Envelope): Scope | undefined {
  if (envelope.scope === undefined || envelope.scope.value.length === 0) return undefined;
  try {
    return anyUnpack(envelope.scope, ScopeResponseSchema)?.scope?.scope;
  } catch (cause) {
    throw invalid("envelope.scope is not a readable provenance.metadata.v1.ScopeResponse", cause);
  }
}

/** The addresses that signed the envelope, after checking each signature when asked to. */
function signedAddresses(
  envelope: Envelope,
  contract: Contract,
  prefix: string,
  check: "verify" | "presence",
): Set<string> {
  const out = new Set<string>();
  const signedBytes = check === "verify" ? toCanonicalBinary(ContractSchema, contract) : undefined;
  envelope.signatures.forEach((signature, index) => {
    const key = signature.signer?.signingPublicKey?.publicKeyBytes;
    const address = keyAddress(key, prefix, `signature ${index} signer`);
    if (address === undefined || key === undefined) throw invalid(`signature ${index} names no signing key`);
    if (signedBytes !== undefined && !verify(signature.signature, signedBytes, key)) {
      throw invalid(`signature ${index} by ${address} does not verify over the envelope's contract`);
    }
    out.add(address);
  });
  return out;
}

interface ExistingRecordInput {
  readonly name: string;
  readonly typeName: string;
  readonly hash: string;
  readonly recordId: MetadataAddress;
}

/** A constructor input of the contract that holds an existing record (it has a data location). */
function existingRecord(contract: Contract, name: string, scopeUuid: string): ExistingRecordInput | undefined {
  const input = contract.inputs.find((i) => i.name === name && i.dataLocation !== undefined);
  const location = input?.dataLocation;
  if (input === undefined || location === undefined) return undefined;
  const ref = location.ref;
  const recordScope = ref?.scopeUuid?.value || scopeUuid;
  if (!isUuid(recordScope))
    throw invalid(`contract input ${name} refers to scope ${JSON.stringify(recordScope)}, not a UUID`);
  return {
    name: input.name,
    typeName: location.classname,
    hash: ref?.hash ?? "",
    recordId: MetadataAddress.forRecord(recordScope, ref?.name || input.name),
  };
}

interface InputContext {
  readonly contract: Contract;
  readonly scopeUuid: string;
  readonly recordSpec: RecordSpecification | undefined;
  readonly fallback: ExistingRecordInputSource;
}

function existingRecordInput(
  context: InputContext,
  record: ExistingRecordInput,
  typeName: string,
  fn: string,
): RecordInput {
  const specSource = context.recordSpec?.inputs.find((i) => i.name === record.name)?.source.case;
  const kind = specSource === "hash" ? "hash" : specSource === "recordId" ? "record-id" : context.fallback;
  if (kind === "hash") {
    if (record.hash === "") throw invalid(`input ${record.name} of ${fn} is an existing record without a hash`);
    return create(RecordInputSchema, {
      name: record.name,
      typeName,
      source: { case: "hash", value: record.hash },
      status: RecordInputStatus.PROPOSED,
    });
  }
  return create(RecordInputSchema, {
    name: record.name,
    typeName,
    source: { case: "recordId", value: record.recordId.bytes },
    status: RecordInputStatus.RECORD,
  });
}

function proposedInput(context: InputContext, proposed: ProposedRecord, fn: string): RecordInput {
  if (proposed.name === "") throw invalid(`an input of ${fn} has no name`);
  if (proposed.classname === "") throw invalid(`input ${proposed.name} of ${fn} has no classname`);
  if (proposed.hash !== "") {
    return create(RecordInputSchema, {
      name: proposed.name,
      typeName: proposed.classname,
      source: { case: "hash", value: proposed.hash },
      status: RecordInputStatus.PROPOSED,
    });
  }
  // An input without a hash names an existing record among the contract's inputs.
  const record = existingRecord(context.contract, proposed.name, context.scopeUuid);
  if (record === undefined) {
    throw invalid(`input ${proposed.name} of ${fn} has no hash and no contract input holds a record by that name`);
  }
  return existingRecordInput(context, record, proposed.classname, fn);
}

function recordInputs(
  context: InputContext,
  consideration: ConsiderationProto,
  contractSpec: ContractSpec | undefined,
): RecordInput[] {
  const fn = `function ${consideration.considerationName}`;
  const inputs = consideration.inputs.map((proposed) => proposedInput(context, proposed, fn));
  const seen = new Set(inputs.map((i) => i.name));
  if (seen.size !== inputs.length) throw invalid(`${fn} lists an input twice`);

  // Record inputs the consideration does not list: the function's @Record parameters, known from
  // its spec or from the chain's record specification. An optional record that is absent from the
  // scope has no data location and is left out.
  const functionSpec = contractSpec?.functionSpecs.find((f) => f.funcName === consideration.considerationName);
  const recordNames = [
    ...(functionSpec?.inputSpecs ?? [])
      .filter((s) => s.type === DefinitionSpec_Type.FACT || s.type === DefinitionSpec_Type.FACT_LIST)
      .map((s) => s.name),
    ...(context.recordSpec?.inputs ?? []).map((i) => i.name),
  ];
  for (const name of recordNames) {
    if (seen.has(name)) continue;
    const record = existingRecord(context.contract, name, context.scopeUuid);
    if (record === undefined) continue;
    seen.add(name);
    inputs.push(existingRecordInput(context, record, record.typeName, fn));
  }
  return inputs;
}

/**
 * The metadata Msgs that memorialize a signed envelope, as upstream p8e builds them, in the order
 * the chain needs them:
 * - a new scope: MsgWriteScopeRequest (owners = the recitals as parties, data access = the
 *   envelope's data-access keys, value owner = the invoker if a party, else the first OWNER,
 *   ORIGINATOR or party); an existing scope: MsgAddScopeDataAccessRequest for data access it lacks;
 * - a new session: MsgWriteSessionRequest (the contract spec from the spec hash, parties, the
 *   contract's class name, and as context the execution UUID and the envelope's object-store hash);
 * - one MsgWriteRecordRequest per PASS consideration (process = the contract bundle hash, the
 *   output type and the function name; inputs; the output hash). SKIP and FAIL write nothing.
 *
 * Unlike upstream, an input that is an existing record is sent as the record's address with status
 * RECORD (or as the chain's record specification asks), and `@Record` function inputs are included.
 * @throws {MemorializerError} code "invalid-envelope" naming what is missing or malformed.
 */
export function envelopeToMsgs(envelope: Envelope, options: EnvelopeToMsgsOptions = {}): MetadataMsg[] {
  const contract = contractOf(envelope);
  const prefix = addressPrefixOf(envelope, options.addressPrefix);
  const addresses = envelopeAddresses(envelope);
  const scopeUuid = addresses.scope.primaryUuid;
  const invoker = keyAddress(
    contract.invoker?.signingPublicKey?.publicKeyBytes,
    prefix,
    "contract.invoker.signing_public_key",
  );
  const signer = options.signer ?? invoker;
  if (signer === undefined) throw invalid("envelope has no invoker signing key and no signer was given");
  const signers = [signer];
  const parties = recitalParties(contract, prefix);

  const chainScope = options.scope !== undefined ? options.scope : envelope.newScope ? null : snapshotScope(envelope);
  const scopeExists = options.scope !== undefined ? options.scope !== null : !envelope.newScope;

  const signatureCheck = options.signatureCheck ?? "verify";
  if (signatureCheck !== "none") {
    const signed = signedAddresses(envelope, contract, prefix, signatureCheck);
    const required = new Set([
      ...parties.map((p) => p.party.address),
      ...(chainScope?.owners ?? []).map((o) => o.address),
    ]);
    const missing = [...required].filter((address) => !signed.has(address));
    if (missing.length > 0) throw invalid(`envelope is not signed by ${missing.join(", ")}`);
  }

  const msgs: MetadataMsg[] = [];
  const dataAccess = [
    ...new Set(
      envelope.dataAccess
        .map((key, index) => keyAddress(key.publicKeyBytes, prefix, `data_access key ${index}`))
        .filter((address): address is string => address !== undefined),
    ),
  ];

  if (!scopeExists) {
    if (addresses.scopeSpecification === undefined) throw invalid("envelope for a new scope has no scope_spec_uuid");
    msgs.push({
      typeUrl: metadataTypeUrls.writeScope,
      value: create(MsgWriteScopeRequestSchema, {
        scope: {
          scopeId: addresses.scope.bytes,
          specificationId: addresses.scopeSpecification.bytes,
          owners: parties.map((p) => p.party),
          dataAccess,
          valueOwnerAddress: defaultValueOwner(parties, invoker),
        },
        signers,
      }),
    });
  } else {
    const present = new Set(chainScope?.dataAccess ?? []);
    const valueOwner = chainScope?.valueOwnerAddress ?? "";
    const missing = dataAccess.filter((address) => !present.has(address) && address !== valueOwner);
    if (missing.length > 0) {
      msgs.push({
        typeUrl: metadataTypeUrls.addScopeDataAccess,
        value: create(MsgAddScopeDataAccessRequestSchema, {
          scopeId: addresses.scope.bytes,
          dataAccess: missing,
          signers,
        }),
      });
    }
  }

  if (!(options.sessionExists ?? !envelope.newSession)) {
    const location = contract.definition?.resourceLocation;
    const name = location?.classname || contract.definition?.name || "";
    if (name === "") throw invalid("envelope contract.definition names no contract class");
    msgs.push({
      typeUrl: metadataTypeUrls.writeSession,
      value: create(MsgWriteSessionRequestSchema, {
        session: {
          sessionId: addresses.session.bytes,
          specificationId: addresses.contractSpecification.bytes,
          parties: parties.map((p) => p.party),
          name,
          context: options.sessionContext ?? sessionContextBytes(envelope),
        },
        signers,
      }),
    });
  }

  const bundleHash = contract.definition?.resourceLocation?.ref?.hash ?? "";
  const recordSpecs = new Map((options.recordSpecifications ?? []).map((s) => [normalizeRecordName(s.name), s]));
  for (const consideration of contract.considerations) {
    const result = consideration.result;
    if (result?.result !== ExecutionResult_Result.PASS) continue;
    const fn = `function ${consideration.considerationName}`;
    const output = result.output;
    if (output === undefined || output.name === "") throw invalid(`${fn} passed but its output has no record name`);
    if (output.hash === "") throw invalid(`${fn} passed but its output ${output.name} has no hash`);
    if (output.classname === "") throw invalid(`${fn} passed but its output ${output.name} has no classname`);
    if (consideration.considerationName === "")
      throw invalid(`a consideration producing ${output.name} has no function name`);
    if (bundleHash === "")
      throw invalid("envelope contract.definition has no bundle hash (resource_location.ref.hash)");
    const context: InputContext = {
      contract,
      scopeUuid,
      recordSpec: recordSpecs.get(normalizeRecordName(output.name)),
      fallback: options.existingRecordInputs ?? "record-id",
    };
    msgs.push({
      typeUrl: metadataTypeUrls.writeRecord,
      value: create(MsgWriteRecordRequestSchema, {
        record: {
          name: output.name,
          sessionId: addresses.session.bytes,
          process: {
            processId: { case: "hash", value: bundleHash },
            name: output.classname,
            method: consideration.considerationName,
          },
          inputs: recordInputs(context, consideration, options.contractSpec),
          outputs: [{ hash: output.hash, status: ResultStatus.PASS }],
        },
        signers,
      }),
    });
  }
  return msgs;
}
