// Contract specs and bundles in the object store, by hash: stored on publishing, loaded (and
// checked against the hash they were asked by) on execution, and kept in a bounded cache.
import type { EosClient } from "@p8e/eos-client";
import { base64ToBytes, bytesToBase64, sha256 } from "@p8e/hashing-crypto";
import { type ContractSpec, ContractSpecSchema, contractSpecId } from "@p8e/spec-model";
import { EngineError } from "../errors.js";
import type { ContractCode } from "../sandbox/sandbox.js";
import { storeError } from "../store-errors.js";
import { ByteBoundedCache } from "./byte-bounded-cache.js";

/** What putContract() stored: the spec's 16-byte hash and the bundle's SHA-256, both base64. */
export interface StoredContract {
  readonly specHash: string;
  readonly bundleHash: string;
}

/** Loads and stores contract specs and bundles in the object store. */
export class ContractStore {
  readonly #eos: EosClient;
  readonly #specs: ByteBoundedCache<ContractSpec>;
  readonly #bundles: ByteBoundedCache<ContractCode>;

  constructor(eos: EosClient, cacheBytes: number) {
    this.#eos = eos;
    this.#specs = new ByteBoundedCache(Math.max(1, Math.floor(cacheBytes / 8)));
    this.#bundles = new ByteBoundedCache(cacheBytes);
  }

  /**
   * Stores a bundle (by its SHA-256) and its spec (by the first 16 bytes of the SHA-256 of its
   * canonical encoding, upstream's "loHash") for `audience` besides this party, so that every
   * party that executes the contract can load both.
   * @throws {EngineError} code "hash-mismatch" when the spec does not name the bundle's hash.
   */
  async putContract(code: Uint8Array, spec: ContractSpec, audience: readonly Uint8Array[]): Promise<StoredContract> {
    const bundleHash = bytesToBase64(sha256(code));
    const named = spec.definition?.resourceLocation?.ref?.hash ?? "";
    if (named !== bundleHash) {
      throw new EngineError(
        "hash-mismatch",
        `the spec names bundle ${named || "(none)"}, the bundle's hash is ${bundleHash}`,
      );
    }
    const id = contractSpecId(spec);
    try {
      await this.#eos.put(code, { audience });
      await this.#eos.putMessage(ContractSpecSchema, spec, { audience, loHash: true });
    } catch (cause) {
      throw storeError("storing the contract", cause);
    }
    this.#bundles.set(bundleHash, { code, hash: bundleHash }, code.length);
    this.#specs.set(id.hashBase64, spec, 512);
    return { specHash: id.hashBase64, bundleHash };
  }

  /**
   * The ContractSpec whose 16-byte hash is `hash` (base64).
   * @throws {EngineError} code "not-found" when no readable object has that hash, "hash-mismatch"
   *   when the object is not the spec that hash names.
   */
  async spec(hash: string): Promise<ContractSpec> {
    const cached = this.#specs.get(hash);
    if (cached !== undefined) return cached;
    const bytes = hashBytes(hash, "contract spec hash");
    if (bytes.length !== 16) {
      throw new EngineError("invalid-envelope", `contract spec hash ${hash} has ${bytes.length} bytes, not 16`);
    }
    let spec: ContractSpec;
    try {
      spec = await this.#eos.getMessage(ContractSpecSchema, bytes);
    } catch (cause) {
      throw storeError(`loading contract spec ${hash}`, cause);
    }
    const actual = contractSpecId(spec).hashBase64;
    if (actual !== hash) {
      throw new EngineError(
        "hash-mismatch",
        `the object stored as contract spec ${hash} is a spec whose hash is ${actual}`,
      );
    }
    this.#specs.set(hash, spec, 512);
    return spec;
  }

  /**
   * The bundle whose SHA-256 is `hash` (base64).
   * @throws {EngineError} code "not-found" or "hash-mismatch" as for spec().
   */
  async bundle(hash: string): Promise<ContractCode> {
    const cached = this.#bundles.get(hash);
    if (cached !== undefined) return cached;
    const bytes = hashBytes(hash, "bundle hash");
    let code: Uint8Array;
    try {
      code = await this.#eos.get(bytes);
    } catch (cause) {
      throw storeError(`loading contract bundle ${hash}`, cause);
    }
    const actual = bytesToBase64(sha256(code));
    if (actual !== hash) {
      throw new EngineError("hash-mismatch", `the object stored as bundle ${hash} hashes to ${actual}`);
    }
    const bundle = { code, hash };
    this.#bundles.set(hash, bundle, code.length);
    return bundle;
  }
}

function hashBytes(hash: string, what: string): Uint8Array {
  try {
    return base64ToBytes(hash);
  } catch (cause) {
    throw new EngineError("invalid-envelope", `${what} ${JSON.stringify(hash)} is not base64`, { cause });
  }
}
