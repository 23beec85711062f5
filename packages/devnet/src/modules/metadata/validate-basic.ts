// Stateless validation of metadata Msgs (the chain's ValidateBasic), with the chain's wording.
// Also the "optional field" conversions (uuid fields → addresses) that ValidateBasic and the msg
// server both run.
import { create } from "@bufbuild/protobuf";
import { isUuid, MetadataAddress } from "@p8e/spec-model";
import {
  type ContractSpecification,
  DefinitionType,
  type Description,
  type InputSpecification,
  type MsgAddContractSpecToScopeSpecRequest,
  type MsgAddScopeDataAccessRequest,
  type MsgAddScopeOwnerRequest,
  type MsgDeleteContractSpecFromScopeSpecRequest,
  type MsgDeleteScopeDataAccessRequest,
  type MsgDeleteScopeOwnerRequest,
  type MsgDeleteScopeRequest,
  type MsgMigrateValueOwnerRequest,
  type MsgUpdateValueOwnersRequest,
  type MsgWriteContractSpecificationRequest,
  type MsgWriteRecordRequest,
  type MsgWriteRecordSpecificationRequest,
  type MsgWriteScopeRequest,
  type MsgWriteScopeSpecificationRequest,
  type MsgWriteSessionRequest,
  type Party,
  PartyType,
  type Process,
  type Record,
  type RecordInput,
  RecordInputStatus,
  type RecordOutput,
  type RecordSpecification,
  ResultStatus,
  type Scope,
  ScopeSchema,
  type ScopeSpecification,
  type Session,
  type SessionIdComponents,
} from "@p8e/spec-model/metadata";
import { plainError } from "../../abci-error.js";
import { AddressError, decodeAccountAddress, equalBytes } from "../../codec.js";
import {
  addressString,
  CONTRACT_SPEC,
  isAddressOfType,
  recordSpecIdOf,
  SCOPE,
  SCOPE_SPEC,
  verifyAddressFormat,
} from "./addresses.js";

const MAX_AUDIT_MESSAGE = 200;
const MAX_DESCRIPTION_NAME = 200;
const MAX_DESCRIPTION_TEXT = 5000;
const MAX_URL = 2048;
const MAX_CLASS_NAME = 1000;
const MAX_SPEC_NAME = 200;
const MAX_TYPE_NAME = 1000;

const utf8Encoder = new TextEncoder();

/** Go's len(string): the length in UTF-8 bytes, which every maximum-length check counts. */
export function byteLength(text: string): number {
  return utf8Encoder.encode(text).length;
}

/** Go's %#v of a MetadataAddress, as the chain's VerifyMetadataAddressHasType prints it. */
function goBytes(bytes: Uint8Array): string {
  if (bytes.length === 0) return "MetadataAddress(nil)";
  return `MetadataAddress{${[...bytes].map((b) => `0x${b.toString(16)}`).join(", ")}}`;
}

/**
 * VerifyMetadataAddressHasType: a well-formed address of one kind, worded as the chain words it
 * ("invalid scope specification id …: wrong type").
 */
export function verifyAddressHasType(bytes: Uint8Array, prefix: string): void {
  const name =
    prefix === "scopespec" || prefix === "contractspec"
      ? `${prefix.slice(0, -"spec".length)} specification`
      : prefix === "recspec"
        ? "record specification"
        : prefix;
  let found: string;
  try {
    found = verifyAddressFormat(bytes);
  } catch (error) {
    throw plainError(`invalid ${name} metadata address ${goBytes(bytes)}: ${(error as Error).message}`);
  }
  if (found !== prefix) throw plainError(`invalid ${name} id ${JSON.stringify(addressString(bytes))}: wrong type`);
}

/** The role name without its "PARTY_TYPE_" prefix, as the chain's SimpleString prints it. */
export function roleName(role: PartyType): string {
  return PartyType[role] ?? String(role);
}

function isDefinedRole(role: number): boolean {
  return PartyType[role] !== undefined;
}

/** Throws the SDK's AccAddressFromBech32 message for a bad account address. */
export function checkAccountAddress(prefix: string, address: string): void {
  decodeAccountAddress(prefix, address);
}

function addressProblem(prefix: string, address: string): string | undefined {
  try {
    decodeAccountAddress(prefix, address);
    return undefined;
  } catch (error) {
    return error instanceof AddressError ? error.message : String(error);
  }
}

