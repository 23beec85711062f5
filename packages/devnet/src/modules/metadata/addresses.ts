// MetadataAddress checks worded like the chain's, and the id-info messages its responses carry.
import { create } from "@bufbuild/protobuf";
import { MetadataAddress, uuidFromBytes } from "@p8e/spec-model";
import {
  type ContractSpecIdInfo,
  ContractSpecIdInfoSchema,
  type RecordIdInfo,
  RecordIdInfoSchema,
  type RecordSpecIdInfo,
  RecordSpecIdInfoSchema,
  type ScopeIdInfo,
  ScopeIdInfoSchema,
  type ScopeSpecIdInfo,
  ScopeSpecIdInfoSchema,
  type SessionIdInfo,
  SessionIdInfoSchema,
} from "@p8e/spec-model/metadata";
import { plainError } from "../../abci-error.js";
import { toHex } from "../../codec.js";

/** Type byte of scope addresses. */
export const SCOPE = 0x00;
/** Type byte of session addresses. */
export const SESSION = 0x01;
/** Type byte of record addresses. */
export const RECORD = 0x02;
/** Type byte of contract specification addresses. */
export const CONTRACT_SPEC = 0x03;
/** Type byte of scope specification addresses. */
export const SCOPE_SPEC = 0x04;
/** Type byte of record specification addresses. */
export const RECORD_SPEC = 0x05;

const kinds = new Map<number, { prefix: string; length: number }>([
  [SCOPE, { prefix: "scope", length: 17 }],
  [SESSION, { prefix: "session", length: 33 }],
  [RECORD, { prefix: "record", length: 33 }],
  [CONTRACT_SPEC, { prefix: "contractspec", length: 17 }],
  [SCOPE_SPEC, { prefix: "scopespec", length: 17 }],
  [RECORD_SPEC, { prefix: "recspec", length: 33 }],
]);

/**
 * The chain's VerifyMetadataAddressFormat: returns the address's bech32 prefix ("scope",
 * "session"…) or throws with the chain's wording.
 */
export function verifyAddressFormat(bytes: Uint8Array): string {
  if (bytes.length === 0) throw plainError("address is empty");
  const kind = kinds.get(bytes[0]!);
  if (kind === undefined) throw plainError(`invalid metadata address type: ${bytes[0]}`);
  if (bytes.length !== kind.length) {
    throw plainError(`incorrect address length (expected: ${kind.length}, actual: ${bytes.length})`);
  }
  return kind.prefix;
}

/** True when `bytes` is a well-formed address of the given type byte. */
export function isAddressOfType(bytes: Uint8Array, typeByte: number): boolean {
  const kind = kinds.get(typeByte);
  return kind !== undefined && bytes.length === kind.length && bytes[0] === typeByte;
}

/** The bech32 text of an address as the chain prints it: "" when empty, hex when malformed. */
export function addressString(bytes: Uint8Array): string {
  if (bytes.length === 0) return "";
  const key = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
  const cached = bech32Cache.get(key);
  if (cached !== undefined) return cached;
  let text: string;
  try {
    text = MetadataAddress.fromBytes(bytes).toString();
  } catch {
    text = toHex(bytes);
  }
  if (bech32Cache.size >= 10_000) bech32Cache.clear();
  bech32Cache.set(key, text);
  return text;
}

// Events, responses and errors print the same few addresses many times per tx.
const bech32Cache = new Map<string, string>();

/** The UUID in the 16 bytes at `offset`. */
export function uuidAt(bytes: Uint8Array, offset: number): string {
  return uuidFromBytes(bytes.subarray(offset, offset + 16));
}

/** The scope address of a scope, session or record address. */
export function scopeOf(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(17);
  out[0] = SCOPE;
  out.set(bytes.subarray(1, 17), 1);
  return out;
}

/** The contract spec address of a contract spec or record spec address. */
export function contractSpecOf(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(17);
  out[0] = CONTRACT_SPEC;
  out.set(bytes.subarray(1, 17), 1);
  return out;
}

