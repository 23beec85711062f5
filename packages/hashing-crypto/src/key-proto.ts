/**
 * The p8e `PublicKey` / `PrivateKey` protobuf messages and their hex text form, the way keys are
 * exchanged in p8e configuration (e.g. `0A4104…` = field 1, 65 bytes, `04‖X‖Y`).
 *
 * `PublicKey{bytes public_key_bytes=1; KeyType type=2; KeyCurve curve=3; bool compressed=4}` and
 * `PrivateKey{bytes key_bytes=1; KeyType type=2; KeyCurve curve=3; bool compressed=4}` with
 * `KeyType.ELLIPTIC = 0` and `KeyCurve.SECP256K1 = 0`.
 * @module
 */

import { abytes } from "./asserts.js";
import { bytesToHex, hexToBytes } from "./encoding.js";
import { assertPrivateKey, decompressPublicKey, type PrivateKeyInput, privateKeyBytes } from "./keys.js";
import {
  BinaryWriter,
  ProtoDecodeError,
  readBytesField,
  readMessage,
  readVarintField,
  type WireType,
} from "./proto-wire.js";

/**
 * Encodes a secp256k1 public key (33 or 65 bytes) as a p8e `PublicKey` message: the uncompressed
 * point, ELLIPTIC, SECP256K1, compressed=false.
 * @example
 * bytesToHex(publicKeyToProto(keys.publicKey)).slice(0, 6); // "0a4104"
 */
export function publicKeyToProto(publicKey: Uint8Array): Uint8Array {
  const point = decompressPublicKey(publicKey);
  // type, curve and compressed hold their proto3 defaults (0, 0, false) and are omitted.
  return new BinaryWriter().tag(1, 2).bytes(point).finish();
}

/**
 * Decodes a p8e `PublicKey` message and returns the 65-byte uncompressed point.
 * @throws {RangeError} for malformed bytes, a curve or key type other than secp256k1/ELLIPTIC, or an invalid point.
 */
export function publicKeyFromProto(bytes: Uint8Array): Uint8Array {
  const fields = decodeKeyMessage(abytes(bytes, "bytes"), "PublicKey");
  return decompressPublicKey(fields.keyBytes);
}

/**
 * Encodes a private key as a p8e `PrivateKey` message; `key_bytes` is the scalar in Java's
 * `BigInteger.toByteArray()` form (minimal two's complement, so 33 bytes when the top bit is set), as Kotlin peers write it.
 */
export function privateKeyToProto(privateKey: PrivateKeyInput): Uint8Array {
  const scalar = privateKeyBytes(privateKey);
  return new BinaryWriter().tag(1, 2).bytes(javaBigIntegerBytes(scalar)).finish();
}

/**
 * Decodes a p8e `PrivateKey` message and returns the 32-byte private scalar.
 * @throws {RangeError} for malformed bytes, a curve or key type other than secp256k1/ELLIPTIC, or an out-of-range scalar.
 */
export function privateKeyFromProto(bytes: Uint8Array): Uint8Array {
  const { keyBytes } = decodeKeyMessage(abytes(bytes, "bytes"), "PrivateKey");
  // Kotlin writes BigInteger.toByteArray(): up to 33 bytes (a sign byte of 0) or fewer than 32.
  let start = 0;
  while (start < keyBytes.length && keyBytes[start] === 0) start++;
  const magnitude = keyBytes.subarray(start);
  if (magnitude.length > 32) throw new RangeError("PrivateKey: key_bytes is longer than 32 bytes");
  const scalar = new Uint8Array(32);
  scalar.set(magnitude, 32 - magnitude.length);
  try {
    return assertPrivateKey(scalar, "PrivateKey.key_bytes");
  } finally {
    keyBytes.fill(0);
  }
}

/**
 * Encodes a public key as the uppercase hex of its p8e `PublicKey` message, the configuration text form.
 * @example
 * publicKeyToHex(keys.publicKey); // "0A4104…"
 */
export function publicKeyToHex(publicKey: Uint8Array): string {
  return bytesToHex(publicKeyToProto(publicKey)).toUpperCase();
}

/**
 * Decodes the hex text (either case) of a p8e `PublicKey` message into the 65-byte point.
 * @throws {RangeError} for bad hex or a bad message.
 */
export function publicKeyFromHex(hex: string): Uint8Array {
  return publicKeyFromProto(hexToBytes(hex.trim()));
}

/** Encodes a private key as the uppercase hex of its p8e `PrivateKey` message, the configuration text form. */
export function privateKeyToHex(privateKey: PrivateKeyInput): string {
  return bytesToHex(privateKeyToProto(privateKey)).toUpperCase();
}

/**
 * Decodes the hex text (either case) of a p8e `PrivateKey` message into the 32-byte scalar.
 * @throws {RangeError} for bad hex or a bad message; the message never includes key material.
 */
export function privateKeyFromHex(hex: string): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = hexToBytes(typeof hex === "string" ? hex.trim() : hex);
  } catch (cause) {
    if (cause instanceof TypeError) throw cause;
    // hexToBytes quotes the offending character; do not echo any part of a private key.
    throw new RangeError("PrivateKey hex: not valid hex text");
  }
  try {
    return privateKeyFromProto(bytes);
  } finally {
    bytes.fill(0);
  }
}

interface KeyMessageFields {
  keyBytes: Uint8Array;
  type: number;
  curve: number;
  compressed: boolean;
}

function decodeKeyMessage(bytes: Uint8Array, title: string): KeyMessageFields {
  const fields: KeyMessageFields = { keyBytes: new Uint8Array(0), type: 0, curve: 0, compressed: false };
  try {
    readMessage(bytes, title, (fieldNo: number, wireType: WireType, reader) => {
      switch (fieldNo) {
        case 1:
          fields.keyBytes = readBytesField(reader, title, fieldNo, wireType);
          return true;
        case 2:
          fields.type = readVarintField(reader, title, fieldNo, wireType, (r) => r.int32());
          return true;
        case 3:
          fields.curve = readVarintField(reader, title, fieldNo, wireType, (r) => r.int32());
          return true;
        case 4:
          fields.compressed = readVarintField(reader, title, fieldNo, wireType, (r) => r.bool());
          return true;
        default:
          return false;
      }
    });
  } catch (cause) {
    if (cause instanceof ProtoDecodeError) throw new RangeError(cause.message, { cause });
    throw cause;
  }
  if (fields.type !== 0) throw new RangeError(`${title}: unsupported key type ${fields.type} (only ELLIPTIC = 0)`);
  if (fields.curve !== 0) throw new RangeError(`${title}: unsupported curve ${fields.curve} (only SECP256K1 = 0)`);
  return fields;
}

/** Java's `BigInteger.toByteArray()` for a positive scalar: minimal big-endian with a 0 sign byte if needed. */
function javaBigIntegerBytes(scalar: Uint8Array): Uint8Array {
  let start = 0;
  while (start < scalar.length - 1 && scalar[start] === 0) start++;
  const magnitude = scalar.subarray(start);
  if ((magnitude[0]! & 0x80) === 0) return magnitude.slice();
  const out = new Uint8Array(magnitude.length + 1);
  out.set(magnitude, 1);
  return out;
}
