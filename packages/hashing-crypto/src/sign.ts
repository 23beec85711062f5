/**
 * p8e signatures: JCA `SHA512withECDSA` on secp256k1, i.e. ECDSA over the SHA-512 digest of the data
 * (truncated to its leftmost 256 bits as ECDSA prescribes), DER-encoded; p8e protos carry the base64
 * of the DER bytes. Signing is deterministic (RFC 6979) and low-S; verification also accepts high-S
 * signatures, because BouncyCastle peers do not normalise S. Streaming forms hash in bounded memory.
 * @module
 */

import { createVerify, verify as nodeVerify } from "node:crypto";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { abytes, describeType, isBytes } from "./asserts.js";
import { base64ToBytes } from "./encoding.js";
import { type Hash, sha512 } from "./hash.js";
import { publicKeyObject } from "./key-objects.js";
import { type PrivateKeyInput, privateKeyBytes } from "./keys.js";

/** The JCA algorithm name p8e records next to its signatures. */
export const SIGNATURE_ALGORITHM = "SHA512withECDSA";

/** The JCA provider name p8e records next to its signatures. */
export const SIGNATURE_PROVIDER = "BC";

/** An incremental signer: feed the data in chunks, then call `sign` once. */
export interface Signer {
  /** Adds a chunk of the data being signed. */
  update(data: Uint8Array): Signer;
  /** Returns the DER signature over everything passed to `update`. */
  sign(): Uint8Array;
}

/** An incremental verifier: feed the data in chunks, then call `verify` once. */
export interface Verifier {
  /** Adds a chunk of the data being verified. */
  update(data: Uint8Array): Verifier;
  /** Whether `signature` (DER bytes or their base64 text) is valid for everything passed to `update`. */
  verify(signature: Uint8Array | string): boolean;
}

/**
 * Signs `data` with SHA512withECDSA and returns the DER signature.
 * @example
 * const signature = sign(utf8ToBytes("hello"), keys);
 * verify(signature, utf8ToBytes("hello"), keys.publicKey); // true
 */
export function sign(data: Uint8Array, privateKey: PrivateKeyInput): Uint8Array {
  const key = privateKeyBytes(privateKey);
  return signSha512Digest(sha512(abytes(data, "data")), key);
}

/**
 * Verifies a SHA512withECDSA signature (DER bytes or base64 text of them), accepting high-S.
 * Returns false for a malformed or wrong signature.
 * @throws {RangeError} when `publicKey` is not a valid 33- or 65-byte secp256k1 key.
 */
export function verify(signature: Uint8Array | string, data: Uint8Array, publicKey: Uint8Array): boolean {
  // Verification runs on OpenSSL, about three times faster than noble's here; it accepts high-S like
  // BouncyCastle. noble's strict DER parser runs first so that only canonical DER is ever accepted.
  const key = publicKeyObject(publicKey);
  const der = strictDer(signature);
  if (der === undefined) return false;
  return nodeVerify("sha512", abytes(data, "data"), key, der);
}

function strictDer(signature: Uint8Array | string): Uint8Array | undefined {
  let der: Uint8Array;
  if (typeof signature === "string") {
    try {
      der = base64ToBytes(signature);
    } catch {
      return undefined;
    }
  } else if (isBytes(signature)) {
    der = signature;
  } else {
    throw new TypeError(`"signature" expected Uint8Array or base64 string, got ${describeType(signature)}`);
  }
  try {
    secp256k1.Signature.fromBytes(der, "der");
    return der;
  } catch {
    return undefined;
  }
}

/**
 * Starts a streaming SHA512withECDSA signature, for data too large to hold in memory.
 * @example
 * const signer = createSigner(keys);
 * for await (const chunk of source) signer.update(chunk);
 * const signature = signer.sign();
 */
export function createSigner(privateKey: PrivateKeyInput): Signer {
  const key = privateKeyBytes(privateKey).slice();
  let hash: Hash | undefined = sha512.create();
  const signer: Signer = {
    update(data) {
      if (hash === undefined) throw new Error("createSigner: update() called after sign()");
      hash.update(abytes(data, "data"));
      return signer;
    },
    sign() {
      if (hash === undefined) throw new Error("createSigner: sign() called twice");
      const digest = hash.digest();
      hash = undefined;
      try {
        return signSha512Digest(digest, key);
      } finally {
        key.fill(0);
      }
    },
  };
  return signer;
}

/** Starts a streaming SHA512withECDSA verification against `publicKey`. */
export function createVerifier(publicKey: Uint8Array): Verifier {
  const key = publicKeyObject(publicKey);
  let state: ReturnType<typeof createVerify> | undefined = createVerify("sha512");
  const verifier: Verifier = {
    update(data) {
      if (state === undefined) throw new Error("createVerifier: update() called after verify()");
      state.update(abytes(data, "data"));
      return verifier;
    },
    verify(signature) {
      if (state === undefined) throw new Error("createVerifier: verify() called twice");
      const current = state;
      state = undefined;
      const der = strictDer(signature);
      return der !== undefined && current.verify(key, der);
    },
  };
  return verifier;
}

/** Signs a precomputed SHA-512 digest (64 bytes); the key is already checked. */
export function signSha512Digest(digest: Uint8Array, privateKey: Uint8Array): Uint8Array {
  return secp256k1.sign(digest, privateKey, { prehash: false, lowS: true, format: "der" });
}
