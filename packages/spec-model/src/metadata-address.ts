import { bech32Decode, bech32Encode, sha256, utf8ToBytes } from "@p8e/hashing-crypto";
import { SpecModelError } from "./errors.js";
import { uuidFromBytes, uuidToBytes } from "./uuid.js";

/** The six kinds of metadata-module address. */
export type MetadataAddressKind =
  | "scope"
  | "session"
  | "record"
  | "scopeSpecification"
  | "contractSpecification"
  | "recordSpecification";

interface KindInfo {
  readonly kind: MetadataAddressKind;
  readonly typeByte: number;
  readonly prefix: string;
  readonly length: number;
}

// Type bytes as the chain assigns them; contract spec is 0x03 and scope spec 0x04.
const kinds: readonly KindInfo[] = [
  { kind: "scope", typeByte: 0x00, prefix: "scope", length: 17 },
  { kind: "session", typeByte: 0x01, prefix: "session", length: 33 },
  { kind: "record", typeByte: 0x02, prefix: "record", length: 33 },
  { kind: "contractSpecification", typeByte: 0x03, prefix: "contractspec", length: 17 },
  { kind: "scopeSpecification", typeByte: 0x04, prefix: "scopespec", length: 17 },
  { kind: "recordSpecification", typeByte: 0x05, prefix: "recspec", length: 33 },
];

function infoOfKind(kind: MetadataAddressKind): KindInfo {
  const info = kinds.find((k) => k.kind === kind);
  if (info === undefined) throw new TypeError(`unknown metadata address kind ${kind}`);
  return info;
}

function invalid(message: string, cause?: unknown): SpecModelError {
  return new SpecModelError(
    "invalid-address",
    `invalid metadata address: ${message}`,
    cause === undefined ? {} : { cause },
  );
}

// Go's unicode.IsSpace, which the chain's strings.TrimSpace uses. It differs from String.trim():
// U+0085 is a space here, U+FEFF is not.
function isGoSpace(codePoint: number): boolean {
  return (
    (codePoint >= 0x09 && codePoint <= 0x0d) ||
    codePoint === 0x20 ||
    codePoint === 0x85 ||
    codePoint === 0xa0 ||
    codePoint === 0x1680 ||
    (codePoint >= 0x2000 && codePoint <= 0x200a) ||
    codePoint === 0x2028 ||
    codePoint === 0x2029 ||
    codePoint === 0x202f ||
    codePoint === 0x205f ||
    codePoint === 0x3000
  );
}

/**
 * A record name as the chain hashes it: `strings.ToLower(strings.TrimSpace(name))` in Go.
 * Lowercasing is per code point (Go's simple case mapping), so U+0130 becomes "i" and a final
 * sigma stays σ, unlike String.toLowerCase().
 */
export function normalizeRecordName(name: string): string {
  const codePoints = Array.from(name);
  let start = 0;
  let end = codePoints.length;
  while (start < end && isGoSpace(codePoints[start]!.codePointAt(0)!)) start++;
  while (end > start && isGoSpace(codePoints[end - 1]!.codePointAt(0)!)) end--;
  let out = "";
  for (let i = start; i < end; i++) {
    const char = codePoints[i]!;
    if (char === "\u0130") {
      out += "i";
      continue;
    }
    const lower = char.toLowerCase();
    out += Array.from(lower).length === 1 ? lower : char;
  }
  return out;
}

function nameHash(name: string): Uint8Array {
  if (typeof name !== "string") throw new SpecModelError("invalid-name", "a record name must be a string");
  const normalized = normalizeRecordName(name);
  if (normalized.length === 0) throw new SpecModelError("invalid-name", "a record name must not be empty or blank");
  return sha256(utf8ToBytes(normalized)).subarray(0, 16);
}

