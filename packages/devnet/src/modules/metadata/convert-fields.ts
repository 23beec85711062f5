// The "optional field" conversions (uuid fields → addresses) that ValidateBasic and the msg server
// both run (ConvertOptionalFields in types/msgs.go).
import { MetadataAddress } from "@p8e/spec-model";
import type {
  MsgWriteContractSpecificationRequest,
  MsgWriteRecordRequest,
  MsgWriteRecordSpecificationRequest,
  MsgWriteScopeRequest,
  MsgWriteScopeSpecificationRequest,
  MsgWriteSessionRequest,
  SessionIdComponents,
} from "@p8e/spec-model/metadata";
import { plainError } from "../../abci-error.js";
import { equalBytes } from "../../codec.js";
import { addressString } from "./addresses.js";
import { parseUuid } from "./basic-common.js";

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
