// Packaging: a SessionOptions becomes upstream's pre-execution Envelope (reference §4.1 step 4),
// with its proposed inputs and re-shared existing records stored for the audience.
import { create, toBinary } from "@bufbuild/protobuf";
import { AnySchema, timestampFromDate } from "@bufbuild/protobuf/wkt";
import { bytesToBase64, sha256 } from "@p8e/hashing-crypto";
import type { ScopeView } from "@p8e/memorializer";
import {
  type Contract,
  type Record as ContractRecord,
  ContractSchema,
  type ContractSpec,
  contractSpecClassname,
  contractSpecId,
  DefinitionSpec_Type,
  type Envelope,
  EnvelopeSchema,
  isUuid,
  MetadataAddress,
  PartyType,
  publicKeyToMessage,
  RecordSchema,
  signingAndEncryptionKeys,
  toCanonicalBinary,
  uuidFromBytes,
} from "@p8e/spec-model";
import { type Record as ChainRecord, ScopeResponseSchema } from "@p8e/spec-model/metadata";
import type { EngineContext } from "../engine-context.js";
import { EngineError } from "../errors.js";
import { type Participant, sameKey, uniqueKeys } from "../parties.js";
import { storeError } from "../store-errors.js";
import type { ProposedInput, SessionOptions } from "./session-options.js";

function invalid(message: string, cause?: unknown): EngineError {
  return new EngineError("invalid-session", message, cause === undefined ? {} : { cause });
}

function roleName(role: PartyType): string {
  return PartyType[role] ?? String(role);
}

async function resolveSpec(
  ctx: EngineContext,
  spec: ContractSpec | string,
): Promise<{ spec: ContractSpec; hash: string }> {
  if (typeof spec !== "string") {
    const id = contractSpecId(spec);
    return { spec, hash: id.hashBase64 };
  }
  let hash = spec;
  if (spec.startsWith("contractspec1")) {
    const address = MetadataAddress.fromBech32(spec);
    hash = bytesToBase64(address.bytes.subarray(1, 17));
  }
  return { spec: await ctx.contracts.spec(hash), hash };
}

async function resolveScope(ctx: EngineContext, scope: NonNullable<SessionOptions["scope"]>): Promise<ScopeView> {
  if (typeof scope === "object" && "scope" in scope) return scope;
  if (ctx.chain === undefined) {
    throw new EngineError(
      "invalid-argument",
      "packaging for an existing scope needs chain queries (engine option `chain`)",
    );
  }
  const address = typeof scope === "string" ? scope : scope.toString();
  let view: ScopeView | undefined;
  try {
    view = await ctx.chain.scope(address);
  } catch (cause) {
    throw new EngineError("chain-failed", `reading scope ${address}: ${String(cause)}`, { cause });
  }
  if (view === undefined) throw invalid(`scope ${address} is not on chain`);
  return view;
}

function checkedUuid(value: string | undefined, what: string): string {
  if (value === undefined) return crypto.randomUUID();
  if (!isUuid(value)) throw invalid(`${what} ${JSON.stringify(value)} is not a UUID`);
  return value.toLowerCase();
}

/** The recitals in the spec's role order, one participant per role, exactly the spec's roles. */
function recitalsOf(spec: ContractSpec, participants: readonly Participant[]): Participant[] {
  const contract = spec.definition?.name ?? "the contract";
  const byRole = new Map<PartyType, Participant>();
  for (const participant of participants) {
    if (!spec.partiesInvolved.includes(participant.role)) {
      throw invalid(
        `${contract} has no ${roleName(participant.role)} role (its roles: ${spec.partiesInvolved.map(roleName).join(", ")})`,
      );
    }
    if (byRole.has(participant.role)) throw invalid(`two participants for the ${roleName(participant.role)} role`);
    byRole.set(participant.role, participant);
  }
  const missing = spec.partiesInvolved.filter((role) => !byRole.has(role));
  if (missing.length > 0) throw invalid(`${contract} needs a participant for ${missing.map(roleName).join(", ")}`);
  return spec.partiesInvolved.map((role) => byRole.get(role)!);
}

interface EncodedInput {
  readonly typeName: string;
  readonly bytes: Uint8Array;
}

function encodeInput(name: string, value: ProposedInput): EncodedInput {
  if ("bytes" in value) return { typeName: value.typeName, bytes: value.bytes };
  if (value.message.$typeName !== value.schema.typeName) {
    throw invalid(`input "${name}" is a ${value.message.$typeName} message with a ${value.schema.typeName} schema`);
  }
  return { typeName: value.schema.typeName, bytes: toCanonicalBinary(value.schema, value.message) };
}

/**
 * Checks every proposed input against the spec: a PROPOSED input of some function, of that
 * function's type, for a function one of the invoker's roles invokes.
 */