function expectPrefix(bytes: Uint8Array, expected: string, describe: (got: string) => string): void {
  const prefix = verifyAddressFormat(bytes);
  if (prefix !== expected) throw plainError(describe(prefix));
}

function parseUuid(text: string, what: string): string {
  const compact = text.replace(/^urn:uuid:/i, "").replace(/^\{(.*)\}$/, "$1");
  const canonical = /^[0-9a-fA-F]{32}$/.test(compact)
    ? `${compact.slice(0, 8)}-${compact.slice(8, 12)}-${compact.slice(12, 16)}-${compact.slice(16, 20)}-${compact.slice(20)}`
    : compact;
  if (!isUuid(canonical)) throw plainError(`invalid ${what}: invalid UUID format: ${JSON.stringify(text)}`);
  return canonical.toLowerCase();
}

// --- parties -------------------------------------------------------------------------------

export function validatePartyBasic(prefix: string, party: Party): void {
  if (party.address.length === 0) throw plainError("missing party address");
  const problem = addressProblem(prefix, party.address);
  if (problem !== undefined) throw plainError(`invalid party address [${party.address}]: ${problem}`);
  if (!isDefinedRole(party.role) || party.role === PartyType.UNSPECIFIED) {
    throw plainError(`invalid party type for party ${party.address}`);
  }
}

/** Two parties are the same when address and role match; `optional` is not compared. */
export function sameParty(a: Pick<Party, "address" | "role">, b: Pick<Party, "address" | "role">): boolean {
  return a.address === b.address && a.role === b.role;
}

/** ValidatePartiesBasic: at least one party, each valid, no two with the same address and role. */
export function validatePartiesBasic(prefix: string, parties: readonly Party[]): void {
  if (parties.length < 1) throw plainError("at least one party is required");
  for (const party of parties) validatePartyBasic(prefix, party);
  for (let i = 0; i < parties.length - 1; i++) {
    for (let j = i + 1; j < parties.length; j++) {
      if (sameParty(parties[i]!, parties[j]!)) {
        throw plainError(
          `duplicate parties not allowed: address = ${parties[i]!.address}, role = ${roleName(parties[i]!.role)}, indexes: ${i}, ${j}`,
        );
      }
    }
  }
}

/** Optional parties only where require_party_rollup allows them. */
export function validateOptionalParties(optionalAllowed: boolean, parties: readonly Party[]): void {
  if (!optionalAllowed && parties.some((p) => p.optional)) {
    throw plainError("parties can only be optional when require_party_rollup = true");
  }
}

// --- entries -------------------------------------------------------------------------------

export function validateScopeOwnersBasic(prefix: string, scope: Scope): void {
  try {
    validatePartiesBasic(prefix, scope.owners);
  } catch (error) {
    throw plainError(`invalid scope owners: ${(error as Error).message}`);
  }
  validateOptionalParties(scope.requirePartyRollup, scope.owners);
}

/** Scope.ValidateBasic: a scope id, a scope specification id (required), owners, data access, value owner. */
export function validateScopeBasic(prefix: string, scope: Scope): void {
  verifyAddressHasType(scope.scopeId, "scope");
  verifyAddressHasType(scope.specificationId, "scopespec");
  validateScopeOwnersBasic(prefix, scope);
  for (const address of scope.dataAccess) {
    const problem = addressProblem(prefix, address);
    if (problem !== undefined) throw plainError(`invalid address in data access on scope: ${problem}`);
  }
  if (scope.valueOwnerAddress.length > 0) {
    const problem = addressProblem(prefix, scope.valueOwnerAddress);
    if (problem !== undefined) throw plainError(`invalid value owner address on scope: ${problem}`);
  }
}

/** Session.ValidateBasic. */
export function validateSessionBasic(prefix: string, session: Session): void {
  expectPrefix(session.sessionId, "session", (got) => `invalid session identifier (expected: session, got ${got})`);
  validatePartiesBasic(prefix, session.parties);
  expectPrefix(
    session.specificationId,
    "contractspec",
    (got) => `invalid contract specification identifier (expected: contractspec, got ${got})`,
  );
  if (session.audit !== undefined && byteLength(session.audit.message) > MAX_AUDIT_MESSAGE) {
    throw plainError(
      `session audit message exceeds maximum length (expected < ${MAX_AUDIT_MESSAGE} got: ${byteLength(session.audit.message)})`,
    );
  }
}

