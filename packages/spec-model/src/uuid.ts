import { SpecModelError } from "./errors.js";

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True when `text` is a hyphenated UUID (any version, either case). */
export function isUuid(text: string): boolean {
  return uuidPattern.test(text);
}

/**
 * The 16 bytes of a hyphenated UUID, in RFC 4122 order (as Go's MarshalBinary and Java's msb/lsb).
 * @throws {SpecModelError} code "invalid-uuid" when `text` is not a hyphenated UUID.
 */
export function uuidToBytes(text: string): Uint8Array {
  if (typeof text !== "string" || !uuidPattern.test(text)) {
    throw new SpecModelError("invalid-uuid", `invalid UUID ${JSON.stringify(text)}: expected 8-4-4-4-12 hex digits`);
  }
  const hex = text.replaceAll("-", "");
  const bytes = new Uint8Array(16);
  for (let i = 0; i < 16; i++) bytes[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

/**
 * The lowercase hyphenated UUID of 16 bytes.
 * @throws {SpecModelError} code "invalid-uuid" when `bytes` is not 16 bytes long.
 */
export function uuidFromBytes(bytes: Uint8Array): string {
  if (!(bytes instanceof Uint8Array) || bytes.length !== 16) {
    throw new SpecModelError(
      "invalid-uuid",
      `a UUID is 16 bytes, got ${bytes instanceof Uint8Array ? bytes.length : typeof bytes}`,
    );
  }
  let hex = "";
  for (const byte of bytes) hex += byte.toString(16).padStart(2, "0");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
