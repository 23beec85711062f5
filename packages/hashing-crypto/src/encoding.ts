/**
 * Text encodings used across p8e: standard padded base64 (RFC 4648 §4, the form Guava, Java and
 * the object store write), hex and UTF-8. Decoders are strict: they accept only the canonical
 * encoding and say what is wrong.
 * @module
 */

import { abytes, astring } from "./asserts.js";
import { asUint8Array } from "./bytes.js";

const BASE64_CHAR = /^[A-Za-z0-9+/]$/;
const BASE64_BODY = /^[A-Za-z0-9+/]*={0,2}$/;
const HEX = /^[0-9a-fA-F]*$/;

/**
 * Encodes bytes as standard base64 with `=` padding.
 * @example
 * bytesToBase64(new Uint8Array([1, 2, 3])); // "AQID"
 */
export function bytesToBase64(bytes: Uint8Array): string {
  abytes(bytes, "bytes");
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}

/**
 * Decodes standard padded base64, rejecting other alphabets, whitespace, bad padding and non-zero padding bits.
 * @throws {TypeError} when `text` is not a string.
 * @throws {RangeError} naming the first problem, e.g. `base64: invalid character "-" at index 3`.
 */
export function base64ToBytes(text: string): Uint8Array {
  astring(text, "text");
  if (!BASE64_BODY.test(text)) {
    for (let i = 0; i < text.length; i++) {
      const char = text[i]!;
      if (char === "=") {
        if (/^=*$/.test(text.slice(i))) throw new RangeError('base64: invalid padding (more than two "=")');
        throw new RangeError(`base64: padding "=" before the end at index ${i}`);
      }
      if (!BASE64_CHAR.test(char)) {
        throw new RangeError(`base64: invalid character ${JSON.stringify(char)} at index ${i}`);
      }
    }
    throw new RangeError("base64: invalid encoding");
  }
  if (text.length % 4 !== 0) {
    throw new RangeError(`base64: length must be a multiple of 4 (padded), got ${text.length}`);
  }
  const bytes = Buffer.from(text, "base64");
  // Re-encoding exposes non-canonical input: misplaced padding or non-zero bits in the last character.
  if (bytes.toString("base64") !== text) {
    throw new RangeError("base64: non-canonical encoding (invalid padding or non-zero padding bits)");
  }
  return asUint8Array(bytes);
}

/**
 * Encodes bytes as lowercase hex.
 * @example
 * bytesToHex(new Uint8Array([0xca, 0xfe])); // "cafe"
 */
export function bytesToHex(bytes: Uint8Array): string {
  abytes(bytes, "bytes");
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
}

/**
 * Decodes hex text (either case, even length, no prefix or separators).
 * @throws {TypeError} when `hex` is not a string.
 * @throws {RangeError} for an odd length or a non-hex character.
 */
export function hexToBytes(hex: string): Uint8Array {
  astring(hex, "hex");
  if (!HEX.test(hex)) {
    const index = hex.search(/[^0-9a-fA-F]/);
    throw new RangeError(`hex: invalid character ${JSON.stringify(hex[index])} at index ${index}`);
  }
  if (hex.length % 2 !== 0) throw new RangeError(`hex: length must be even, got ${hex.length}`);
  return asUint8Array(Buffer.from(hex, "hex"));
}

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * Encodes a string as UTF-8 bytes.
 * @example
 * utf8ToBytes("abc"); // Uint8Array [97, 98, 99]
 */
export function utf8ToBytes(text: string): Uint8Array {
  astring(text, "text");
  return utf8Encoder.encode(text);
}

/**
 * Decodes UTF-8 bytes strictly, keeping a leading byte-order mark as U+FEFF.
 * @throws {RangeError} when the bytes are not well-formed UTF-8.
 */
export function bytesToUtf8(bytes: Uint8Array): string {
  abytes(bytes, "bytes");
  try {
    return utf8Decoder.decode(bytes);
  } catch {
    throw new RangeError("utf8: bytes are not well-formed UTF-8");
  }
}
