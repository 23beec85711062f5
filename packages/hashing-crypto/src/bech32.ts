/**
 * Bech32 (BIP-173, not bech32m) over bytes, with decode errors that say which rule was broken, so
 * callers such as MetadataAddress parsing can report the exact problem.
 * @module
 */

import { abytes, ainteger, astring } from "./asserts.js";

const CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
const CHARSET_REV: ReadonlyMap<string, number> = new Map([...CHARSET].map((char, index) => [char, index]));
const GENERATOR = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3] as const;
const BECH32_CONST = 1;
const BECH32M_CONST = 0x2bc830a3;

/** BIP-173's limit on the whole string; pass a larger `limit` for longer payloads. */
export const BECH32_MAX_LENGTH = 90;

/** What is wrong with a bech32 string. */
export type Bech32ErrorCode =
  | "too-long"
  | "invalid-character"
  | "mixed-case"
  | "missing-separator"
  | "invalid-prefix"
  | "invalid-checksum"
  | "invalid-padding"
  | "invalid-length";

const BECH32_ERROR_CODES: ReadonlySet<string> = new Set<Bech32ErrorCode>([
  "too-long",
  "invalid-character",
  "mixed-case",
  "missing-separator",
  "invalid-prefix",
  "invalid-checksum",
  "invalid-padding",
  "invalid-length",
]);

/** The error thrown by {@link bech32Decode} and the account-address decoder; `code` says which rule failed. */
export class Bech32Error extends Error {
  override readonly name = "Bech32Error";
  /** Which bech32 rule the input broke. */
  readonly code: Bech32ErrorCode;
  /** The message without the `[code]` prefix. */
  readonly rawMessage: string;

  constructor(code: Bech32ErrorCode, message: string, options?: { cause?: unknown }) {
    super(`[${code}] ${message}`, options);
    this.code = code;
    this.rawMessage = message;
  }

  /** Recognises Bech32Errors from any copy of this package. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return isBech32Error(value);
  }
}

/** Whether `value` is a {@link Bech32Error} (also across duplicate copies of this package). */
export function isBech32Error(value: unknown): value is Bech32Error {
  return (
    value instanceof Error &&
    value.name === "Bech32Error" &&
    typeof (value as unknown as { code?: unknown }).code === "string" &&
    BECH32_ERROR_CODES.has((value as unknown as { code: string }).code)
  );
}

/** A decoded bech32 string: its human-readable prefix (lowercase) and payload bytes. */
export interface Bech32Decoded {
  /** The human-readable part, lowercase, e.g. `tp`. */
  readonly prefix: string;
  /** The payload converted from 5-bit groups back to bytes. */
  readonly bytes: Uint8Array;
}

/**
 * Encodes bytes as a lowercase bech32 string with the given prefix.
 * @throws {RangeError} for an empty, non-ASCII or uppercase prefix, or a result longer than `limit`.
 * @example
 * bech32Encode("tp", new Uint8Array(20)); // "tp1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqfxwkgt"
 */
export function bech32Encode(prefix: string, bytes: Uint8Array, limit: number = BECH32_MAX_LENGTH): string {
  astring(prefix, "prefix");
  abytes(bytes, "bytes");
  ainteger(limit, "limit", 8, Number.MAX_SAFE_INTEGER);
  if (prefix.length === 0) throw new RangeError('"prefix" must not be empty');
  for (let i = 0; i < prefix.length; i++) {
    const code = prefix.charCodeAt(i);
    if (code < 33 || code > 126)
      throw new RangeError(`"prefix" has a character outside US-ASCII 33..126 at index ${i}`);
    if (code >= 65 && code <= 90) throw new RangeError('"prefix" must be lowercase');
  }
  const words = toWords(bytes);
  const length = prefix.length + 1 + words.length + 6;
  if (length > limit) throw new RangeError(`bech32 result would be ${length} characters, over the limit of ${limit}`);
  const checksum = createChecksum(prefix, words);
  let out = `${prefix}1`;
  for (const word of [...words, ...checksum]) out += CHARSET[word];
  return out;
}

/**
 * Decodes a bech32 string into its prefix and bytes.
 * @throws {TypeError} when `text` is not a string.
 * @throws {Bech32Error} naming the broken rule: `too-long`, `invalid-character`, `mixed-case`,
 * `missing-separator`, `invalid-prefix`, `invalid-checksum` or `invalid-padding`.
 */
export function bech32Decode(text: string, limit: number = BECH32_MAX_LENGTH): Bech32Decoded {
  astring(text, "text");
  ainteger(limit, "limit", 8, Number.MAX_SAFE_INTEGER);
  if (text.length > limit) {
    throw new Bech32Error("too-long", `bech32 string is ${text.length} characters, over the limit of ${limit}`);
  }
  let hasLower = false;
  let hasUpper = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 33 || code > 126) {
      throw new Bech32Error("invalid-character", `character code ${code} at index ${i} is outside US-ASCII 33..126`);
    }
    if (code >= 97 && code <= 122) hasLower = true;
    else if (code >= 65 && code <= 90) hasUpper = true;
  }
  if (hasLower && hasUpper) throw new Bech32Error("mixed-case", "bech32 string mixes upper and lower case");
  const lower = text.toLowerCase();
  const separator = lower.lastIndexOf("1");
  if (separator === -1) throw new Bech32Error("missing-separator", 'bech32 string has no "1" separator');
  if (separator === 0) throw new Bech32Error("invalid-prefix", "bech32 prefix (human-readable part) is empty");
  const prefix = lower.slice(0, separator);
  const dataPart = lower.slice(separator + 1);
  if (dataPart.length < 6) {
    throw new Bech32Error(
      "invalid-checksum",
      `bech32 data part is ${dataPart.length} characters, shorter than the 6-character checksum`,
    );
  }
  const words: number[] = [];
  for (let i = 0; i < dataPart.length; i++) {
    const value = CHARSET_REV.get(dataPart[i]!);
    if (value === undefined) {
      throw new Bech32Error(
        "invalid-character",
        `${JSON.stringify(text[separator + 1 + i])} at index ${separator + 1 + i} is not a bech32 data character`,
      );
    }
    words.push(value);
  }
  const residue = polymod([...expandPrefix(prefix), ...words]);
  if (residue !== BECH32_CONST) {
    const hint = residue === BECH32M_CONST ? " (it is a bech32m checksum; only bech32 is accepted)" : "";
    throw new Bech32Error("invalid-checksum", `bech32 checksum does not match${hint}`);
  }
  return { prefix, bytes: fromWords(words.slice(0, -6)) };
}