function validateRecordInputBasic(input: RecordInput): void {
  if (input.name.length < 1) throw plainError("missing required name");
  if (input.status === RecordInputStatus.UNSPECIFIED) {
    throw plainError("invalid record input status, status unknown or missing");
  }
  switch (input.source.case) {
    case undefined:
      throw plainError("missing required record input source");
    case "hash":
      if (input.status !== RecordInputStatus.PROPOSED)
        throw plainError("hash specifier only applies to proposed inputs");
      if (input.source.value.length < 1) throw plainError("missing required hash for proposed value");
      break;
    case "recordId": {
      if (input.status !== RecordInputStatus.RECORD) throw plainError("record id must be used with Record type inputs");
      let prefix: string;
      try {
        prefix = verifyAddressFormat(input.source.value);
      } catch (error) {
        throw plainError(`invalid record input recordid ${(error as Error).message}`);
      }
      if (prefix !== "record") throw plainError(`invalid record id address (found ${prefix}, expected record)`);
      break;
    }
  }
  if (input.typeName.length < 1) throw plainError("missing type name");
}

function validateRecordOutputBasic(output: RecordOutput): void {
  if (output.status === ResultStatus.SKIP) return;
  if (output.status === ResultStatus.UNSPECIFIED) throw plainError("invalid record output status, status unspecified");
  if (output.hash.length < 1) throw plainError("missing required hash");
}

function validateProcessBasic(process: Process | undefined): void {
  if (process === undefined || process.method.length < 1) throw plainError("missing required method");
  if (process.name.length < 1) throw plainError("missing required name");
  if (process.processId.case === undefined) throw plainError("missing required process id");
}

/** Record.ValidateBasic. */
export function validateRecordBasic(record: Record): void {
  expectPrefix(record.sessionId, "session", (got) => `invalid record identifier (expected: session, got ${got})`);
  if (record.specificationId.length > 0) {
    expectPrefix(
      record.specificationId,
      "recspec",
      (got) => `invalid record specification identifier (expected: recspec, got ${got})`,
    );
  }
  for (const input of record.inputs) {
    try {
      validateRecordInputBasic(input);
    } catch (error) {
      throw plainError(`invalid record input: ${(error as Error).message}`);
    }
  }
  for (const output of record.outputs) {
    try {
      validateRecordOutputBasic(output);
    } catch (error) {
      throw plainError(`invalid record output: ${(error as Error).message}`);
    }
  }
  if (record.name.length < 1) throw plainError("invalid/missing name for record");
  try {
    validateProcessBasic(record.process);
  } catch (error) {
    throw plainError(`invalid record process: ${(error as Error).message}`);
  }
}

// --- specifications ------------------------------------------------------------------------

function field(path: string, name: string): string {
  return path.length === 0 ? name : `(${path}) ${name}`;
}

function validateUrl(url: string, path: string, name: string): void {
  if (url.length === 0) return;
  if (byteLength(url) > MAX_URL) {
    throw plainError(
      `url ${field(path, name)} exceeds maximum length (expected <= ${MAX_URL} got: ${byteLength(url)})`,
    );
  }
  if (!/https?:\/\//.test(url) && !/data:.*,/.test(url)) {
    throw plainError(`url ${field(path, name)} must use the http, https, or data protocol`);
  }
}

/** Description.ValidateBasic; `path` names the description in messages. */
export function validateDescriptionBasic(description: Description, path: string): void {
  if (description.name.length === 0) throw plainError(`description ${field(path, "Name")} cannot be empty`);
  if (byteLength(description.name) > MAX_DESCRIPTION_NAME) {
    throw plainError(
      `description ${field(path, "Name")} exceeds maximum length (expected <= ${MAX_DESCRIPTION_NAME} got: ${byteLength(description.name)})`,
    );
  }
  if (byteLength(description.description) > MAX_DESCRIPTION_TEXT) {
    throw plainError(
      `description ${field(path, "Description")} exceeds maximum length (expected <= ${MAX_DESCRIPTION_TEXT} got: ${byteLength(description.description)})`,
    );
  }
  validateUrl(description.websiteUrl, path, "WebsiteUrl");
  validateUrl(description.iconUrl, path, "IconUrl");
}

