// The public types and constants of the client: options, results, and the EosClient interface.
import type { DescMessage, MessageShape } from "@bufbuild/protobuf";
import type { Any } from "@bufbuild/protobuf/wkt";
import type { DimeKeyCache, DimeVerification, PrivateKeyInput } from "@p8e/hashing-crypto";
import type { GetServerInfoResponse } from "@p8e/spec-model/eos";
import type { EosError } from "./eos-error.js";
import type { VerifiedPartyCard } from "./party-card.js";

/** The request header that asks Get and StatObject for one owner's object (base64 of its public key). */
export const OWNER_HEADER = "x-p8e-eos-owner";

/** The bytes a caller signs to prove it holds a key, followed by the server's challenge. */
export const AUTH_SIGNING_PREFIX = "p8e-eos-auth-v1:";

/** The DIME metadata key that makes an object mail. */
export const MAIL_TYPE_KEY = "P8EAPI::TYPE";

/** The three mail types the store delivers. */
export type MailType = "FRAGMENT_REQUEST" | "FRAGMENT_RESPONSE" | "ERROR_RESPONSE";

/** A party's keys: the encryption key owns and reads objects; the signing key (default: the same) signs them. */
export interface EosKeys {
  readonly encryption: PrivateKeyInput;
  readonly signing?: PrivateKeyInput;
}

/** Options of {@link createEosClient}. */
export interface EosClientOptions {
  /** The store, e.g. `http://127.0.0.1:5000` (h2c) or `https://eos.example.com`. */
  readonly baseUrl: string;
  readonly keys: EosKeys;
  /** Wire protocol; default "grpc" (what upstream stores speak). */
  readonly protocol?: "grpc" | "connect" | "grpc-web";
  /** Deadline of every call except object transfers, in ms; default 30 000. */
  readonly timeoutMs?: number;
  /** How many times a call that failed with UNAVAILABLE is tried again; default 3. */
  readonly retries?: number;
  /** First retry delay in ms, doubled each time; default 100. */
  readonly retryDelayMs?: number;
  /** Prove key possession and send a bearer token; default true. False talks to upstream stores without auth. */
  readonly authenticate?: boolean;
  /** Largest message accepted from the server; default 64 MiB (mail comes back whole). */
  readonly readMaxBytes?: number;
  /**
   * Encrypt and decrypt objects of 256 KiB and more on a worker thread, overlapping the crypto with
   * the network; default true. The worker starts with the client and stops on `close()`.
   */
  readonly cryptoWorker?: boolean;
  /**
   * Where a mail recipient's own store is, when it is not this one (e.g. from its party card). Mail
   * to such a recipient is then also put straight into that store, besides this one, instead of
   * reaching it only by this store's replication a hop later. The copy here still counts: a direct
   * put that fails changes nothing, replication delivers. Default: none.
   */
  readonly directDelivery?: (recipientKey: Uint8Array) => string | undefined;
  /**
   * Key agreements the DIMEs this client writes and reads may share (hashing-crypto's
   * `createDimeKeyCache`): objects written to one recipient within 10 minutes share an ephemeral
   * key, which spares two secp256k1 multiplications per audience entry, and a reader agrees once
   * per ephemeral key. Default: a cache of the client's own, wiped on `close()`; give one to share
   * it, or false for a fresh ephemeral key in every entry.
   */
  readonly dimeKeyCache?: DimeKeyCache | false;
}

