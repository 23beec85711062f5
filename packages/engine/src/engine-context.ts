import type { EosClient } from "@p8e/eos-client";
import type { KeyPair } from "@p8e/hashing-crypto";
import type { ChainQueries } from "@p8e/memorializer";
import type { ByteBoundedCache } from "./contracts/byte-bounded-cache.js";
import type { ContractStore } from "./contracts/contract-store.js";
import type { PartyDirectory } from "./parties.js";
import type { ContractSandbox } from "./sandbox/sandbox.js";

/** What the engine's parts share: the party's keys and the services it talks to. */
export interface EngineContext {
  readonly eos: EosClient;
  readonly contracts: ContractStore;
  readonly sandbox: ContractSandbox;
  /** The party's signing key pair (contracts and chain account). */
  readonly signing: KeyPair;
  /** The party's encryption public key (the object-store client's key). */
  readonly encryption: Uint8Array;
  readonly directory: PartyDirectory;
  readonly chain: ChainQueries | undefined;
  readonly mainNet: boolean;
  readonly addressPrefix: string;
  readonly now: () => Date;
  /** Specs whose bundle was seen to dehydrate to them, by spec hash. */
  readonly checkedSpecs: Set<string>;
  /**
   * Plaintexts this engine stored or read and verified, by base64 SHA-256, so that executing what
   * it just packaged does not fetch its own inputs back.
   */
  readonly objects: ByteBoundedCache<Uint8Array>;
}
