/** One stored object: its identity, who may read it, and where its bytes are. */
export interface StoredObject {
  /** The store's id for this object (a v4 UUID). */
  readonly uuid: string;
  /** The DIME container uuid. */
  readonly dimeUuid: string;
  /** Standard base64 of the plaintext hash the writer sent. */
  readonly hash: string;
  /** Owner key, base64 of the 65-byte point. */
  readonly owner: string;
  /** Every key that may read the object (owner included), sorted. */
  readonly audience: readonly string[];
  /** Plaintext length the writer declared. */
  readonly contentLength: number;
  /** Length of the stored header (with the embedded signature). */
  readonly headerLength: number;
  /** Length of the encrypted payload after the header. */
  readonly bodyLength: number;
  /** Content address of the payload file, or undefined when the payload is kept inline. */
  readonly blob: string | undefined;
  /** The mail type (P8EAPI::TYPE) when the object is mail. */
  readonly mailType: string | undefined;
  /** The Put's value chunks, name → base64 value, in arrival order. */
  readonly properties: Readonly<Record<string, string>>;
  /** Milliseconds since the epoch. */
  readonly createdAt: number;
}

/** A registered public key: local (served here, empty url) or remote (replicate to url). */
export interface KeyRecord {
  readonly publicKey: string;
  readonly uuid: string;
  readonly url: string;
  /** The `google.protobuf.Any` metadata of the registration, encoded. */
  readonly metadata: Uint8Array | undefined;
  /** The key of the caller that registered it, if any. */
  readonly registeredBy: string | undefined;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** One mail item addressed to one key. */
export interface MailRecord {
  readonly seq: number;
  readonly uuid: string;
  readonly objectUuid: string;
  readonly publicKey: string;
  readonly messageType: string;
  readonly createdAt: number;
  readonly deliveries: number;
  readonly ackedAt: number | undefined;
  readonly deadAt: number | undefined;
  readonly deadReason: string | undefined;
}

/** One pending push of an object to the store registered for a remote key. */
export interface ReplicationJob {
  readonly objectUuid: string;
  readonly publicKey: string;
  readonly url: string;
  readonly attempts: number;
}

/** Replication state of one remote key. */
export interface RemoteReplicationStatus {
  readonly publicKey: string;
  readonly url: string;
  readonly pending: number;
  readonly replicated: number;
  readonly attempts: number;
  readonly lastError: string | undefined;
  readonly lastErrorAt: number | undefined;
  readonly nextAttemptAt: number | undefined;
}

/** Replication state of the whole store. */
export interface ReplicationStatus {
  readonly remotes: readonly RemoteReplicationStatus[];
  /** Pending pushes for keys that have no URL registered yet. */
  readonly unrouted: number;
  /** The keys those objects wait for (base64), each with its count. */
  readonly unroutedKeys: readonly { readonly publicKey: string; readonly pending: number }[];
}

/** A payload being written to a temporary file while it streams in. */
export interface StagedBlob {
  /** Bytes written so far. */
  readonly size: number;
  write(bytes: Uint8Array): Promise<void>;
  /** Flushes to disk and moves the file to its content-addressed name; returns that name. */
  commit(): Promise<string>;
  /** Deletes the temporary file (safe to call at any point, and more than once). */
  discard(): Promise<void>;
}

/** Where a new object's encrypted payload lives: inline bytes, or a committed blob. */
export type NewObjectBody =
  | { readonly kind: "inline"; readonly bytes: Uint8Array }
  | { readonly kind: "blob"; readonly name: string; readonly size: number };

/** Everything {@link ObjectStorage.putObject} stores for a new object. */
export interface NewObject {
  readonly dimeUuid: string;
  readonly hash: string;
  readonly owner: string;
  readonly audience: readonly string[];
  readonly contentLength: number;
  /** The header as stored (signatures rewritten). */
  readonly header: Uint8Array;
  readonly body: NewObjectBody;
  readonly mailType: string | undefined;
  readonly properties: Readonly<Record<string, string>>;
  /** Queue pushes to remote and unknown audience keys (false for replicated Puts and when replication is off). */
  readonly replicate: boolean;
  /**
   * Whether this Put may take the place of the stored object with the same hash, owner and audience:
   * true when the caller proved it holds the owner key (or is a trusted peer store relaying it).
   */
  readonly replace: boolean;
}

/** The outcome of a Put: the stored row (the existing one for a duplicate) and the mail it created. */
export interface PutObjectResult {
  readonly object: StoredObject;
  readonly created: boolean;
  /** The object as it was before this Put replaced it (same uuid), if it did. */
  readonly replaced: StoredObject | undefined;
  readonly mail: readonly MailRecord[];
  readonly replicationQueued: number;
}

/** The outcome of an ack. */
export type AckOutcome = "acked" | "already-acked" | "not-found";

/**
 * Everything the server keeps: objects with their access index, keys, mail and the replication queue.
 * The embedded implementation is {@link createSqliteStorage}; another backend (PostgreSQL plus object
 * storage) implements the same interface.
 */
export interface ObjectStorage {
  /** Opens a temporary file for a payload too large to keep inline. */
  stageBlob(): Promise<StagedBlob>;
  /**
   * Stores a new object atomically with its access rows, mail and replication rows. Objects are
   * identified by hash + owner + audience: a repeated Put returns the stored object, or replaces its
   * bytes when `replace` is set.
   */
  putObject(object: NewObject): Promise<PutObjectResult>;
  /** Deletes a committed blob that no object references (after a duplicate Put). */
  releaseBlob(name: string): Promise<void>;
  /**
   * The object with `hash` readable by `publicKey`: with `owner`, that owner's only; without, the
   * reader's own object if it stored one, else the one stored first.
   */
  findObject(hash: string, publicKey: string, owner?: string): Promise<StoredObject | undefined>;
  /** Whether any object has `hash` (from `owner`, when given), whoever may read it. */
  hasHash(hash: string, owner?: string): Promise<boolean>;
  /** How many owners stored an object with `hash` that `publicKey` may read. */
  ownerCount(hash: string, publicKey: string): Promise<number>;
  /** An object by the store's uuid. */
  getObject(uuid: string): Promise<StoredObject | undefined>;
  /** Streams the stored DIME (header then payload) in pieces of at most `chunkSize` bytes. */
  readObject(object: StoredObject, chunkSize: number): AsyncIterable<Uint8Array>;