function checkInputs(
  spec: ContractSpec,
  inputs: ReadonlyMap<string, EncodedInput>,
  invokerRoles: readonly PartyType[],
) {
  const contract = spec.definition?.name ?? "the contract";
  const proposed = spec.functionSpecs.flatMap((fn) =>
    fn.inputSpecs.filter((s) => s.type === DefinitionSpec_Type.PROPOSED).map((s) => ({ fn, spec: s })),
  );
  for (const [name, value] of inputs) {
    const uses = proposed.filter((p) => p.spec.name === name);
    if (uses.length === 0) {
      const known = [...new Set(proposed.map((p) => p.spec.name))];
      throw invalid(
        `input "${name}" is not a proposed input of ${contract} (its proposed inputs: ${known.join(", ") || "none"})`,
      );
    }
    for (const use of uses) {
      const wanted = use.spec.resourceLocation?.classname ?? "";
      if (value.typeName !== wanted) {
        throw invalid(`input "${name}" is a ${value.typeName}; ${use.fn.funcName} takes a ${wanted}`);
      }
    }
    if (!uses.some((use) => invokerRoles.includes(use.fn.invokerParty))) {
      const owners = uses.map((u) => `${u.fn.funcName}, which ${roleName(u.fn.invokerParty)} invokes`).join("; ");
      throw invalid(`input "${name}" is for ${owners}; you are ${invokerRoles.map(roleName).join(", ")}`);
    }
  }
}

/** The constructor's records from the scope's current records: one Record per output (FACT_LIST takes several). */
function existingInputs(spec: ContractSpec, scopeUuid: string, records: readonly ChainRecord[]): ContractRecord[] {
  const contract = spec.definition?.name ?? "the contract";
  const out: ContractRecord[] = [];
  for (const inputSpec of spec.inputSpecs) {
    const record = records.find((r) => r.name === inputSpec.name);
    const outputs = record?.outputs.filter((o) => o.hash !== "") ?? [];
    if (record === undefined || outputs.length === 0) {
      if (!inputSpec.optional) {
        throw invalid(`the scope has no record ${inputSpec.name}, which ${contract}'s constructor requires`);
      }
      out.push(create(RecordSchema, { name: inputSpec.name }));
      continue;
    }
    const wanted = inputSpec.resourceLocation?.classname ?? "";
    if (record.process?.name !== undefined && record.process.name !== wanted) {
      throw invalid(`the scope's record ${inputSpec.name} is a ${record.process.name}; ${contract} takes a ${wanted}`);
    }
    const sessionUuid = uuidFromBytes(record.sessionId.subarray(17, 33));
    const values = inputSpec.type === DefinitionSpec_Type.FACT_LIST ? outputs : outputs.slice(0, 1);
    for (const output of values) {
      out.push(
        create(RecordSchema, {
          name: inputSpec.name,
          dataLocation: {
            classname: wanted,
            ref: {
              scopeUuid: { value: scopeUuid },
              sessionUuid: { value: sessionUuid },
              hash: output.hash,
              name: record.name,
            },
          },
        }),
      );
    }
  }
  return out;
}

/** The packaged envelope and what packaging stored. */
export interface PackagedSession {
  readonly envelope: Envelope;
  /** Everyone the session's objects are encrypted for besides this party. */
  readonly audience: readonly Uint8Array[];
}

/**
 * Packages a session: checks it against the spec, builds the pre-execution Envelope, stores the
 * proposed inputs and re-shares the existing records for the audience.
 * @throws {EngineError} code "invalid-session" naming the input, role or record at fault.
 */