/** Per-call options. */
export interface CallSettings {
  /** Deadline for this call in ms (object transfers have none unless given). */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

/** Options of {@link EosClient.put}. */
export interface PutOptions extends CallSettings {
  /** Readers besides the owner: their encryption public keys (33 or 65 bytes). */
  readonly audience?: readonly Uint8Array[];
  /** Cleartext DIME metadata (e.g. `P8EAPI::TYPE`). */
  readonly metadata?: Readonly<Record<string, string>>;
  /** Plaintext length, when the data is a stream and the length is known (lets the store check it). */
  readonly contentLength?: number;
  /** Called with the number of plaintext bytes sent so far. */
  readonly onProgress?: (bytes: number) => void;
  /**
   * Address the object by the first 16 bytes of its SHA-256 instead of all 32, as upstream stores
   * contract specs ("loHash"): a spec's 16-byte hash is its on-chain UUID.
   */
  readonly loHash?: boolean;
}

/** Options of {@link EosClient.stat}. */
export interface StatOptions extends CallSettings {
  /**
   * The object of this owner (encryption public key, 33 or 65 bytes) only. Several owners may have
   * stored an object with one hash for this party; without `owner` the store serves this party's own
   * object if it stored one, else the one stored first, which another key could have put there.
   */
  readonly owner?: Uint8Array;
}

/** Options of {@link EosClient.get}. */
export interface GetOptions extends StatOptions {
  /** Require the object's signature to be from this key (33 or 65 bytes). */
  readonly expectedSigner?: Uint8Array;
  /** Called with the number of plaintext bytes received so far. */
  readonly onProgress?: (bytes: number) => void;
}

/** What the store answered to a Put. */
export interface PutResult {
  /** The plaintext hash the object is addressed by (SHA-256, 32 bytes). */
  readonly hash: Uint8Array;
  /** Standard base64 of `hash`, the form p8e records carry. */
  readonly hashBase64: string;
  readonly uuid: string;
  readonly dimeUuid: string;
  readonly uri: string;
  /** Stored DIME size. */
  readonly dimeLength: number;
  readonly contentLength: number;
  readonly created: Date | undefined;
}

/** A streaming Get: the plaintext, valid only once iteration ends without error, and the checks' outcome. */
export interface ObjectStream {
  readonly plaintext: AsyncIterable<Uint8Array>;
  readonly verified: Promise<DimeVerification>;
  /** Cleartext DIME metadata. */
  readonly metadata: Readonly<Record<string, string>>;
  /** The owner named in the DIME (its encryption public key). */
  readonly owner: Uint8Array | undefined;
}

/** What {@link EosClient.stat} reports. */
export interface ObjectInfo {
  readonly uuid: string;
  readonly dimeUuid: string;
  readonly hash: Uint8Array;
  readonly dimeLength: number;
  readonly contentLength: number;
  readonly created: Date | undefined;
  readonly owner: Uint8Array;
  readonly audience: readonly Uint8Array[];
  readonly mailType: string | undefined;
}

/** One item of mail, decrypted and signature-checked. */
export interface ReceivedMail {
  /** The mailbox item id (what ack takes). */
  readonly uuid: string;
  readonly type: string;
  readonly hash: Uint8Array;
  /** The sender's (owner's) encryption key. */
  readonly sender: Uint8Array | undefined;
  /** The key whose signature verified. */
  readonly signer: Uint8Array | undefined;
  readonly plaintext: Uint8Array;
  readonly metadata: Readonly<Record<string, string>>;
  /** How many times the store handed this item out (this time included), when known. */
  readonly deliveries: number | undefined;
  /** Acknowledges the item so it is not delivered again. */
  ack(): Promise<void>;
  /** Sets the item aside as dead with a reason. */
  reject(reason: string): Promise<void>;
}

/** Options of {@link EosClient.subscribe}. */
export interface SubscribeOptions {
  readonly signal?: AbortSignal;
  /** Called once the backlog of unacked mail was delivered; everything after is new. */
  readonly onReady?: (backlog: number) => void;
  /** Called for an item that could not be decrypted or verified; the item is rejected (set aside) on the store. */
  readonly onInvalid?: (uuid: string, error: EosError) => void;
  /**
   * Subscribe again (with backoff up to 5 s) whenever the store goes away — a restart, a crash, a
   * network failure — until `signal` aborts, the client closes, or the store refuses the keys;
   * default true. Unacked items are delivered again after a reconnect (at least once), so handlers
   * must tolerate repeats; items acked through the subscription are not handed out again.
   */
  readonly reconnect?: boolean;
}

/** Options of {@link EosClient.sendMail}. */
export interface SendMailOptions extends CallSettings {
  readonly type: MailType;
  /** Recipients' encryption public keys. */
  readonly to: readonly Uint8Array[];
  readonly metadata?: Readonly<Record<string, string>>;
}

/** A DIME that is already encrypted (a replica, a migration): bytes plus the Put properties. */
export interface RawPut extends CallSettings {
  readonly dime: AsyncIterable<Uint8Array> | Uint8Array;
  /** Value chunks in order; must include HASH, SIGNATURE and SIGNATURE_PUBLIC_KEY. */
  readonly properties: ReadonlyArray<readonly [string, Uint8Array]>;
  /** Plaintext length (0 if unknown). */
  readonly contentLength?: number;
  /** Extra MultiStreamHeader metadata, e.g. `SOURCE::TYPE: REPLICATION`. */
  readonly headerMetadata?: Readonly<Record<string, string>>;
}

/** Replication state of one remote key, as the store reports it. */
export interface RemoteReplication {
  readonly publicKey: Uint8Array;
  readonly url: string;
  readonly pending: number;
  readonly replicated: number;
  readonly attempts: number;
  readonly lastError: string | undefined;
  readonly lastErrorAt: Date | undefined;
  readonly nextAttemptAt: Date | undefined;
}

/** A dead (set-aside) mail item. */
export interface DeadMailItem {
  readonly uuid: string;
  readonly hash: Uint8Array;
  readonly type: string;
  readonly reason: string;
  readonly deadAt: Date | undefined;
}

/** The typed object-store client {@link createEosClient} returns. */
export interface EosClient {
  /** This party's encryption public key (65 bytes), the key objects are owned by and read with. */
  readonly publicKey: Uint8Array;
  /** Encrypts, signs and stores bytes or a stream for the owner and `audience`; resolves with the hash. */
  put(data: Uint8Array | AsyncIterable<Uint8Array> | Iterable<Uint8Array>, options?: PutOptions): Promise<PutResult>;
  /** Fetches, decrypts and verifies an object (hash and signature) into memory. */
  get(hash: Uint8Array | string, options?: GetOptions): Promise<Uint8Array>;
  /** Fetches and decrypts an object as a stream; the data is trustworthy only once the stream ends without error. */
  getStream(hash: Uint8Array | string, options?: GetOptions): Promise<ObjectStream>;
  /** Stores a protobuf message in its canonical encoding. */
  putMessage<Desc extends DescMessage>(
    schema: Desc,
    message: MessageShape<Desc>,
    options?: PutOptions,
  ): Promise<PutResult>;
  /** Fetches and decodes a protobuf message stored by hash. */
  getMessage<Desc extends DescMessage>(
    schema: Desc,
    hash: Uint8Array | string,
    options?: GetOptions,
  ): Promise<MessageShape<Desc>>;
  /** Describes an object readable by this party, or undefined when there is none. */
  stat(hash: Uint8Array | string, options?: StatOptions): Promise<ObjectInfo | undefined>;
  /** Whether an object readable by this party exists. */
  exists(hash: Uint8Array | string, options?: StatOptions): Promise<boolean>;
  /** Registers a key: this party's own (no url: served here), or another party's with its store URL for replication. */
  registerKey(
    publicKey: Uint8Array,
    options?: CallSettings & { readonly url?: string; readonly metadata?: Any },
  ): Promise<void>;
  /** Stores mail of `type` for the recipients. */
  sendMail(data: Uint8Array, options: SendMailOptions): Promise<PutResult>;
  /** Fetches up to `max` unacked mail items once (upstream's MailboxService.Get). */
  fetchMail(max?: number, options?: CallSettings): Promise<ReceivedMail[]>;
  /** Streams unacked mail, then new mail as it arrives, until `signal` aborts; reconnects after outages. */
  subscribe(options?: SubscribeOptions): AsyncIterable<ReceivedMail>;
  /** Acknowledges a mail item; acking twice is fine. */
  ack(uuid: string, options?: CallSettings): Promise<void>;
  /** Sets a mail item aside as dead. */
  rejectMail(uuid: string, reason: string, options?: CallSettings): Promise<void>;
  /** Lists this party's dead mail. */
  deadMail(max?: number, options?: CallSettings): Promise<DeadMailItem[]>;
  /** Puts a dead mail item back into delivery. */
  requeueMail(uuid: string, options?: CallSettings): Promise<void>;
  /**
   * The store's replication queue per remote key; `unrouted` counts pushes waiting for audience keys
   * no store URL is registered for, and `unroutedKeys` names those keys.
   */
  replicationStatus(options?: CallSettings): Promise<{
    remotes: RemoteReplication[];
    unrouted: number;
    unroutedKeys: { readonly publicKey: Uint8Array; readonly pending: number }[];
  }>;
  /** How many of this party's mail items are unacked: pending delivery or ack, and set aside as dead. */
  mailboxStatus(options?: CallSettings): Promise<{ readonly pending: number; readonly dead: number }>;
  /**
   * The parties the store serves that published a signed card (EosService/ListParties), each card
   * checked: a card that does not verify is left out, never returned.
   */
  parties(options?: CallSettings): Promise<VerifiedPartyCard[]>;
  /** The store's node key and limits. */
  serverInfo(options?: CallSettings): Promise<GetServerInfoResponse>;
  /** Stores an already-encrypted DIME as is. */
  putDime(input: RawPut): Promise<PutResult>;
  /** Closes the client's connections. */
  close(): void;
}
