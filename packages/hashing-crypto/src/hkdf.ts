/**
 * HKDF-SHA256 (RFC 5869) and HMAC-SHA256 (RFC 2104). DIME key wrapping uses HKDF with no salt
 * (equivalent to 32 zero bytes) and no info, producing 64 bytes.
 * @module
 */

import { createHmac } from "node:crypto";
import { hkdf } from "@noble/hashes/hkdf.js";
import { sha256 as nobleSha256 } from "@noble/hashes/sha2.js";
import { abytes, ainteger, isBytes } from "./asserts.js";
import { copyBytes } from "./bytes.js";
import { utf8ToBytes } from "./encoding.js";

/** Options for {@link hkdfSha256}. */
export interface HkdfOptions {
  /** Output length in bytes, 1..8160 (255 × 32). */
  readonly length: number;
  /** Optional salt; absent or empty means 32 zero bytes. */
  readonly salt?: Uint8Array;
  /** Optional context info, as bytes or UTF-8 text. */
  readonly info?: Uint8Array | string;
}

/**
 * Derives `length` bytes from input keying material with HKDF-SHA256.
 * @example
 * hkdfSha256(sharedSecret, { length: 64 }); // encKey ‖ macKey, as DIME does
 */
export function hkdfSha256(ikm: Uint8Array, options: HkdfOptions): Uint8Array {
  abytes(ikm, "ikm");
  const length = ainteger(options.length, "length", 1, 255 * 32);
  const salt = options.salt === undefined ? undefined : abytes(options.salt, "salt");
  const info =
    options.info === undefined ? undefined : isBytes(options.info) ? options.info : utf8ToBytes(options.info);
  return hkdf(nobleSha256, ikm, salt, info, length);
}

/** Computes HMAC-SHA256 of `message` under `key` (32 bytes). */
export function hmacSha256(key: Uint8Array, message: Uint8Array): Uint8Array {
  abytes(key, "key");
  abytes(message, "message");
  return copyBytes(createHmac("sha256", key).update(message).digest());
}
