/**
 * secp256k1 ECDH returning the shared point's x-coordinate (32 bytes, left-padded), as JCA/BouncyCastle
 * `KeyAgreement("ECDH")` does. Runs on node:crypto (OpenSSL), several times faster than a constant-time
 * pure-JS scalar multiplication of an arbitrary point. Internal to the package.
 * @module
 */

import { createPrivateKey, diffieHellman, generateKeyPairSync, type KeyObject } from "node:crypto";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { hexToBytes } from "./encoding.js";
import { importPublicKey, pointOfKeyObject, publicKeyObject } from "./key-objects.js";

// SEC 1 ECPrivateKey { version 1, privateKey, [0] secp256k1, [1] publicKey } around a 32-byte scalar and a 65-byte point.
const SEC1_HEAD = hexToBytes("30740201010420");
const SEC1_MIDDLE = hexToBytes("a00706052b8104000aa144034200");

/**
 * The x-coordinate of `privateKey × peerPublicKey`; the peer key (33 or 65 bytes, seen once: an
 * ephemeral key) is validated first. Pass `ownPublicKey` (65 bytes) when it is already known, to
 * skip recomputing it.
 */
export function ecdhSharedSecret(
  privateKey: Uint8Array,
  peerPublicKey: Uint8Array,
  ownPublicKey: Uint8Array = secp256k1.getPublicKey(privateKey, false),
): Uint8Array {
  const peer = importPublicKey(peerPublicKey, "peerPublicKey");
  const sec1 = new Uint8Array(SEC1_HEAD.length + 32 + SEC1_MIDDLE.length + 65);
  sec1.set(SEC1_HEAD, 0);
  sec1.set(privateKey, SEC1_HEAD.length);
  sec1.set(SEC1_MIDDLE, SEC1_HEAD.length + 32);
  sec1.set(ownPublicKey, SEC1_HEAD.length + 32 + SEC1_MIDDLE.length);
  try {
    return sharedX(createPrivateKey({ key: Buffer.from(sec1.buffer), format: "der", type: "sec1" }), peer);
  } finally {
    sec1.fill(0);
  }
}

/**
 * A fresh ephemeral key agreed with `recipient` (a key that comes back, kept parsed): the ephemeral
 * public key (65 bytes) and the shared x-coordinate. The ephemeral private key is made by OpenSSL
 * and never leaves it.
 */
export function ephemeralSharedSecret(recipient: Uint8Array): { ephemeralPublicKey: Uint8Array; shared: Uint8Array } {
  const peer = publicKeyObject(recipient, "recipient");
  const ephemeral = generateKeyPairSync("ec", { namedCurve: "secp256k1" });
  return { ephemeralPublicKey: pointOfKeyObject(ephemeral.publicKey), shared: sharedX(ephemeral.privateKey, peer) };
}

function sharedX(privateKey: KeyObject, publicKey: KeyObject): Uint8Array {
  const shared = diffieHellman({ privateKey, publicKey });
  const out = new Uint8Array(shared);
  shared.fill(0);
  return out;
}