function polymod(values: readonly number[]): number {
  let chk = 1;
  for (const value of values) {
    const top = chk >>> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ value;
    for (let i = 0; i < 5; i++) {
      if ((top >>> i) & 1) chk ^= GENERATOR[i]!;
    }
  }
  return chk >>> 0;
}

function expandPrefix(prefix: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < prefix.length; i++) out.push(prefix.charCodeAt(i) >>> 5);
  out.push(0);
  for (let i = 0; i < prefix.length; i++) out.push(prefix.charCodeAt(i) & 31);
  return out;
}

function createChecksum(prefix: string, words: readonly number[]): number[] {
  const mod = polymod([...expandPrefix(prefix), ...words, 0, 0, 0, 0, 0, 0]) ^ BECH32_CONST;
  const out: number[] = [];
  for (let i = 0; i < 6; i++) out.push((mod >>> (5 * (5 - i))) & 31);
  return out;
}

function toWords(bytes: Uint8Array): number[] {
  const out: number[] = [];
  let acc = 0;
  let bits = 0;
  for (const byte of bytes) {
    acc = ((acc << 8) | byte) & 0xfff;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out.push((acc >>> bits) & 31);
    }
  }
  if (bits > 0) out.push((acc << (5 - bits)) & 31);
  return out;
}

function fromWords(words: readonly number[]): Uint8Array {
  const out: number[] = [];
  let acc = 0;
  let bits = 0;
  for (const word of words) {
    acc = ((acc << 5) | word) & 0xfff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((acc >>> bits) & 0xff);
    }
  }
  if (bits >= 5) throw new Bech32Error("invalid-padding", `bech32 data has ${bits} leftover bits (at most 4 allowed)`);
  if ((acc & ((1 << bits) - 1)) !== 0)
    throw new Bech32Error("invalid-padding", "bech32 data has non-zero padding bits");
  return Uint8Array.from(out);
}