export async function packageSession(ctx: EngineContext, options: SessionOptions): Promise<PackagedSession> {
  if ((options.scopeSpecUuid === undefined) === (options.scope === undefined)) {
    throw invalid("give either scopeSpecUuid (a new scope) or scope (an existing one)");
  }
  if (options.scope !== undefined && options.scopeUuid !== undefined) {
    throw invalid("scopeUuid names a new scope; an existing scope is given by `scope`");
  }
  const { spec, hash: specHash } = await resolveSpec(ctx, options.spec);
  const definition = spec.definition;
  if (definition === undefined) throw invalid("the spec has no definition");

  const recitals = recitalsOf(spec, options.participants);
  const invokerRoles = recitals.filter((r) => sameKey(r.signing, ctx.signing.publicKey)).map((r) => r.role);
  if (invokerRoles.length === 0) {
    throw invalid("this party's signing key is not among the participants; the invoker must take part");
  }

  const inputs = new Map(Object.entries(options.inputs ?? {}).map(([name, value]) => [name, encodeInput(name, value)]));
  checkInputs(spec, inputs, invokerRoles);

  const existing = options.scope === undefined ? undefined : await resolveScope(ctx, options.scope);
  const scopeUuid =
    existing === undefined
      ? checkedUuid(options.scopeUuid, "scopeUuid")
      : MetadataAddress.fromBytes(existing.scope.scopeId).primaryUuid;
  const scopeSpecUuid =
    existing === undefined
      ? checkedUuid(options.scopeSpecUuid, "scopeSpecUuid")
      : MetadataAddress.fromBytes(existing.scope.specificationId).primaryUuid;
  const sessionUuid = checkedUuid(options.sessionUuid, "sessionUuid");
  const executionUuid = checkedUuid(options.executionUuid, "executionUuid");
  const newSession = !(existing?.sessions ?? []).some(
    (s) => MetadataAddress.fromBytes(s.sessionId).secondaryUuid === sessionUuid,
  );

  // Readers: the recitals, the scope's owners, and data access (the scope's, which must be kept, and new keys).
  const dataAccess = [...(options.dataAccess ?? [])];
  const known = (address: string) =>
    [...recitals, ...dataAccess.map((k) => ({ signing: k, encryption: k }))].some(
      (p) => ctx.directory.address(p.signing) === address || ctx.directory.address(p.encryption) === address,
    );
  const ownerKeys: Uint8Array[] = [];
  for (const owner of existing?.scope.owners ?? []) {
    const recital = recitals.find((r) => ctx.directory.address(r.signing) === owner.address);
    if (recital !== undefined) continue;
    const keys = ctx.directory.get(owner.address);
    if (keys === undefined) {
      throw invalid(`scope owner ${owner.address} has no known keys: add its keys to the engine's directory`);
    }
    ownerKeys.push(keys.encryption);
  }
  for (const address of existing?.scope.dataAccess ?? []) {
    if (known(address)) continue;
    const keys = ctx.directory.get(address);
    if (keys === undefined) {
      throw invalid(
        `the scope's data access ${address} has no known key: pass it in dataAccess or the engine's directory`,
      );
    }
    dataAccess.push(keys.encryption);
  }
  const audience = uniqueKeys([...recitals.map((r) => r.encryption), ...ownerKeys, ...dataAccess], ctx.encryption);

  const contractInputs =
    existing === undefined
      ? spec.inputSpecs.map((s) => create(RecordSchema, { name: s.name }))
      : existingInputs(spec, scopeUuid, existing.records);
  const contract: Contract = create(ContractSchema, {
    definition,
    spec: {
      name: definition.name,
      dataLocation: { classname: contractSpecClassname, ref: { hash: specHash } },
    },
    invoker: signingAndEncryptionKeys(ctx.signing.publicKey, ctx.encryption),
    inputs: contractInputs,
    considerations: spec.functionSpecs.map((fn) => ({
      considerationName: fn.funcName,
      inputs: fn.inputSpecs.flatMap((s) => {
        const value = s.type === DefinitionSpec_Type.PROPOSED ? inputs.get(s.name) : undefined;
        return value === undefined
          ? []
          : [{ name: s.name, hash: bytesToBase64(sha256(value.bytes)), classname: value.typeName }];
      }),
    })),
    recitals: recitals.map((r) => ({ signerRole: r.role, signer: signingAndEncryptionKeys(r.signing, r.encryption) })),
    timesExecuted: 1,
    startTime: timestampFromDate(options.startTime ?? ctx.now()),
  });

  // Store what the audience needs to execute: the proposed inputs, and existing records re-shared.
  try {
    await Promise.all(
      [...inputs.values()].map(async (value) => {
        await ctx.eos.put(value.bytes, { audience });
        ctx.objects.set(bytesToBase64(sha256(value.bytes)), value.bytes, value.bytes.length);
      }),
    );
    const reshared = new Set<string>();
    for (const record of contractInputs) {
      const hash = record.dataLocation?.ref?.hash;
      if (hash === undefined || hash === "" || reshared.has(hash)) continue;
      reshared.add(hash);
      await ctx.eos.put(await ctx.eos.get(hash), { audience });
    }
  } catch (cause) {
    throw storeError("storing the session's inputs", cause);
  }

  const envelope = create(EnvelopeSchema, {
    ref: {
      scopeUuid: { value: scopeUuid },
      sessionUuid: { value: sessionUuid },
      hash: bytesToBase64(sha256(toCanonicalBinary(ContractSchema, contract))),
    },
    contract,
    executionUuid: { value: executionUuid },
    ...(options.expiresAt === undefined ? {} : { expirationTime: timestampFromDate(options.expiresAt) }),
    ...(existing === undefined ? {} : { scope: packScope(existing) }),
    scopeSpecUuid: { value: scopeSpecUuid },
    newScope: existing === undefined,
    newSession,
    mainNet: ctx.mainNet,
    dataAccess: uniqueKeys(dataAccess).map(publicKeyToMessage),
  });
  return { envelope, audience };
}

/** The scope snapshot as upstream packs it: an Any of ScopeResponse with the type URL "/provenance.metadata.v1.ScopeResponse". */
function packScope(view: ScopeView) {
  const response = create(ScopeResponseSchema, {
    scope: { scope: view.scope },
    sessions: view.sessions.map((session) => ({ session })),
    records: view.records.map((record) => ({ record })),
  });
  return create(AnySchema, {
    typeUrl: `/${ScopeResponseSchema.typeName}`,
    value: toBinary(ScopeResponseSchema, response),
  });
}
