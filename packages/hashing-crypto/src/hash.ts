/**
 * SHA-256 and SHA-512 (FIPS 180-4), one-shot and streaming, backed by node:crypto for bulk speed.
 * The call shape follows noble's hashes: `sha256(data)` and `sha256.create().update(a).digest()`.
 * @module
 */

import { createHash, type Hash as NodeHash } from "node:crypto";
import { abytes } from "./asserts.js";
import { copyBytes } from "./bytes.js";

/** An incremental hash: feed chunks with `update`, then call `digest` once. */
export interface Hash {
  /** Adds a chunk of input and returns the same hash for chaining. */
  update(data: Uint8Array): Hash;
  /** Finishes the hash and returns the digest; the hash cannot be used afterwards. */
  digest(): Uint8Array;
}

/** A hash function usable one-shot (`fn(data)`) or incrementally (`fn.create()`). */
export interface HashFunction {
  /** Hashes `data` in one call. */
  (data: Uint8Array): Uint8Array;
  /** Starts an incremental hash. */
  create(): Hash;
  /** Digest length in bytes. */
  readonly outputLen: number;
  /** Internal block length in bytes (used by HMAC). */
  readonly blockLen: number;
}

class NodeBackedHash implements Hash {
  readonly #name: string;
  #hash: NodeHash | undefined;

  constructor(name: string) {
    this.#name = name;
    this.#hash = createHash(name);
  }

  update(data: Uint8Array): Hash {
    abytes(data, "data");
    if (this.#hash === undefined) throw new Error(`${this.#name}: update() called after digest()`);
    this.#hash.update(data);
    return this;
  }

  digest(): Uint8Array {
    if (this.#hash === undefined) throw new Error(`${this.#name}: digest() called twice`);
    const out = copyBytes(this.#hash.digest());
    this.#hash = undefined;
    return out;
  }
}

function nodeHash(name: string, outputLen: number, blockLen: number): HashFunction {
  const fn = (data: Uint8Array): Uint8Array => {
    abytes(data, "data");
    return copyBytes(createHash(name).update(data).digest());
  };
  return Object.freeze(Object.assign(fn, { create: () => new NodeBackedHash(name), outputLen, blockLen }));
}

/**
 * SHA-256 of `data` (32 bytes); `sha256.create()` hashes incrementally.
 * @example
 * sha256(utf8ToBytes("abc")); // ba7816bf…
 */
export const sha256: HashFunction = nodeHash("sha256", 32, 64);

/**
 * SHA-512 of `data` (64 bytes); `sha512.create()` hashes incrementally.
 * @example
 * sha512.create().update(a).update(b).digest();
 */
export const sha512: HashFunction = nodeHash("sha512", 64, 128);
