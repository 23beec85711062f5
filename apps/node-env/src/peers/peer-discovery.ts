// Peers: the other parties' environments this one deals with. A peer is configured by its object
// store's URL alone; its keys come from the party cards that store lists (EosService/ListParties),
// each signed by both of the party's keys. Once found, a peer's key is registered on this party's
// store with the store URL its card names (so requests and answers replicate there), the store its
// card names is trusted for replicas, its keys join the engine's directory, and on the embedded devnet
// its account is funded. A peer that is not up yet is looked for again, with backoff, until it is.
import { setTimeout as sleep } from "node:timers/promises";
import type { PartyKeys } from "@p8e/engine";
import { createEosClient, type EosClient, partyCardMetadata, signPartyCard } from "@p8e/eos-client";
import { bytesToHex, hexToBytes, publicKeyToAddress } from "@p8e/hashing-crypto";
import type { PeerConfig } from "../config.js";
import type { PartyKeyPairs } from "../keystore.js";
import type { Logger } from "../logger.js";

/** Where one configured peer stands. */
export interface PeerStatus {
  /** The peer's object store, as configured. */
  readonly eosUrl: string;
  /** "waiting" until its store answers with a card, then "found". */
  readonly state: "waiting" | "found";
  /** The parties its store serves (usually one), once found. */
  readonly parties: readonly PeerParty[];
  /** Why the last look failed, while waiting. */
  readonly lastError?: string;
}

/** One party found at a peer's store. */
export interface PeerParty extends PartyKeys {
  readonly address: string;
  /** The node key of the party's store, trusted for its replicas. */
  readonly storeNodeKey: Uint8Array;
  /** The party's store, where its mail and objects go. */
  readonly storeUrl: string;
}

export interface PeerDiscoveryOptions {
  readonly peers: readonly PeerConfig[];
  readonly keys: PartyKeyPairs;
  /** This party's own store client (its key is the encryption key). */
  readonly eos: EosClient;
  readonly network: "testnet" | "mainnet";
  /** Accepts a peer store's replicas (the embedded store); absent with a remote store. */
  readonly trustStore?: (nodeKey: Uint8Array) => void;
  /** Takes in found parties: their keys for the engine's directory, their stores for mail. */
  readonly addParties: (parties: readonly PeerParty[]) => void;
  /** Funds a found party's account (the embedded devnet only). */
  readonly fund?: (address: string) => Promise<void>;
  readonly logger: Logger;
  /** The longest wait between two looks at a store that does not answer yet (default 2 s). */
  readonly maxRetryMs?: number;
}