/** The 16-byte hash of a record name in record and record spec addresses (memoized: names repeat). */
function nameHash(name: string): Uint8Array {
  let hash = nameHashes.get(name);
  if (hash === undefined) {
    // MetadataAddress applies the chain's normalization (Go's TrimSpace and ToLower) and refuses blank names.
    hash = MetadataAddress.forRecord("00000000-0000-0000-0000-000000000000", name).bytes.subarray(17, 33);
    if (nameHashes.size >= 10_000) nameHashes.clear();
    nameHashes.set(name, hash);
  }
  return hash;
}

const nameHashes = new Map<string, Uint8Array>();

function withNameHash(typeByte: number, bytes: Uint8Array, name: string): Uint8Array {
  const out = new Uint8Array(33);
  out[0] = typeByte;
  out.set(bytes.subarray(1, 17), 1);
  out.set(nameHash(name), 17);
  return out;
}

/** The address of record `name` in the scope of a scope, session or record address. */
export function recordIdOf(bytes: Uint8Array, name: string): Uint8Array {
  return withNameHash(RECORD, bytes, name);
}

/** The address of record spec `name` under a contract spec or record spec address. */
export function recordSpecIdOf(bytes: Uint8Array, name: string): Uint8Array {
  return withNameHash(RECORD_SPEC, bytes, name);
}

/** The id info of a scope address. */
export function scopeIdInfo(scopeId: Uint8Array): ScopeIdInfo {
  return create(ScopeIdInfoSchema, {
    scopeId,
    scopeIdPrefix: scopeId.slice(0, 1),
    scopeIdScopeUuid: scopeId.slice(1, 17),
    scopeAddr: addressString(scopeId),
    scopeUuid: uuidAt(scopeId, 1),
  });
}

/** The id info of a session address. */
export function sessionIdInfo(sessionId: Uint8Array): SessionIdInfo {
  return create(SessionIdInfoSchema, {
    sessionId,
    sessionIdPrefix: sessionId.slice(0, 1),
    sessionIdScopeUuid: sessionId.slice(1, 17),
    sessionIdSessionUuid: sessionId.slice(17, 33),
    sessionAddr: addressString(sessionId),
    sessionUuid: uuidAt(sessionId, 17),
    scopeIdInfo: scopeIdInfo(scopeOf(sessionId)),
  });
}

/** The id info of a record address. */
export function recordIdInfo(recordId: Uint8Array): RecordIdInfo {
  return create(RecordIdInfoSchema, {
    recordId,
    recordIdPrefix: recordId.slice(0, 1),
    recordIdScopeUuid: recordId.slice(1, 17),
    recordIdHashedName: recordId.slice(17, 33),
    recordAddr: addressString(recordId),
    scopeIdInfo: scopeIdInfo(scopeOf(recordId)),
  });
}

/** The id info of a scope specification address. */
export function scopeSpecIdInfo(id: Uint8Array): ScopeSpecIdInfo {
  return create(ScopeSpecIdInfoSchema, {
    scopeSpecId: id,
    scopeSpecIdPrefix: id.slice(0, 1),
    scopeSpecIdScopeSpecUuid: id.slice(1, 17),
    scopeSpecAddr: addressString(id),
    scopeSpecUuid: uuidAt(id, 1),
  });
}

/** The id info of a contract specification address. */
export function contractSpecIdInfo(id: Uint8Array): ContractSpecIdInfo {
  return create(ContractSpecIdInfoSchema, {
    contractSpecId: id,
    contractSpecIdPrefix: id.slice(0, 1),
    contractSpecIdContractSpecUuid: id.slice(1, 17),
    contractSpecAddr: addressString(id),
    contractSpecUuid: uuidAt(id, 1),
  });
}

/** The id info of a record specification address. */
export function recordSpecIdInfo(id: Uint8Array): RecordSpecIdInfo {
  return create(RecordSpecIdInfoSchema, {
    recordSpecId: id,
    recordSpecIdPrefix: id.slice(0, 1),
    recordSpecIdContractSpecUuid: id.slice(1, 17),
    recordSpecIdHashedName: id.slice(17, 33),
    recordSpecAddr: addressString(id),
    contractSpecIdInfo: contractSpecIdInfo(contractSpecOf(id)),
  });
}