function concat(typeByte: number, ...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(1 + parts.reduce((n, p) => n + p.length, 0));
  out[0] = typeByte;
  let offset = 1;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/**
 * A Provenance metadata-module address: a type byte followed by a UUID and, for sessions,
 * records and record specifications, 16 more bytes. Its text form is bech32 with a prefix per kind.
 *
 * @example
 * const scope = MetadataAddress.forScope("91978ba2-5f35-459a-86a7-feca1b0512e0");
 * scope.toString(); // "scope1qzge0zaztu65tx5x5llv5xc9ztsqxlkwel"
 */
export class MetadataAddress {
  readonly #bytes: Uint8Array;
  readonly #info: KindInfo;

  private constructor(bytes: Uint8Array, info: KindInfo) {
    this.#bytes = bytes;
    this.#info = info;
  }

  /** The address of a scope. */
  static forScope(scopeUuid: string): MetadataAddress {
    return new MetadataAddress(concat(0x00, uuidToBytes(scopeUuid)), infoOfKind("scope"));
  }

  /** The address of a session within a scope. */
  static forSession(scopeUuid: string, sessionUuid: string): MetadataAddress {
    return new MetadataAddress(concat(0x01, uuidToBytes(scopeUuid), uuidToBytes(sessionUuid)), infoOfKind("session"));
  }

  /** The address of a record, from its scope and its name (trimmed and lowercased before hashing). */
  static forRecord(scopeUuid: string, recordName: string): MetadataAddress {
    return new MetadataAddress(concat(0x02, uuidToBytes(scopeUuid), nameHash(recordName)), infoOfKind("record"));
  }

  /** The address of a scope specification. */
  static forScopeSpecification(scopeSpecUuid: string): MetadataAddress {
    return new MetadataAddress(concat(0x04, uuidToBytes(scopeSpecUuid)), infoOfKind("scopeSpecification"));
  }

  /** The address of a contract specification. */
  static forContractSpecification(contractSpecUuid: string): MetadataAddress {
    return new MetadataAddress(concat(0x03, uuidToBytes(contractSpecUuid)), infoOfKind("contractSpecification"));
  }

  /** The address of a record specification, from its contract specification and the record name. */
  static forRecordSpecification(contractSpecUuid: string, recordName: string): MetadataAddress {
    return new MetadataAddress(
      concat(0x05, uuidToBytes(contractSpecUuid), nameHash(recordName)),
      infoOfKind("recordSpecification"),
    );
  }

  /**
   * Parses raw address bytes.
   * @throws {SpecModelError} code "invalid-address" naming the problem: empty, unknown type byte, or wrong length.
   */
  static fromBytes(bytes: Uint8Array): MetadataAddress {
    if (!(bytes instanceof Uint8Array)) throw invalid(`expected Uint8Array, got ${typeof bytes}`);
    if (bytes.length === 0) throw invalid("address is empty");
    const typeByte = bytes[0]!;
    const info = kinds.find((k) => k.typeByte === typeByte);
    if (info === undefined) {
      throw invalid(`unknown type byte 0x${typeByte.toString(16).padStart(2, "0")}`);
    }
    if (bytes.length !== info.length) {
      throw invalid(
        `incorrect length for a ${info.prefix} address (expected: ${info.length}, actual: ${bytes.length})`,
      );
    }
    return new MetadataAddress(bytes.slice(), info);
  }

  /**
   * Parses the bech32 text form.
   * @throws {SpecModelError} code "invalid-address" naming the problem: bech32 encoding or checksum,
   *   unknown type byte, wrong length, or a prefix that does not match the type byte.
   */
  static fromBech32(text: string): MetadataAddress {
    if (typeof text !== "string") throw invalid(`expected a bech32 string, got ${typeof text}`);
    let decoded: { prefix: string; bytes: Uint8Array };
    try {
      decoded = bech32Decode(text);
    } catch (cause) {
      throw invalid(
        `${JSON.stringify(text)} is not valid bech32: ${cause instanceof Error ? cause.message : String(cause)}`,
        cause,
      );
    }
    const address = MetadataAddress.fromBytes(decoded.bytes);
    if (decoded.prefix !== address.#info.prefix) {
      throw invalid(
        `wrong bech32 prefix: expected ${address.#info.prefix} for type byte 0x0${address.#info.typeByte}, got ${decoded.prefix}`,
      );
    }
    return address;
  }

  /** Parses either a bech32 string or raw bytes. */
  static from(value: string | Uint8Array): MetadataAddress {
    return typeof value === "string" ? MetadataAddress.fromBech32(value) : MetadataAddress.fromBytes(value);
  }

  /** A copy of the raw address bytes (17 or 33). */
  get bytes(): Uint8Array {
    return this.#bytes.slice();
  }

  /** Which of the six kinds this address is. */
  get kind(): MetadataAddressKind {
    return this.#info.kind;
  }

  /** The bech32 prefix of this kind. */
  get prefix(): string {
    return this.#info.prefix;
  }

  /** The UUID in bytes 1..16: the scope's for scopes, sessions and records, else the specification's. */
  get primaryUuid(): string {
    return uuidFromBytes(this.#bytes.subarray(1, 17));
  }

  /** The session UUID of a session address; undefined for the other kinds. */
  get secondaryUuid(): string | undefined {
    return this.#info.kind === "session" ? uuidFromBytes(this.#bytes.subarray(17, 33)) : undefined;
  }

  /** The 16-byte name hash of a record or record specification address; undefined otherwise. */
  get nameHash(): Uint8Array | undefined {
    return this.#info.kind === "record" || this.#info.kind === "recordSpecification"
      ? this.#bytes.slice(17, 33)
      : undefined;
  }

  /** The scope address of a scope, session or record address. */
  asScopeAddress(): MetadataAddress {
    this.#requireKind("asScopeAddress", "scope", "session", "record");
    return MetadataAddress.forScope(this.primaryUuid);
  }

  /** The address of the named record in the scope of a scope, session or record address. */
  asRecordAddress(recordName: string): MetadataAddress {
    this.#requireKind("asRecordAddress", "scope", "session", "record");
    return MetadataAddress.forRecord(this.primaryUuid, recordName);
  }

  /** The contract specification address of a contract or record specification address. */
  asContractSpecAddress(): MetadataAddress {
    this.#requireKind("asContractSpecAddress", "contractSpecification", "recordSpecification");
    return MetadataAddress.forContractSpecification(this.primaryUuid);
  }

  /** The address of the named record specification under a contract or record specification address. */
  asRecordSpecAddress(recordName: string): MetadataAddress {
    this.#requireKind("asRecordSpecAddress", "contractSpecification", "recordSpecification");
    return MetadataAddress.forRecordSpecification(this.primaryUuid, recordName);
  }

  /** True when both addresses have the same bytes. */
  equals(other: MetadataAddress): boolean {
    const a = this.#bytes;
    const b = other.#bytes;
    return a.length === b.length && a.every((byte, i) => byte === b[i]);
  }

  /** The bech32 text form. */
  toString(): string {
    return bech32Encode(this.#info.prefix, this.#bytes);
  }

  /** Addresses serialise as their bech32 text, as the chain's JSON does. */
  toJSON(): string {
    return this.toString();
  }

  #requireKind(method: string, ...allowed: MetadataAddressKind[]): void {
    if (!allowed.includes(this.#info.kind)) {
      throw new SpecModelError("invalid-address", `${method}() does not apply to a ${this.#info.prefix} address`);
    }
  }
}