/** Generic party types (GENERIC_1…6) need a description that says what they mean. */
export function validateGenericPartyTypeUsage(roles: readonly PartyType[], description: Description | undefined): void {
  const generic = roles.filter((r) => r >= PartyType.GENERIC_1 && r <= PartyType.GENERIC_6);
  if (generic.length === 0) return;
  if (description === undefined || description.description.trim().length === 0) {
    throw plainError(
      `parties involved include generic party type${generic.length === 1 ? "" : "s"} ${generic.map(roleName).join(", ")}: a description with non-blank description text is required`,
    );
  }
}

/** ScopeSpecification.ValidateBasic. */
export function validateScopeSpecificationBasic(prefix: string, spec: ScopeSpecification): void {
  let idPrefix: string;
  try {
    idPrefix = verifyAddressFormat(spec.specificationId);
  } catch (error) {
    throw plainError(`invalid scope specification id: ${(error as Error).message}`);
  }
  if (idPrefix !== "scopespec") {
    throw plainError(`invalid scope specification id prefix (expected: scopespec, got ${idPrefix})`);
  }
  if (spec.description !== undefined) validateDescriptionBasic(spec.description, "ScopeSpecification.Description");
  if (spec.ownerAddresses.length < 1) throw plainError("the ScopeSpecification must have at least one owner");
  spec.ownerAddresses.forEach((owner, i) => {
    const problem = addressProblem(prefix, owner);
    if (problem !== undefined)
      throw plainError(`invalid owner address at index ${i} on ScopeSpecification: ${problem}`);
  });
  if (spec.partiesInvolved.length === 0)
    throw plainError("the ScopeSpecification must have at least one party involved");
  spec.contractSpecIds.forEach((id, i) => {
    let idPrefixI: string;
    try {
      idPrefixI = verifyAddressFormat(id);
    } catch (error) {
      throw plainError(`invalid contract specification id at index ${i}: ${(error as Error).message}`);
    }
    if (idPrefixI !== "contractspec") {
      throw plainError(
        `invalid contract specification id prefix at index ${i} (expected: contractspec, got ${idPrefixI})`,
      );
    }
  });
}

/** ContractSpecification.ValidateBasic. */
export function validateContractSpecificationBasic(prefix: string, spec: ContractSpecification): void {
  let idPrefix: string;
  try {
    idPrefix = verifyAddressFormat(spec.specificationId);
  } catch (error) {
    throw plainError(`invalid contract specification id: ${(error as Error).message}`);
  }
  if (idPrefix !== "contractspec") {
    throw plainError(`invalid contract specification id prefix (expected: contractspec, got ${idPrefix})`);
  }
  if (spec.description !== undefined) validateDescriptionBasic(spec.description, "ContractSpecification.Description");
  if (spec.ownerAddresses.length === 0) throw plainError("invalid owner addresses count (expected > 0 got: 0)");
  spec.ownerAddresses.forEach((owner, i) => {
    const problem = addressProblem(prefix, owner);
    if (problem !== undefined) throw plainError(`invalid owner address at index ${i}: ${problem}`);
  });
  if (spec.partiesInvolved.length === 0) throw plainError("invalid parties involved count (expected > 0 got: 0)");
  switch (spec.source.case) {
    case "resourceId":
      try {
        verifyAddressFormat(spec.source.value);
      } catch (error) {
        throw plainError(`invalid source resource id: ${(error as Error).message}`);
      }
      break;
    case "hash":
      if (spec.source.value.length === 0) throw plainError("source hash cannot be empty");
      break;
    default:
      throw plainError("a source (resource id or hash) is required");
  }
  if (spec.className.length === 0) throw plainError("class name cannot be empty");
  if (byteLength(spec.className) > MAX_CLASS_NAME) {
    throw plainError(
      `class name exceeds maximum length (expected <= ${MAX_CLASS_NAME} got: ${byteLength(spec.className)})`,
    );
  }
}

function validateInputSpecificationBasic(input: InputSpecification): void {
  if (input.name.length === 0) throw plainError("input specification name cannot be empty");
  if (byteLength(input.name) > MAX_SPEC_NAME) {
    throw plainError(
      `input specification name exceeds maximum length (expected <= ${MAX_SPEC_NAME} got: ${byteLength(input.name)})`,
    );
  }
  if (input.typeName.length === 0) throw plainError("input specification type name cannot be empty");
  if (byteLength(input.typeName) > MAX_TYPE_NAME) {
    throw plainError(
      `input specification type name exceeds maximum length (expected <= ${MAX_TYPE_NAME} got: ${byteLength(input.typeName)})`,
    );
  }
  switch (input.source.case) {
    case "recordId": {
      let prefix: string;
      try {
        prefix = verifyAddressFormat(input.source.value);
      } catch (error) {
        throw plainError(`invalid input specification source record id: ${(error as Error).message}`);
      }
      if (prefix !== "record") {
        throw plainError(`invalid input specification source record id prefix (expected: record, got ${prefix})`);
      }
      break;
    }
    case "hash":
      if (input.source.value.length === 0) throw plainError("input specification source hash cannot be empty");
      break;
    default:
      throw plainError("input specification source is required");
  }
}

