// Parties: the keys the engine acts with, participants of a session, and the directory that maps
// chain addresses (scope owners, data access) back to keys.
import { publicKeyToAddress } from "@p8e/hashing-crypto";
import type { PartyType } from "@p8e/spec-model";
import { EngineError } from "./errors.js";

/** A party's public keys: signing (contracts, chain account) and encryption (object-store audience). */
export interface PartyKeys {
  readonly signing: Uint8Array;
  readonly encryption: Uint8Array;
}

/** A party of a session: its role and its keys. */
export interface Participant extends PartyKeys {
  readonly role: PartyType;
}

/** Known parties by the account address of either of their keys. */
export class PartyDirectory {
  readonly #byAddress = new Map<string, PartyKeys>();
  readonly #prefix: string;

  constructor(parties: readonly PartyKeys[], prefix: string) {
    this.#prefix = prefix;
    for (const party of parties) this.add(party);
  }

  add(party: PartyKeys): void {
    for (const key of [party.signing, party.encryption]) {
      let address: string;
      try {
        address = publicKeyToAddress(key, this.#prefix);
      } catch (cause) {
        throw new EngineError("invalid-argument", "a party key is not a secp256k1 public key", { cause });
      }
      if (!this.#byAddress.has(address)) this.#byAddress.set(address, party);
    }
  }

  get(address: string): PartyKeys | undefined {
    return this.#byAddress.get(address);
  }

  /** The account address of a public key, with this directory's prefix. */
  address(publicKey: Uint8Array): string {
    return publicKeyToAddress(publicKey, this.#prefix);
  }
}

/** Keys with the same bytes once, in first-seen order. */
export function uniqueKeys(keys: Iterable<Uint8Array>, except?: Uint8Array): Uint8Array[] {
  const seen = new Set<string>();
  if (except !== undefined) seen.add(Buffer.from(except).toString("hex"));
  const out: Uint8Array[] = [];
  for (const key of keys) {
    const hex = Buffer.from(key).toString("hex");
    if (seen.has(hex)) continue;
    seen.add(hex);
    out.push(key);
  }
  return out;
}

export function sameKey(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  return a !== undefined && b !== undefined && Buffer.from(a).equals(Buffer.from(b));
}