export interface PeerDiscovery {
  /** Every peer, in the order given (configured first, then added). */
  status(): PeerStatus[];
  /**
   * Starts looking for one more peer (nothing new when its URL is already known); resolves with its
   * status once found, or as it stands after `waitMs` (default: until found or closed).
   */
  add(peer: PeerConfig, waitMs?: number): Promise<PeerStatus>;
  /** Resolves once every peer is found (or discovery is closed). */
  allFound(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Publishes this party's card on its own store: its signing and encryption keys, the store's URL
 * others replicate to, and the store's node key. Re-published at every start (keys or URL may change).
 */
export async function publishPartyCard(
  eos: EosClient,
  keys: PartyKeyPairs,
  store: { readonly url: string; readonly nodePublicKey: Uint8Array },
): Promise<void> {
  const card = signPartyCard(
    {
      signingPublicKey: keys.signing.publicKey,
      encryptionPublicKey: keys.encryption.publicKey,
      storeUrl: store.url,
      storeNodePublicKey: store.nodePublicKey,
    },
    keys,
  );
  await eos.registerKey(keys.encryption.publicKey, { metadata: partyCardMetadata(card) });
}

/** A peer's status as discovery updates it. */
type WritableStatus = { -readonly [K in keyof PeerStatus]: PeerStatus[K] };

/** Starts looking for every configured peer; pinned peers (keys given) are taken as found at once. */
export function startPeerDiscovery(options: PeerDiscoveryOptions): PeerDiscovery {
  const { logger } = options;
  const maxRetryMs = options.maxRetryMs ?? 2000;
  const closing = new AbortController();
  const prefix = options.network === "mainnet" ? "pb" : "tp";
  const own = bytesToHex(options.keys.encryption.publicKey);
  const entries: { status: WritableStatus; done: Promise<void> }[] = [];

  /** Registers, trusts and directs one found party; idempotent, so a restart repeats it harmlessly. */
  const admit = async (eosUrl: string, party: PeerParty) => {
    options.trustStore?.(party.storeNodeKey);
    await options.eos.registerKey(party.encryption, { url: eosUrl, signal: closing.signal });
    options.addParties([party]);
    if (options.fund !== undefined) await options.fund(party.address);
  };

  const look = async (peer: PeerConfig, status: WritableStatus) => {
    if (typeof peer !== "string") {
      const party = {
        signing: hexToBytes(peer.signingKey),
        encryption: hexToBytes(peer.encryptionKey),
        storeNodeKey: hexToBytes(peer.nodeKey),
      };
      const found = { ...party, address: publicKeyToAddress(party.signing, prefix), storeUrl: peer.eosUrl };
      await admit(peer.eosUrl, found);
      Object.assign(status, { state: "found", parties: [found], lastError: undefined });
      return;
    }
    // GetServerInfo and ListParties are open: nothing to prove to a store this party may not trust yet.
    const remote: EosClient = createEosClient({
      baseUrl: peer,
      keys: { encryption: options.keys.encryption },
      authenticate: false,
    });
    try {
      for (let attempt = 0; !closing.signal.aborted; attempt++) {
        try {
          const info = await remote.serverInfo({ signal: closing.signal, timeoutMs: 5000 });
          // Only cards registered at this very store: the card names the store's node key.
          const cards = (await remote.parties({ signal: closing.signal, timeoutMs: 5000 })).filter(
            (card) =>
              Buffer.from(card.storeNodePublicKey).equals(Buffer.from(info.nodePublicKey)) &&
              bytesToHex(card.encryptionPublicKey) !== own,
          );
          if (cards.length === 0) throw new Error("its store lists no party card yet");
          const parties = cards.map((card) => ({
            signing: card.signingPublicKey,
            encryption: card.encryptionPublicKey,
            storeNodeKey: card.storeNodePublicKey,
            address: publicKeyToAddress(card.signingPublicKey, prefix),
            // Each party is reached at the store its card names (a store that only replays another
            // party's card cannot draw that party's mail to itself).
            storeUrl: card.storeUrl,
          }));
          for (const party of parties) await admit(party.storeUrl, party);
          Object.assign(status, { state: "found", parties, lastError: undefined });
          logger.info({ peer, parties: parties.map((p) => p.address) }, "peer found");
          return;
        } catch (error) {
          if (closing.signal.aborted) return;
          status.lastError = (error as Error).message;
          if (attempt === 0 || attempt % 30 === 0) {
            logger.info({ peer, reason: status.lastError }, "peer not reachable yet; looking again");
          }
          await delay(Math.min(maxRetryMs, 100 * 2 ** attempt), closing.signal);
        }
      }
    } finally {
      remote.close();
    }
  };

  const add = (peer: PeerConfig) => {
    const eosUrl = typeof peer === "string" ? peer : peer.eosUrl;
    const known = entries.find((entry) => entry.status.eosUrl === eosUrl);
    if (known !== undefined) return known;
    const status: WritableStatus = { eosUrl, state: "waiting", parties: [] };
    const done = look(peer, status).catch((error: unknown) => {
      status.lastError = (error as Error).message;
      logger.warn({ err: error, peer: eosUrl }, "peer could not be admitted");
    });
    const entry = { status, done };
    entries.push(entry);
    return entry;
  };
  for (const peer of options.peers) add(peer);

  return {
    status: () => entries.map(({ status }) => ({ ...status })),
    async add(peer, waitMs) {
      const entry = add(peer);
      if (waitMs === undefined) await entry.done;
      else await Promise.race([entry.done, delay(waitMs, closing.signal)]);
      return { ...entry.status };
    },
    async allFound() {
      await Promise.all(entries.map((entry) => entry.done));
    },
    async close() {
      closing.abort();
      await Promise.all(entries.map((entry) => entry.done));
    },
  };
}

/** Waits `ms`, or less when `signal` aborts. */
function delay(ms: number, signal: AbortSignal): Promise<void> {
  return sleep(ms, undefined, { signal }).catch(() => undefined);
}
