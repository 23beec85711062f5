// Byte, text and address helpers shared by the ledger.
import { ripemd160 } from "@noble/hashes/legacy.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { bech32 } from "@scure/base";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** UTF-8 bytes of a string. */
export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/** The string in UTF-8 bytes. */
export function fromUtf8(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

/** Lowercase hex of bytes. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
}

/** Bytes of a hex string; throws on anything else. */
export function fromHex(hex: string): Uint8Array {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) throw new TypeError(`not a hex string: ${hex}`);
  return new Uint8Array(Buffer.from(hex, "hex"));
}

/** Standard base64 (with padding) of bytes. */
export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}

/** Bytes of a standard base64 string; throws on anything else. */
export function fromBase64(text: string): Uint8Array {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) throw new TypeError("not a base64 string");
  return new Uint8Array(Buffer.from(text, "base64"));
}

/** The parts joined into one array. */
export function concat(...parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** True when both arrays hold the same bytes. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Byte-wise ordering, the order the KV store keeps its keys in. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/** A length-prefixed key part, as the SDK's address.MustLengthPrefix writes it. */
export function lengthPrefixed(bytes: Uint8Array): Uint8Array {
  if (bytes.length > 255) throw new RangeError("key part longer than 255 bytes");
  return concat(Uint8Array.of(bytes.length), bytes);
}

/** Uppercase hex SHA-256, the form CometBFT prints hashes in. */
export function sha256Hex(bytes: Uint8Array): string {
  return toHex(sha256(bytes)).toUpperCase();
}

/** The 20-byte account id of a compressed secp256k1 public key: RIPEMD160(SHA-256(key)). */
export function accountIdOfPublicKey(publicKey: Uint8Array): Uint8Array {
  return ripemd160(sha256(publicKey));
}

/** The address of a module account: the first 20 bytes of SHA-256(module name). */
export function moduleAccountId(name: string): Uint8Array {
  return sha256(utf8(name)).subarray(0, 20);
}

/** The bech32 text of an account id. */
export function encodeAccountAddress(prefix: string, bytes: Uint8Array): string {
  return bech32.encode(prefix, bech32.toWords(bytes), 1023);
}

/** An account address that failed AccAddressFromBech32, with the SDK's wording. */
export class AddressError extends Error {
  override readonly name = "AddressError";
}

/**
 * Decodes a bech32 account address that must carry `prefix`, as the SDK's AccAddressFromBech32
 * does, and throws an AddressError worded like the SDK's when it is not one.
 */
export function decodeAccountAddress(prefix: string, address: string): Uint8Array {
  const cacheKey = `${prefix}:${address}`;
  const cached = decodedAddresses.get(cacheKey);
  if (cached !== undefined) return cached.slice();
  const bytes = decodeUncached(prefix, address);
  if (decodedAddresses.size >= 10_000) decodedAddresses.clear();
  decodedAddresses.set(cacheKey, bytes);
  return bytes.slice();
}

// Every Msg names its signers and parties as bech32 text, and the checks parse them again and again.
const decodedAddresses = new Map<string, Uint8Array>();

function decodeUncached(prefix: string, address: string): Uint8Array {
  if (address.trim().length === 0) throw new AddressError("empty address string is not allowed");
  let decoded: { prefix: string; words: number[] };
  try {
    decoded = bech32.decode(address as `${string}1${string}`, 1023);
  } catch (cause) {
    throw new AddressError(`decoding bech32 failed: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
  if (decoded.prefix !== prefix) {
    throw new AddressError(`invalid Bech32 prefix; expected ${prefix}, got ${decoded.prefix}`);
  }
  const bytes = bech32.fromWords(decoded.words);
  if (bytes.length === 0) throw new AddressError("addresses cannot be empty");
  if (bytes.length > 255) throw new AddressError(`address max length is 255, got ${bytes.length}`);
  return bytes;
}

/** True when `address` is a valid bech32 account address with `prefix`. */
export function isAccountAddress(prefix: string, address: string): boolean {
  try {
    decodeAccountAddress(prefix, address);
    return true;
  } catch {
    return false;
  }
}

/** Parses a non-negative integer amount written in decimal. */
export function parseAmount(text: string): bigint | undefined {
  return /^[0-9]+$/.test(text) ? BigInt(text) : undefined;
}