/** RecordSpecification.ValidateBasic, including the id matching the name. */
export function validateRecordSpecificationBasic(spec: RecordSpecification): void {
  let idPrefix: string;
  try {
    idPrefix = verifyAddressFormat(spec.specificationId);
  } catch (error) {
    throw plainError(`invalid record specification id: ${(error as Error).message}`);
  }
  if (idPrefix !== "recspec") {
    throw plainError(`invalid record specification id prefix (expected: recspec, got ${idPrefix})`);
  }
  if (spec.name.length === 0) throw plainError("record specification name cannot be empty");
  if (byteLength(spec.name) > MAX_SPEC_NAME) {
    throw plainError(
      `record specification name exceeds maximum length (expected <= ${MAX_SPEC_NAME} got: ${byteLength(spec.name)})`,
    );
  }
  const expected = recordSpecIdOf(spec.specificationId, spec.name);
  if (!equalBytes(expected, spec.specificationId)) {
    throw plainError(
      `invalid record specification id value (expected: ${addressString(expected)}, got ${addressString(spec.specificationId)})`,
    );
  }
  spec.inputs.forEach((input, i) => {
    try {
      validateInputSpecificationBasic(input);
    } catch (error) {
      throw plainError(`invalid input specification at index ${i}: ${(error as Error).message}`);
    }
  });
  if (spec.typeName.length === 0) throw plainError("record specification type name cannot be empty");
  if (byteLength(spec.typeName) > MAX_TYPE_NAME) {
    throw plainError(
      `record specification type name exceeds maximum length (expected <= ${MAX_TYPE_NAME} got: ${byteLength(spec.typeName)})`,
    );
  }
  if (spec.responsibleParties.length === 0) throw plainError("invalid responsible parties count (expected > 0 got: 0)");
  if (spec.resultType === DefinitionType.UNSPECIFIED) {
    throw plainError("record specification result type cannot be unspecified");
  }
}

// --- optional field conversion ---------------------------------------------------------------

/**
 * The session address that session id components name, or undefined when they name none; what is
 * wrong with them is reported as "invalid session id components: …", as the chain words it.
 */
function sessionAddrOf(components: SessionIdComponents): Uint8Array | undefined {
  try {
    return sessionAddrFromParts(components);
  } catch (error) {
    throw plainError(`invalid session id components: ${(error as Error).message}`);
  }
}

function sessionAddrFromParts(components: SessionIdComponents): Uint8Array | undefined {
  let scopeUuid: string | undefined;
  let sessionUuid: string | undefined;
  if (components.sessionUuid.length > 0) sessionUuid = parseUuid(components.sessionUuid, "session uuid");
  if (components.scopeIdentifier.case === "scopeUuid" && components.scopeIdentifier.value.length > 0) {
    scopeUuid = parseUuid(components.scopeIdentifier.value, "scope uuid");
  } else if (components.scopeIdentifier.case === "scopeAddr" && components.scopeIdentifier.value.length > 0) {
    let address: MetadataAddress;
    try {
      address = MetadataAddress.fromBech32(components.scopeIdentifier.value);
    } catch (error) {
      throw plainError(`invalid scope addr: ${(error as Error).message}`);
    }
    if (address.kind !== "scope")
      throw plainError(`invalid scope addr: ${components.scopeIdentifier.value} is not a scope address`);
    scopeUuid = address.primaryUuid;
  }
  if (scopeUuid === undefined && sessionUuid === undefined) return undefined;
  if (scopeUuid === undefined) throw plainError("session uuid provided but missing scope uuid or addr");
  if (sessionUuid === undefined) throw plainError("scope uuid or addr provided but missing session uuid");
  return MetadataAddress.forSession(scopeUuid, sessionUuid).bytes;
}

