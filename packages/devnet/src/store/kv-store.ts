// Key-value state with nested write caches: a tx writes into a cache over the block's cache, which
// writes over the committed store; a failing tx just drops its cache.
import { compareBytes } from "../codec.js";

/** A key with its value. */
export type Entry = readonly [key: Uint8Array, value: Uint8Array];

/** Read access to a sorted byte-keyed store. */
export interface KVRead {
  get(key: Uint8Array): Uint8Array | undefined;
  /** Every entry whose key starts with `prefix`, in key order. */
  iterate(prefix: Uint8Array): Entry[];
}

/** Read and write access. */
export interface KVStore extends KVRead {
  set(key: Uint8Array, value: Uint8Array): void;
  delete(key: Uint8Array): void;
}

/**
 * A write set: key → value, or undefined for a deletion. Keys are the key bytes as a latin1 string
 * (one character per byte), which keeps byte order and is cheap to make.
 */
export type WriteSet = ReadonlyMap<string, Uint8Array | undefined>;

/** The write-set form of a key. */
export function keyString(key: Uint8Array): string {
  return Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString("latin1");
}

/** The key bytes of a write-set key. */
export function keyBytes(key: string): Uint8Array {
  return new Uint8Array(Buffer.from(key, "latin1"));
}

/** Buffers writes over a parent store until `write()` moves them down or the cache is dropped. */
export class CacheStore implements KVStore {
  readonly #parent: KVRead;
  readonly #writes = new Map<string, Uint8Array | undefined>();

  constructor(parent: KVRead) {
    this.#parent = parent;
  }

  get(key: Uint8Array): Uint8Array | undefined {
    const k = keyString(key);
    if (this.#writes.has(k)) return this.#writes.get(k);
    return this.#parent.get(key);
  }

  set(key: Uint8Array, value: Uint8Array): void {
    this.#writes.set(keyString(key), value);
  }

  delete(key: Uint8Array): void {
    this.#writes.set(keyString(key), undefined);
  }

  iterate(prefix: Uint8Array): Entry[] {
    const base = this.#parent.iterate(prefix);
    if (this.#writes.size === 0) return base;
    const prefixKey = keyString(prefix);
    const merged = new Map<string, Entry>();
    for (const entry of base) merged.set(keyString(entry[0]), entry);
    for (const [k, value] of this.#writes) {
      if (!k.startsWith(prefixKey)) continue;
      if (value === undefined) merged.delete(k);
      else merged.set(k, [keyBytes(k), value]);
    }
    return [...merged.values()].sort((a, b) => compareBytes(a[0], b[0]));
  }

  /** The buffered writes. */
  get writes(): WriteSet {
    return this.#writes;
  }

  /** Moves the buffered writes into `parent` (which must be the store this cache reads from). */
  writeTo(parent: KVStore): void {
    for (const [k, value] of this.#writes) {
      const key = keyBytes(k);
      if (value === undefined) parent.delete(key);
      else parent.set(key, value);
    }
    this.#writes.clear();
  }
}

/** The first key after every key that starts with `prefix`, or undefined when there is none. */
export function prefixEnd(prefix: Uint8Array): Uint8Array | undefined {
  const end = prefix.slice();
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i]! < 0xff) {
      end[i] = end[i]! + 1;
      return end.subarray(0, i + 1);
    }
  }
  return undefined;
}