  getKey(publicKey: string): Promise<KeyRecord | undefined>;
  /** Keys registered as local (served here) with metadata, oldest first, at most `limit`. */
  localKeysWithMetadata(limit: number): Promise<KeyRecord[]>;
  /** Inserts or updates a registration; moving a key to local drops its pending replication. */
  upsertKey(record: {
    publicKey: string;
    url: string;
    metadata: Uint8Array | undefined;
    registeredBy: string | undefined;
  }): Promise<KeyRecord>;

  /** Unacked, live mail for a key in arrival order, after `afterSeq`. */
  pendingMail(publicKey: string, limit: number, afterSeq?: number): Promise<MailRecord[]>;
  /** Counts one more delivery of each item. */
  markDelivered(uuids: readonly string[]): Promise<void>;
  getMail(uuid: string): Promise<MailRecord | undefined>;
  /** Acks a mail item, only among `keys` when given; idempotent. */
  ackMail(uuid: string, keys: readonly string[] | undefined): Promise<AckOutcome>;
  /** Sets a mail item aside with a reason; it is no longer delivered. */
  deadMail(uuid: string, reason: string): Promise<void>;
  /** Puts a dead mail item back into delivery. */
  requeueMail(uuid: string): Promise<void>;
  deadMailFor(publicKey: string, limit: number): Promise<MailRecord[]>;
  /** How many of a key's mail items are unacked: still delivered (pending), or set aside (dead). */
  mailCounts(publicKey: string): Promise<{ readonly pending: number; readonly dead: number }>;

  /** Pushes due now, for keys that have a URL, oldest first. */
  dueReplications(now: number, limit: number): Promise<ReplicationJob[]>;
  replicationSucceeded(objectUuid: string, publicKey: string): Promise<void>;
  replicationFailed(objectUuid: string, publicKey: string, error: string, nextAttemptAt: number): Promise<void>;
  /** The earliest time a push for a routed key is due, if any is pending. */
  nextReplicationAt(): Promise<number | undefined>;
  replicationStatus(): Promise<ReplicationStatus>;
  /** Makes every pending push to the store at `url` due at `now` with its backoff reset; returns how many. */
  retryReplicationsTo(url: string, now: number): Promise<number>;

  getMeta(name: string): Promise<Uint8Array | undefined>;
  setMeta(name: string, value: Uint8Array): Promise<void>;
  /** Whether the metadata database answers. */
  healthy(): Promise<boolean>;
  close(): Promise<void>;
}
