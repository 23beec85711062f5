import { decompressPublicKey } from "@p8e/hashing-crypto";
import { invalid } from "./errors.js";

/**
 * The store's text form of a secp256k1 public key: standard padded base64 of the 65-byte
 * uncompressed point, exactly what DIME audience entries hold. Requests carry raw bytes (65 bytes
 * upstream; 33-byte compressed keys are accepted and expanded).
 */
export function keyToBase64(raw: Uint8Array, title: string): string {
  if (raw.length === 65 && raw[0] === 0x04) return Buffer.from(raw).toString("base64");
  if (raw.length === 33 && (raw[0] === 0x02 || raw[0] === 0x03)) {
    try {
      return Buffer.from(decompressPublicKey(raw)).toString("base64");
    } catch {
      throw invalid(`${title} is not a point on secp256k1`);
    }
  }
  if (raw.length === 0) throw invalid(`${title} is missing`);
  throw invalid(`${title} must be a 65-byte uncompressed or 33-byte compressed secp256k1 key, got ${raw.length} bytes`);
}

/** The raw 65-byte point of a key in the store's base64 form. */
export function keyFromBase64(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, "base64"));
}

const base64Pattern = /^[A-Za-z0-9+/]+={0,2}$/;

/** Normalises a DIME `Audience.public_key` (UTF-8 base64 text of the point) to the store's form. */
export function audienceKeyToBase64(text: Uint8Array, title: string): string {
  const ascii = Buffer.from(text).toString("latin1");
  if (!base64Pattern.test(ascii) || ascii.length % 4 !== 0) throw invalid(`${title} is not base64 text`);
  return keyToBase64(new Uint8Array(Buffer.from(ascii, "base64")), title);
}

/** A short printable form of a base64 key for logs and error messages. */
export function shortKey(base64: string): string {
  return base64.length > 20 ? `${base64.slice(0, 12)}…${base64.slice(-6)}` : base64;
}