function describeComponents(components: SessionIdComponents): string {
  const scope =
    components.scopeIdentifier.case === undefined
      ? ""
      : `${components.scopeIdentifier.case}:${components.scopeIdentifier.value}`;
  return `{${scope} session_uuid:${components.sessionUuid}}`;
}

// An id given both embedded in the message and through its optional uuid field must agree; the
// derived address is the one kept.
function agreeingAddress(embedded: Uint8Array, derived: Uint8Array, mismatch: string): Uint8Array {
  if (embedded.length > 0 && !equalBytes(embedded, derived)) throw plainError(mismatch);
  return derived;
}

/** Applies WriteScope's scope_uuid and spec_uuid to the scope; idempotent. */
export function convertWriteScope(msg: MsgWriteScopeRequest): void {
  if (msg.scope === undefined) return;
  if (msg.scopeUuid.length > 0) {
    const address = MetadataAddress.forScope(parseUuid(msg.scopeUuid, "scope uuid")).bytes;
    msg.scope.scopeId = agreeingAddress(
      msg.scope.scopeId,
      address,
      `msg.Scope.ScopeId [${addressString(msg.scope.scopeId)}] is different from the one created from msg.ScopeUuid [${msg.scopeUuid}]`,
    );
    msg.scopeUuid = "";
  }
  if (msg.specUuid.length > 0) {
    const address = MetadataAddress.forScopeSpecification(parseUuid(msg.specUuid, "spec uuid")).bytes;
    msg.scope.specificationId = agreeingAddress(
      msg.scope.specificationId,
      address,
      `msg.Scope.SpecificationId [${addressString(msg.scope.specificationId)}] is different from the one created from msg.SpecUuid [${msg.specUuid}]`,
    );
    msg.specUuid = "";
  }
}

/** Applies WriteSession's session_id_components and spec_uuid; idempotent. */
export function convertWriteSession(msg: MsgWriteSessionRequest): void {
  if (msg.session === undefined) return;
  if (msg.sessionIdComponents !== undefined) {
    const address = sessionAddrOf(msg.sessionIdComponents);
    if (address !== undefined) {
      msg.session.sessionId = agreeingAddress(
        msg.session.sessionId,
        address,
        `msg.Session.SessionId [${addressString(msg.session.sessionId)}] is different from the one created from msg.SessionIdComponents ${describeComponents(msg.sessionIdComponents)}`,
      );
    }
    msg.sessionIdComponents = undefined;
  }
  if (msg.specUuid.length > 0) {
    const address = MetadataAddress.forContractSpecification(parseUuid(msg.specUuid, "spec uuid")).bytes;
    msg.session.specificationId = agreeingAddress(
      msg.session.specificationId,
      address,
      `msg.Session.SpecificationId [${addressString(msg.session.specificationId)}] is different from the one created from msg.SpecUuid [${msg.specUuid}]`,
    );
    msg.specUuid = "";
  }
}

/** Applies WriteRecord's session_id_components and contract_spec_uuid; idempotent. */
export function convertWriteRecord(msg: MsgWriteRecordRequest): void {
  if (msg.record === undefined) return;
  if (msg.sessionIdComponents !== undefined) {
    const address = sessionAddrOf(msg.sessionIdComponents);
    if (address !== undefined) {
      msg.record.sessionId = agreeingAddress(
        msg.record.sessionId,
        address,
        `msg.Record.SessionId [${addressString(msg.record.sessionId)}] is different from the one created from msg.SessionIdComponents ${describeComponents(msg.sessionIdComponents)}`,
      );
      msg.sessionIdComponents = undefined;
    }
  }
  if (msg.contractSpecUuid.length > 0) {
    const uuid = parseUuid(msg.contractSpecUuid, "contract spec uuid");
    if (msg.record.name.trim().length === 0) throw plainError("empty record name");
    const address = MetadataAddress.forRecordSpecification(uuid, msg.record.name).bytes;
    msg.record.specificationId = agreeingAddress(
      msg.record.specificationId,
      address,
      `msg.Record.SpecificationId [${addressString(msg.record.specificationId)}] is different from the one created from msg.ContractSpecUuid [${msg.contractSpecUuid}] and msg.Record.Name [${msg.record.name}]`,
    );
    msg.contractSpecUuid = "";
  }
}

