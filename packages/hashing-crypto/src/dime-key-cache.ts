/**
 * Key agreements that DIMEs may share, to spare secp256k1 scalar multiplications.
 *
 * Writing: every audience entry of a DIME wraps the data key under a key agreed between a fresh
 * ephemeral key and the recipient's key, as upstream's ProvenanceECIESCipher does: a key generation
 * and an ECDH per entry. With a cache, the entries written to one recipient within `maxAgeMs` and
 * `maxUses` share one ephemeral key, so one agreement. Each data key is still encrypted with AES-GCM
 * under a fresh random IV, which stays safe for far more messages than `maxUses`; readers, ours
 * and upstream's, see ordinary entries. What the shared ephemeral key tells a stranger (these
 * entries are for one recipient) each entry's recipient key says in clear already.
 *
 * Reading: the agreement of a reader's key with an ephemeral key is kept, so a reader of many
 * DIMEs from a writer that shares ephemeral keys agrees once.
 *
 * The agreed secrets stay in memory for at most `maxAgeMs`; `clear()` wipes them at once.
 * @module
 */

import { ephemeralSharedSecret } from "./ecdh.js";
import { bytesToHex } from "./encoding.js";

/** Limits of a {@link DimeKeyCache}. */
export interface DimeKeyCacheOptions {
  /** How long an agreement is used, in ms; 10 minutes unless told. */
  readonly maxAgeMs?: number;
  /** How many audience entries one ephemeral key serves; 10,000 unless told. */
  readonly maxUses?: number;
  /** How many recipients, and how many (reader, ephemeral key) pairs, are kept each; 1,024 unless told. */
  readonly maxEntries?: number;
  /** The clock, in ms; `Date.now` unless told (for tests). */
  readonly now?: () => number;
}

interface Agreement {
  readonly ephemeralPublicKey: Uint8Array;
  readonly shared: Uint8Array;
  readonly createdAt: number;
  uses: number;
}

/**
 * Shared key agreements for {@link encryptDime} and {@link decryptDime} (their `keyCache` option);
 * see the module's notes for what is shared and why it is safe.
 */
export class DimeKeyCache {
  readonly #maxAgeMs: number;
  readonly #maxUses: number;
  readonly #maxEntries: number;
  readonly #now: () => number;
  readonly #writing = new Map<string, Agreement>();
  readonly #reading = new Map<string, Agreement>();

  constructor(options: DimeKeyCacheOptions = {}) {
    this.#maxAgeMs = positive(options.maxAgeMs ?? 10 * 60_000, "maxAgeMs");
    this.#maxUses = positive(options.maxUses ?? 10_000, "maxUses");
    this.#maxEntries = positive(options.maxEntries ?? 1024, "maxEntries");
    this.#now = options.now ?? Date.now;
  }

  /** An ephemeral key and its agreement with `recipient` (65 bytes), shared while it is fresh; copies. */
  agree(recipient: Uint8Array): { ephemeralPublicKey: Uint8Array; shared: Uint8Array } {
    const id = bytesToHex(recipient);
    let agreement = this.#fresh(this.#writing, id);
    if (agreement === undefined) {
      const { ephemeralPublicKey, shared } = ephemeralSharedSecret(recipient);
      agreement = { ephemeralPublicKey, shared, createdAt: this.#now(), uses: 0 };
      this.#keep(this.#writing, id, agreement);
    }
    agreement.uses++;
    return { ephemeralPublicKey: agreement.ephemeralPublicKey.slice(), shared: agreement.shared.slice() };
  }

  /** The agreement of the reader `ownPublicKey` with `ephemeral`, made by `agree` once; a copy. */
  shared(ownPublicKey: Uint8Array, ephemeral: Uint8Array, agree: () => Uint8Array): Uint8Array {
    const id = `${bytesToHex(ownPublicKey)}:${bytesToHex(ephemeral)}`;
    let agreement = this.#fresh(this.#reading, id);
    if (agreement === undefined) {
      agreement = { ephemeralPublicKey: ephemeral.slice(), shared: agree(), createdAt: this.#now(), uses: 0 };
      this.#keep(this.#reading, id, agreement);
    }
    agreement.uses++;
    return agreement.shared.slice();
  }

  /** Wipes and forgets every agreement. */
  clear(): void {
    for (const map of [this.#writing, this.#reading]) {
      for (const agreement of map.values()) agreement.shared.fill(0);
      map.clear();
    }
  }

  #fresh(map: Map<string, Agreement>, id: string): Agreement | undefined {
    const agreement = map.get(id);
    if (agreement === undefined) return undefined;
    if (agreement.uses < this.#maxUses && this.#now() - agreement.createdAt < this.#maxAgeMs) return agreement;
    agreement.shared.fill(0);
    map.delete(id);
    return undefined;
  }

  #keep(map: Map<string, Agreement>, id: string, agreement: Agreement): void {
    if (map.size >= this.#maxEntries) {
      const [oldest, dropped] = map.entries().next().value!;
      dropped.shared.fill(0);
      map.delete(oldest);
    }
    map.set(id, agreement);
  }
}

/**
 * A cache of key agreements for DIMEs: pass it as `keyCache` to every {@link encryptDime} and
 * {@link decryptDime} of one process or client.
 * @example
 * const keyCache = createDimeKeyCache();
 * const a = await encryptDimeBytes(data, { owner: keys.publicKey, keyCache });
 * const b = await encryptDimeBytes(data, { owner: keys.publicKey, keyCache }); // same ephemeral key
 */
export function createDimeKeyCache(options: DimeKeyCacheOptions = {}): DimeKeyCache {
  return new DimeKeyCache(options);
}

function positive(value: number, title: string): number {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`"${title}" must be a positive number, got ${value}`);
  return value;
}
