/**
 * AES-GCM (NIST SP 800-38D) with a 128-bit tag, one-shot and streaming, backed by node:crypto
 * (AES-NI) for bulk speed. Keys of 16, 24 or 32 bytes select AES-128/192/256; p8e uses AES-256.
 * Sealed values are `ciphertext ‖ tag`.
 * @module
 */

import { createCipheriv, createDecipheriv, type DecipherGCM } from "node:crypto";
import { abytes } from "./asserts.js";
import { asUint8Array, concatBytes } from "./bytes.js";

/** Length of the GCM authentication tag in bytes. */
export const AES_GCM_TAG_LENGTH = 16;

/** The largest slice handed to node:crypto in one update; bigger inputs are split so memory stays bounded. */
const MAX_UPDATE = 1024 * 1024;

/** Incremental AES-GCM encryption: `update` returns ciphertext, `final` returns the tag. */
export interface AesGcmEncryptor {
  /** Encrypts a chunk and returns the ciphertext of the same length. */
  update(plaintext: Uint8Array): Uint8Array;
  /** Finishes and returns the 16-byte authentication tag. */
  final(): Uint8Array;
}

/** Incremental AES-GCM decryption: `update` returns unauthenticated plaintext until `final` checks the tag. */
export interface AesGcmDecryptor {
  /** Decrypts a chunk; the output is unauthenticated until `final` succeeds. */
  update(ciphertext: Uint8Array): Uint8Array;
  /**
   * Checks the 16-byte tag over everything passed to `update`.
   * @throws {Error} "aes-gcm: authentication failed" when the tag does not match.
   */
  final(tag: Uint8Array): void;
}

function algorithm(key: Uint8Array): "aes-128-gcm" | "aes-192-gcm" | "aes-256-gcm" {
  abytes(key, "key", 16, 24, 32);
  return key.length === 16 ? "aes-128-gcm" : key.length === 24 ? "aes-192-gcm" : "aes-256-gcm";
}

function checkIv(iv: Uint8Array): Uint8Array {
  abytes(iv, "iv");
  if (iv.length === 0) throw new RangeError('"iv" must not be empty');
  return iv;
}

/**
 * Starts a streaming AES-GCM encryption.
 * @example
 * const enc = createAesGcmEncryptor(key, iv);
 * const ct = enc.update(chunk);
 * const tag = enc.final();
 */
export function createAesGcmEncryptor(key: Uint8Array, iv: Uint8Array, aad?: Uint8Array): AesGcmEncryptor {
  const cipher = createCipheriv(algorithm(key), key, checkIv(iv), { authTagLength: AES_GCM_TAG_LENGTH });
  if (aad !== undefined && aad.length > 0) cipher.setAAD(abytes(aad, "aad"));
  let done = false;
  return {
    update(plaintext) {
      abytes(plaintext, "plaintext");
      if (done) throw new Error("aes-gcm: update() called after final()");
      if (plaintext.length <= MAX_UPDATE) return asUint8Array(cipher.update(plaintext));
      const parts: Uint8Array[] = [];
      for (let offset = 0; offset < plaintext.length; offset += MAX_UPDATE) {
        parts.push(cipher.update(plaintext.subarray(offset, offset + MAX_UPDATE)));
      }
      return concatBytes(...parts);
    },
    final() {
      if (done) throw new Error("aes-gcm: final() called twice");
      done = true;
      cipher.final();
      return new Uint8Array(cipher.getAuthTag());
    },
  };
}

/**
 * Starts a streaming AES-GCM decryption; output is unauthenticated until `final(tag)` returns.
 * @example
 * const dec = createAesGcmDecryptor(key, iv);
 * const pt = dec.update(ct);
 * dec.final(tag); // throws if anything was altered
 */
export function createAesGcmDecryptor(key: Uint8Array, iv: Uint8Array, aad?: Uint8Array): AesGcmDecryptor {
  const decipher: DecipherGCM = createDecipheriv(algorithm(key), key, checkIv(iv), {
    authTagLength: AES_GCM_TAG_LENGTH,
  });
  if (aad !== undefined && aad.length > 0) decipher.setAAD(abytes(aad, "aad"));
  let done = false;
  return {
    update(ciphertext) {
      abytes(ciphertext, "ciphertext");
      if (done) throw new Error("aes-gcm: update() called after final()");
      if (ciphertext.length <= MAX_UPDATE) return asUint8Array(decipher.update(ciphertext));
      const parts: Uint8Array[] = [];
      for (let offset = 0; offset < ciphertext.length; offset += MAX_UPDATE) {
        parts.push(decipher.update(ciphertext.subarray(offset, offset + MAX_UPDATE)));
      }
      return concatBytes(...parts);
    },
    final(tag) {
      abytes(tag, "tag", AES_GCM_TAG_LENGTH);
      if (done) throw new Error("aes-gcm: final() called twice");
      done = true;
      decipher.setAuthTag(tag);
      try {
        decipher.final();
      } catch {
        throw new Error("aes-gcm: authentication failed");
      }
    },
  };
}

/**
 * Encrypts `plaintext` and returns `ciphertext ‖ 16-byte tag`.
 * @example
 * aesGcmEncrypt(key, iv, utf8ToBytes("hello")).length; // 5 + 16
 */
export function aesGcmEncrypt(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array, aad?: Uint8Array): Uint8Array {
  const encryptor = createAesGcmEncryptor(key, iv, aad);
  const ciphertext = encryptor.update(plaintext);
  return concatBytes(ciphertext, encryptor.final());
}

/**
 * Decrypts `ciphertext ‖ 16-byte tag` and returns the authenticated plaintext.
 * @throws {Error} "aes-gcm: authentication failed" when anything was altered.
 * @throws {RangeError} when `sealed` is shorter than the tag.
 */
export function aesGcmDecrypt(key: Uint8Array, iv: Uint8Array, sealed: Uint8Array, aad?: Uint8Array): Uint8Array {
  abytes(sealed, "sealed");
  if (sealed.length < AES_GCM_TAG_LENGTH) {
    throw new RangeError(
      `"sealed" expected at least ${AES_GCM_TAG_LENGTH} bytes (the tag), got length=${sealed.length}`,
    );
  }
  const decryptor = createAesGcmDecryptor(key, iv, aad);
  const plaintext = decryptor.update(sealed.subarray(0, sealed.length - AES_GCM_TAG_LENGTH));
  decryptor.final(sealed.subarray(sealed.length - AES_GCM_TAG_LENGTH));
  return plaintext;
}