function convertSpecUuid(
  spec: { specificationId: Uint8Array } | undefined,
  uuidText: string,
  derive: (uuid: string) => Uint8Array,
): boolean {
  if (spec === undefined || uuidText.length === 0) return false;
  const address = derive(parseUuid(uuidText, "spec uuid"));
  spec.specificationId = agreeingAddress(
    spec.specificationId,
    address,
    `msg.Specification.SpecificationId [${addressString(spec.specificationId)}] is different from the one created from msg.SpecUuid [${uuidText}]`,
  );
  return true;
}

/** Applies spec_uuid; idempotent. */
export function convertWriteScopeSpecification(msg: MsgWriteScopeSpecificationRequest): void {
  if (convertSpecUuid(msg.specification, msg.specUuid, (u) => MetadataAddress.forScopeSpecification(u).bytes)) {
    msg.specUuid = "";
  }
}

/** Applies spec_uuid; idempotent. */
export function convertWriteContractSpecification(msg: MsgWriteContractSpecificationRequest): void {
  if (convertSpecUuid(msg.specification, msg.specUuid, (u) => MetadataAddress.forContractSpecification(u).bytes)) {
    msg.specUuid = "";
  }
}

/** Applies contract_spec_uuid with the spec's name; idempotent. */
export function convertWriteRecordSpecification(msg: MsgWriteRecordSpecificationRequest): void {
  const spec = msg.specification;
  if (spec === undefined || msg.contractSpecUuid.length === 0) return;
  const uuid = parseUuid(msg.contractSpecUuid, "spec uuid");
  if (spec.name.trim().length === 0) throw plainError("empty specification name");
  const address = MetadataAddress.forRecordSpecification(uuid, spec.name).bytes;
  spec.specificationId = agreeingAddress(
    spec.specificationId,
    address,
    `msg.Specification.SpecificationId [${addressString(spec.specificationId)}] is different from the one created from msg.ContractSpecUuid [${msg.contractSpecUuid}] and msg.Specification.Name [${spec.name}]`,
  );
  msg.contractSpecUuid = "";
}

// --- Msgs ----------------------------------------------------------------------------------

function requireSigners(signers: readonly string[]): void {
  if (signers.length < 1) throw plainError("at least one signer is required");
}

function requireScopeId(scopeId: Uint8Array): void {
  if (!(scopeId.length === 17 && scopeId[0] === SCOPE)) {
    throw plainError(`address is not a scope id: ${addressString(scopeId)}`);
  }
}

/** MsgWriteScopeRequest.ValidateBasic. */
export function validateWriteScope(prefix: string, msg: MsgWriteScopeRequest): void {
  requireSigners(msg.signers);
  convertWriteScope(msg);
  // Scope is non-nullable in Go: a missing one is an empty scope, refused for its empty id.
  validateScopeBasic(prefix, msg.scope ?? create(ScopeSchema));
}

/** MsgUpdateValueOwnersRequest.ValidateBasic. */
export function validateUpdateValueOwners(prefix: string, msg: MsgUpdateValueOwnersRequest): void {
  if (msg.scopeIds.length === 0) throw plainError("at least one scope id is required");
  msg.scopeIds.forEach((id, i) => {
    if (!isAddressOfType(id, SCOPE)) {
      throw plainError(`scope id[${i}]: ${JSON.stringify(addressString(id))}: invalid scope id`);
    }
  });
  const problem = addressProblem(prefix, msg.valueOwnerAddress);
  if (problem !== undefined) throw plainError(`invalid value owner address: ${problem}`);
  requireSigners(msg.signers);
}

/** MsgMigrateValueOwnerRequest.ValidateBasic. */
export function validateMigrateValueOwner(prefix: string, msg: MsgMigrateValueOwnerRequest): void {
  const existing = addressProblem(prefix, msg.existing);
  if (existing !== undefined) throw plainError(`invalid existing value owner address: ${existing}`);
  const proposed = addressProblem(prefix, msg.proposed);
  if (proposed !== undefined) throw plainError(`invalid proposed value owner address: ${proposed}`);
  requireSigners(msg.signers);
}

/** MsgDeleteScopeRequest.ValidateBasic. */
export function validateDeleteScope(msg: MsgDeleteScopeRequest): void {
  requireSigners(msg.signers);
  if (!(msg.scopeId.length === 17 && msg.scopeId[0] === SCOPE)) throw plainError("invalid scope address");
}

