/**
 * secp256k1 public keys as OpenSSL key objects, for node:crypto's verification and ECDH. Parsing a
 * key (point validation, import) costs about as much as a tenth of a verification, and the same few
 * keys come back again and again (a party's own, its counterparties'), so parsed keys are kept, the
 * oldest dropped first. Public keys only: private keys are never kept here. Internal to the package.
 * @module
 */

import { createPublicKey, type KeyObject } from "node:crypto";
import { abytes } from "./asserts.js";
import { bytesToHex } from "./encoding.js";
import { pointFromBytes } from "./keys.js";

const KEPT = 1024;
const kept = new Map<string, KeyObject>();

/**
 * The OpenSSL key object of a 33- or 65-byte secp256k1 public key that is likely to come back (a
 * signer's, a recipient's); kept after its first use.
 * @throws {RangeError} when the bytes are not a point on the curve.
 */
export function publicKeyObject(publicKey: Uint8Array, title = "publicKey"): KeyObject {
  const id = bytesToHex(abytes(publicKey, title, 33, 65));
  const known = kept.get(id);
  if (known !== undefined) return known;
  const key = importPublicKey(publicKey, title);
  if (kept.size >= KEPT) kept.delete(kept.keys().next().value!);
  kept.set(id, key);
  return key;
}

/**
 * The OpenSSL key object of a public key seen once (an ephemeral key), not kept.
 * @throws {RangeError} when the bytes are not a point on the curve.
 */
export function importPublicKey(publicKey: Uint8Array, title = "publicKey"): KeyObject {
  const point = pointFromBytes(publicKey, title).toBytes(false);
  return createPublicKey({
    key: {
      kty: "EC",
      crv: "secp256k1",
      x: Buffer.from(point.subarray(1, 33)).toString("base64url"),
      y: Buffer.from(point.subarray(33, 65)).toString("base64url"),
    },
    format: "jwk",
  });
}

/** The 65-byte uncompressed point `04‖X‖Y` of an OpenSSL secp256k1 public key object. */
export function pointOfKeyObject(key: KeyObject): Uint8Array {
  const { x, y } = key.export({ format: "jwk" });
  const point = new Uint8Array(65);
  point[0] = 4;
  // JWK coordinates are the field's full 32 bytes; padding on the left keeps a short one correct anyway.
  for (const [coordinate, end] of [
    [x, 33],
    [y, 65],
  ] as const) {
    const bytes = Buffer.from(coordinate ?? "", "base64url");
    point.set(bytes, end - bytes.length);
  }
  return point;
}