/** ValidateBasic of the data-access Msgs. */
export function validateScopeDataAccess(
  prefix: string,
  msg: MsgAddScopeDataAccessRequest | MsgDeleteScopeDataAccessRequest,
): void {
  requireScopeId(msg.scopeId);
  if (msg.dataAccess.length < 1) throw plainError("at least one data access address is required");
  for (const address of msg.dataAccess) {
    if (addressProblem(prefix, address) !== undefined) throw plainError(`data access address is invalid: ${address}`);
  }
  requireSigners(msg.signers);
}

/** MsgAddScopeOwnerRequest.ValidateBasic. */
export function validateAddScopeOwner(prefix: string, msg: MsgAddScopeOwnerRequest): void {
  requireScopeId(msg.scopeId);
  try {
    validatePartiesBasic(prefix, msg.owners);
  } catch (error) {
    throw plainError(`invalid owners: ${(error as Error).message}`);
  }
  requireSigners(msg.signers);
}

/** MsgDeleteScopeOwnerRequest.ValidateBasic. */
export function validateDeleteScopeOwner(prefix: string, msg: MsgDeleteScopeOwnerRequest): void {
  requireScopeId(msg.scopeId);
  if (msg.owners.length < 1) throw plainError("at least one owner address is required");
  for (const owner of msg.owners) {
    if (addressProblem(prefix, owner) !== undefined) throw plainError(`owner address is invalid: ${owner}`);
  }
  requireSigners(msg.signers);
}

/** MsgWriteSessionRequest.ValidateBasic. */
export function validateWriteSession(prefix: string, msg: MsgWriteSessionRequest): void {
  requireSigners(msg.signers);
  convertWriteSession(msg);
  if (msg.session === undefined) throw plainError("session is required");
  validateSessionBasic(prefix, msg.session);
}

/** MsgWriteRecordRequest.ValidateBasic. */
export function validateWriteRecord(msg: MsgWriteRecordRequest): void {
  requireSigners(msg.signers);
  convertWriteRecord(msg);
  if (msg.record === undefined) throw plainError("record is required");
  validateRecordBasic(msg.record);
}

/** ValidateBasic of Msgs that only need a signer (the deletes by id). */
export function validateSignersOnly(msg: { signers: string[] }): void {
  requireSigners(msg.signers);
}

/** MsgWriteScopeSpecificationRequest.ValidateBasic. */
export function validateWriteScopeSpecification(prefix: string, msg: MsgWriteScopeSpecificationRequest): void {
  requireSigners(msg.signers);
  convertWriteScopeSpecification(msg);
  if (msg.specification === undefined) throw plainError("specification is required");
  validateGenericPartyTypeUsage(msg.specification.partiesInvolved, msg.specification.description);
  validateScopeSpecificationBasic(prefix, msg.specification);
}

/** MsgWriteContractSpecificationRequest.ValidateBasic. */
export function validateWriteContractSpecification(prefix: string, msg: MsgWriteContractSpecificationRequest): void {
  requireSigners(msg.signers);
  convertWriteContractSpecification(msg);
  if (msg.specification === undefined) throw plainError("specification is required");
  validateGenericPartyTypeUsage(msg.specification.partiesInvolved, msg.specification.description);
  validateContractSpecificationBasic(prefix, msg.specification);
}

/** MsgWriteRecordSpecificationRequest.ValidateBasic. */
export function validateWriteRecordSpecification(msg: MsgWriteRecordSpecificationRequest): void {
  requireSigners(msg.signers);
  convertWriteRecordSpecification(msg);
  if (msg.specification === undefined) throw plainError("specification is required");
  validateRecordSpecificationBasic(msg.specification);
}

/** ValidateBasic of Add/DeleteContractSpec(To|From)ScopeSpec. */
export function validateContractSpecScopeSpecLink(
  msg: MsgAddContractSpecToScopeSpecRequest | MsgDeleteContractSpecFromScopeSpecRequest,
): void {
  if (!(msg.contractSpecificationId.length === 17 && msg.contractSpecificationId[0] === CONTRACT_SPEC)) {
    throw plainError(`address is not a contract specification id: ${addressString(msg.contractSpecificationId)}`);
  }
  if (!(msg.scopeSpecificationId.length === 17 && msg.scopeSpecificationId[0] === SCOPE_SPEC)) {
    throw plainError(`address is not a scope specification id: ${addressString(msg.scopeSpecificationId)}`);
  }
  requireSigners(msg.signers);
}
