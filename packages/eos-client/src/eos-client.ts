import { type DescMessage, fromBinary, type MessageShape } from "@bufbuild/protobuf";
import { type Any, timestampDate } from "@bufbuild/protobuf/wkt";
import {
  type CallOptions,
  type Client,
  Code,
  createClient,
  type Interceptor,
  type Transport,
} from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport, createGrpcWebTransport } from "@connectrpc/connect-node";
import {
  type DimeVerification,
  decompressPublicKey,
  decryptDime,
  encryptDime,
  type KeyPair,
  keyPairFromPrivateKey,
  type PrivateKeyInput,
  sign,
} from "@p8e/hashing-crypto";
import { EosService, type GetServerInfoResponse, type MailItem } from "@p8e/spec-model/eos";
import {
  type ChunkBidi,
  MailboxService,
  type ObjectResponse,
  ObjectService,
  PublicKeyService,
} from "@p8e/spec-model/objectstore";
import { createChunkTransport } from "./chunk-transport.js";
import { DimeOffload } from "./dime-offload.js";
import { EosError } from "./eos-error.js";
import { putRequests } from "./put-requests.js";
import { subscribeMail } from "./subscription.js";
import { WindowedSessionManager } from "./window-session-manager.js";

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
}

/** Objects from this size on are encrypted and decrypted on the client's worker thread. */
const OFFLOAD_MIN_BYTES = 256 * 1024;

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
  /** The store's replication queue per remote key. */
  replicationStatus(options?: CallSettings): Promise<{ remotes: RemoteReplication[]; unrouted: number }>;
  /** The store's node key and limits. */
  serverInfo(options?: CallSettings): Promise<GetServerInfoResponse>;
  /** Stores an already-encrypted DIME as is. */
  putDime(input: RawPut): Promise<PutResult>;
  /** Closes the client's connections. */
  close(): void;
}

/**
 * Creates a client for one party. It authenticates lazily (signed challenge → bearer token, renewed
 * before it expires), retries calls that fail with UNAVAILABLE, and throws {@link EosError} only.
 */
export function createEosClient(options: EosClientOptions): EosClient {
  checkBaseUrl(options.baseUrl);
  const encryption = keyPairOf(options.keys.encryption, "keys.encryption");
  const signing = options.keys.signing === undefined ? encryption : keyPairOf(options.keys.signing, "keys.signing");
  const timeoutMs = options.timeoutMs ?? 30_000;
  const retries = options.retries ?? 3;
  const retryDelayMs = options.retryDelayMs ?? 100;
  const useAuth = options.authenticate ?? true;
  const useWorker = options.cryptoWorker ?? true;
  let offload: DimeOffload | undefined;
  /** The crypto worker (started with the client, below); undefined when it is off or could not start. */
  async function cryptoWorker(): Promise<DimeOffload | undefined> {
    if (!useWorker) return undefined;
    offload ??= new DimeOffload();
    const worker = offload;
    return (await worker.available) ? worker : undefined;
  }
  // Start it with the client, so that its start-up (loading the crypto code) is not paid by the first transfer.
  void cryptoWorker();
  const sessions = new WindowedSessionManager(options.baseUrl, {
    pingIntervalMs: 30_000,
    idleConnectionTimeoutMs: 60_000,
  });

  // Aborted by close(): ends subscriptions, which otherwise outlive any outage.
  const closing = new AbortController();
  let token: { value: string; expiresAt: number } | undefined;
  let pendingToken: Promise<string> | undefined;
  const openMethods = new Set(["CreateChallenge", "Authenticate", "GetServerInfo"]);
  const authInterceptor: Interceptor = (next) => async (request) => {
    const open = request.service.typeName === EosService.typeName && openMethods.has(request.method.name);
    if (useAuth && !open) request.header.set("authorization", `Bearer ${await currentToken()}`);
    return next(request);
  };
  const transportOptions = {
    baseUrl: options.baseUrl,
    readMaxBytes: options.readMaxBytes ?? 64 * 1024 * 1024,
    interceptors: [authInterceptor],
    sessionManager: sessions,
    // Objects are encrypted: asking for compression only burns CPU on both ends.
    acceptCompression: [],
  };
  const transport: Transport =
    options.protocol === "connect"
      ? createConnectTransport({ ...transportOptions, httpVersion: "2" })
      : options.protocol === "grpc-web"
        ? createGrpcWebTransport({ ...transportOptions, httpVersion: "2" })
        : createChunkTransport({ ...transportOptions, fallback: createGrpcTransport(transportOptions) });
  const objects: Client<typeof ObjectService> = createClient(ObjectService, transport);
  const mailbox: Client<typeof MailboxService> = createClient(MailboxService, transport);
  const publicKeys: Client<typeof PublicKeyService> = createClient(PublicKeyService, transport);
  const eos: Client<typeof EosService> = createClient(EosService, transport);

  async function currentToken(): Promise<string> {
    if (token !== undefined && token.expiresAt - 30_000 > Date.now()) return token.value;
    pendingToken ??= (async () => {
      try {
        const { challenge } = await eos.createChallenge({}, { timeoutMs });
        const message = new Uint8Array(AUTH_SIGNING_PREFIX.length + challenge.length);
        message.set(new TextEncoder().encode(AUTH_SIGNING_PREFIX), 0);
        message.set(challenge, AUTH_SIGNING_PREFIX.length);
        const pairs = signing === encryption ? [encryption] : [encryption, signing];
        const response = await eos.authenticate(
          { challenge, proofs: pairs.map((pair) => ({ publicKey: pair.publicKey, signature: sign(message, pair) })) },
          { timeoutMs },
        );
        const expiresAt =
          response.expiresAt === undefined ? Date.now() + 60_000 : timestampDate(response.expiresAt).getTime();
        token = { value: response.token, expiresAt };
        return response.token;
      } finally {
        pendingToken = undefined;
      }
    })();
    return pendingToken;
  }

  function callOptions(settings: StatOptions | undefined, deadline: number | undefined): CallOptions {
    const out: { timeoutMs?: number; signal?: AbortSignal; headers?: Record<string, string> } = {};
    const t = settings?.timeoutMs ?? deadline;
    if (t !== undefined) out.timeoutMs = t;
    if (settings?.signal !== undefined) out.signal = settings.signal;
    if (settings?.owner !== undefined) out.headers = { [OWNER_HEADER]: ownerHeaderValue(settings.owner) };
    return out;
  }

  /** Runs `attempt`, trying again on UNAVAILABLE (with backoff) and once on UNAUTHENTICATED after a fresh token. */
  async function withRetries<T>(attempt: () => Promise<T>, replayable = true): Promise<T> {
    let delay = retryDelayMs;
    let reauthenticated = false;
    for (let tryNumber = 0; ; tryNumber++) {
      try {
        return await attempt();
      } catch (reason) {
        const error = EosError.from(reason);
        if (
          replayable &&
          error.grpcCode === Code.Unauthenticated &&
          useAuth &&
          !reauthenticated &&
          token !== undefined
        ) {
          token = undefined;
          reauthenticated = true;
          continue;
        }
        if (!replayable || error.grpcCode !== Code.Unavailable || tryNumber >= retries) throw error;
        await new Promise((resolve) => setTimeout(resolve, delay * (0.5 + Math.random() / 2)));
        delay *= 2;
      }
    }
  }

  function toPutResult(response: ObjectResponse): PutResult {
    return {
      hash: response.hash,
      hashBase64: Buffer.from(response.hash).toString("base64"),
      uuid: response.uuid?.value ?? "",
      dimeUuid: response.dimeUuid?.value ?? "",
      uri: response.uri,
      dimeLength: Number(response.metadata?.length ?? 0n),
      contentLength: Number(response.metadata?.contentLength ?? 0n),
      created: response.created === undefined ? undefined : timestampDate(response.created),
    };
  }

  async function putOnce(
    data: Uint8Array | AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
    put: PutOptions,
  ): Promise<PutResult> {
    const source = put.onProgress === undefined ? data : counting(data, put.onProgress);
    const starting = cryptoWorker();
    const worker = data instanceof Uint8Array && data.length < OFFLOAD_MIN_BYTES ? undefined : await starting;
    const encryptOptions = {
      owner: encryption.publicKey,
      audience: put.audience ?? [],
      metadata: put.metadata ?? {},
      signer: signing,
    };
    const dime =
      worker === undefined
        ? encryptDime(source, encryptOptions)
        : worker.encrypt(source instanceof Uint8Array ? [source] : source, encryptOptions);
    const contentLength = data instanceof Uint8Array ? data.length : (put.contentLength ?? 0);
    const requests = putRequests(dime.stream, BigInt(contentLength), async () => {
      const result = await dime.result;
      return {
        properties: [
          ["HASH", put.loHash === true ? result.hash.subarray(0, 16) : result.hash],
          ["SIGNATURE", result.signature!],
          ["SIGNATURE_PUBLIC_KEY", new TextEncoder().encode(result.signerPem!)],
        ],
      };
    });
    return toPutResult(await objects.put(requests, callOptions(put, undefined)));
  }

  async function openGet(hash: Uint8Array, get: GetOptions): Promise<ObjectStream> {
    const responses = objects.get({ hash, publicKey: encryption.publicKey }, callOptions(get, undefined));
    const iterator = responses[Symbol.asyncIterator]();
    // Read the multistream header here, so call errors (not found, denied) surface before decryption starts.
    const first = await iterator.next();
    if (first.done === true || first.value.impl.case !== "multiStreamHeader") {
      await iterator.return?.();
      throw new EosError("protocol-violation", "Get stream did not start with a MultiStreamHeader");
    }
    const starting = cryptoWorker();
    // The first data chunk names the plaintext length: small objects are decrypted right here.
    const firstData = await iterator.next();
    const chunk = firstData.done === true ? undefined : firstData.value.impl;
    const length = chunk?.case === "chunk" ? Number(chunk.value.header?.contentLength ?? 0n) : 0;
    const worker = length >= OFFLOAD_MIN_BYTES ? await starting : undefined;
    const decryptOptions = {
      expectedHash: hash,
      ...(get.expectedSigner === undefined ? {} : { expectedSigner: get.expectedSigner }),
    };
    const { plaintext, verified, header } =
      worker === undefined
        ? await decryptDime(dimeBytes(iterator, firstData), encryption, decryptOptions)
        : // Each data chunk is a view of its own network message, which nothing else reads: move, don't copy.
          await worker.decrypt(dimeBytes(iterator, firstData), encryption.privateKey, decryptOptions, true);
    return {
      plaintext: get.onProgress === undefined ? plaintext : counting(plaintext, get.onProgress),
      verified,
      metadata: header.metadata,
      owner: ownerOf(header.dime.owner?.publicKey),
    };
  }

  async function toReceivedMail(uuid: string, data: Uint8Array, item: MailItem | undefined): Promise<ReceivedMail> {
    const { plaintext, verified, header } = await decryptDime(data, encryption);
    const chunks: Uint8Array[] = [];
    for await (const chunk of plaintext) chunks.push(chunk);
    const verification = await verified;
    const owner = header.dime.owner?.publicKey;
    return {
      uuid,
      type: item?.messageType ?? header.metadata[MAIL_TYPE_KEY] ?? "",
      hash: verification.hash,
      sender: item?.senderPublicKey ?? ownerOf(owner),
      signer: verification.signer?.publicKey,
      plaintext: Buffer.concat(chunks),
      metadata: header.metadata,
      deliveries: item?.deliveries,
      ack: () => client.ack(uuid),
      reject: (reason) => client.rejectMail(uuid, reason),
    };
  }

  const client: EosClient = {
    publicKey: encryption.publicKey,

    async put(data, put = {}) {
      return withRetries(() => putOnce(data, put), data instanceof Uint8Array);
    },

    async get(hash, get = {}) {
      const bytes = hashBytes(hash);
      return withRetries(async () => {
        const stream = await openGet(bytes, get);
        const chunks: Uint8Array[] = [];
        try {
          for await (const chunk of stream.plaintext) chunks.push(chunk);
          await stream.verified;
        } catch (reason) {
          const error = EosError.from(reason);
          if (error.code !== "verification-failed" || get.owner !== undefined) throw error;
          throw new EosError(
            "verification-failed",
            `${error.message} (the store served the object stored by ${shortOwner(stream.owner)}; if you know who wrote it, ask by owner: get(hash, { owner }))`,
            { cause: error },
          );
        }
        return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      });
    },

    async getStream(hash, get = {}) {
      const bytes = hashBytes(hash);
      const stream = await withRetries(() => openGet(bytes, get));
      return { ...stream, plaintext: mapErrors(stream.plaintext) };
    },

    async putMessage(schema, message, put = {}) {
      // Loaded on first use: stores and tools that move only raw objects never load the contract model.
      const { toCanonicalBinary } = await import("@p8e/spec-model");
      return client.put(toCanonicalBinary(schema, message), put);
    },

    async getMessage(schema, hash, get = {}) {
      const bytes = await client.get(hash, get);
      try {
        return fromBinary(schema, bytes);
      } catch (cause) {
        throw new EosError("verification-failed", `object does not decode as ${schema.typeName}`, { cause });
      }
    },

    async stat(hash, settings) {
      const response = await withRetries(() =>
        eos.statObject({ hash: hashBytes(hash), publicKey: encryption.publicKey }, callOptions(settings, timeoutMs)),
      );
      const stat = response.stat;
      if (!response.exists || stat === undefined) return undefined;
      return {
        uuid: stat.uuid,
        dimeUuid: stat.dimeUuid,
        hash: stat.hash,
        dimeLength: Number(stat.dimeLength),
        contentLength: Number(stat.contentLength),
        created: stat.created === undefined ? undefined : timestampDate(stat.created),
        owner: stat.ownerPublicKey,
        audience: stat.audience,
        mailType: stat.mailType === "" ? undefined : stat.mailType,
      };
    },

    async exists(hash, settings) {
      return (await client.stat(hash, settings)) !== undefined;
    },

    async registerKey(publicKey, settings = {}) {
      await withRetries(() =>
        publicKeys.add(
          {
            publicKey: { key: { case: "secp256k1", value: publicKey } },
            url: settings.url ?? "",
            ...(settings.metadata === undefined ? {} : { metadata: settings.metadata }),
          },
          callOptions(settings, timeoutMs),
        ),
      );
    },

    async sendMail(data, mail) {
      checkMail(mail, encryption.publicKey);
      return client.put(data, {
        ...mail,
        audience: mail.to,
        metadata: { ...(mail.metadata ?? {}), [MAIL_TYPE_KEY]: mail.type },
      });
    },

    async fetchMail(max = 100, settings) {
      const items = await withRetries(async () => {
        const out: Array<{ uuid: string; data: Uint8Array }> = [];
        for await (const payload of mailbox.get(
          { publicKey: encryption.publicKey, maxResults: max },
          callOptions(settings, timeoutMs),
        )) {
          out.push({ uuid: payload.uuid?.value ?? "", data: payload.data });
        }
        return out;
      });
      const mail: ReceivedMail[] = [];
      for (const item of items) {
        try {
          mail.push(await toReceivedMail(item.uuid, item.data, undefined));
        } catch (reason) {
          const error = EosError.from(reason);
          await client.rejectMail(item.uuid, `unreadable: ${error.message}`).catch(() => {});
        }
      }
      return mail;
    },

    subscribe(subscribe = {}) {
      return subscribeMail(
        {
          open: (signal) => eos.subscribeMail({ publicKey: encryption.publicKey }, { signal }),
          toMail: (item) => toReceivedMail(item.uuid, item.data, item),
          ack: (uuid) => client.ack(uuid),
          reject: (uuid, reason) => client.rejectMail(uuid, reason),
          dropToken: () => {
            token = undefined;
          },
          closed: closing.signal,
          retryDelayMs,
        },
        subscribe,
      );
    },

    async ack(uuid, settings) {
      await withRetries(() =>
        mailbox.ack({ uuid: { value: uuid }, publicKey: encryption.publicKey }, callOptions(settings, timeoutMs)),
      );
    },

    async rejectMail(uuid, reason, settings) {
      await withRetries(() =>
        eos.rejectMail({ uuid, publicKey: encryption.publicKey, reason }, callOptions(settings, timeoutMs)),
      );
    },

    async deadMail(max = 100, settings) {
      const response = await withRetries(() =>
        eos.listDeadMail({ publicKey: encryption.publicKey, maxResults: max }, callOptions(settings, timeoutMs)),
      );
      return response.items.map((item) => ({
        uuid: item.uuid,
        hash: item.hash,
        type: item.messageType,
        reason: item.reason,
        deadAt: item.deadAt === undefined ? undefined : timestampDate(item.deadAt),
      }));
    },

    async requeueMail(uuid, settings) {
      await withRetries(() =>
        eos.requeueMail({ uuid, publicKey: encryption.publicKey }, callOptions(settings, timeoutMs)),
      );
    },

    async replicationStatus(settings) {
      const response = await withRetries(() => eos.getReplicationStatus({}, callOptions(settings, timeoutMs)));
      return {
        remotes: response.remotes.map((remote) => ({
          publicKey: remote.publicKey,
          url: remote.url,
          pending: Number(remote.pending),
          replicated: Number(remote.replicated),
          attempts: remote.attempts,
          lastError: remote.lastError === "" ? undefined : remote.lastError,
          lastErrorAt: remote.lastErrorAt === undefined ? undefined : timestampDate(remote.lastErrorAt),
          nextAttemptAt: remote.nextAttemptAt === undefined ? undefined : timestampDate(remote.nextAttemptAt),
        })),
        unrouted: Number(response.unrouted),
      };
    },

    async serverInfo(settings) {
      return withRetries(() => eos.getServerInfo({}, callOptions(settings, timeoutMs)));
    },

    async putDime(input) {
      const attempt = async () => {
        const source = input.dime instanceof Uint8Array ? [input.dime] : input.dime;
        const requests = putRequests(
          toAsync(source),
          BigInt(input.contentLength ?? 0),
          async () => ({ properties: input.properties }),
          input.headerMetadata,
        );
        return toPutResult(await objects.put(requests, callOptions(input, undefined)));
      };
      return withRetries(attempt, input.dime instanceof Uint8Array);
    },

    close() {
      closing.abort();
      sessions.abort();
      offload?.close();
    },
  };
  return client;
}

/** The three mail types the store delivers. */
export const MAIL_TYPES: readonly MailType[] = ["FRAGMENT_REQUEST", "FRAGMENT_RESPONSE", "ERROR_RESPONSE"];

/** Refuses mail that the store would deliver to nobody. */
function checkMail(mail: SendMailOptions, own: Uint8Array): void {
  if (!MAIL_TYPES.includes(mail.type))
    throw new EosError(
      "invalid-argument",
      `sendMail: type ${JSON.stringify(mail.type)} is not a mail type; use one of ${MAIL_TYPES.join(", ")}`,
    );
  if (mail.to === undefined || mail.to.length === 0)
    throw new EosError("invalid-argument", "sendMail: no recipient; pass their encryption public keys in `to`");
  for (const [i, key] of mail.to.entries()) {
    let full: Uint8Array;
    try {
      full = key.length === 33 ? decompressPublicKey(key) : key;
    } catch (cause) {
      throw new EosError("invalid-argument", `sendMail: to[${i}] is not a secp256k1 public key`, { cause });
    }
    if (full.length !== 65)
      throw new EosError(
        "invalid-argument",
        `sendMail: to[${i}] must be a 33- or 65-byte public key, got ${key.length}`,
      );
    if (Buffer.from(full).equals(own))
      throw new EosError(
        "invalid-argument",
        `sendMail: to[${i}] is this client's own key; the store delivers mail to the audience besides its owner, so mail to oneself never arrives`,
      );
  }
}

/** Refuses a base URL the HTTP/2 transport cannot use, saying what to pass instead. */
function checkBaseUrl(baseUrl: string): void {
  if (/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d+$/.test(baseUrl))
    throw new EosError(
      "invalid-argument",
      `baseUrl ${JSON.stringify(baseUrl)} has no scheme; pass http://${baseUrl} (plain HTTP/2) or https://${baseUrl} (TLS)`,
    );
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new EosError(
      "invalid-argument",
      `baseUrl ${JSON.stringify(baseUrl)} is not a URL; pass http://host:port (plain HTTP/2) or https://host:port (TLS)`,
    );
  }
  if (url.protocol === "http:" || url.protocol === "https:") return;
  const hint =
    url.protocol === "grpc:" || url.protocol === "tcp:"
      ? ` (for ${url.protocol}// pass http://${url.host})`
      : url.protocol === "grpcs:"
        ? ` (for grpcs:// pass https://${url.host})`
        : "";
  throw new EosError(
    "invalid-argument",
    `baseUrl ${JSON.stringify(baseUrl)} has scheme ${url.protocol.slice(0, -1)}; the client speaks http:// (plain HTTP/2) or https:// (TLS)${hint}`,
  );
}

function keyPairOf(input: PrivateKeyInput, title: string): KeyPair {
  try {
    return keyPairFromPrivateKey(input instanceof Uint8Array ? input : input.privateKey);
  } catch (cause) {
    throw new EosError("invalid-argument", `${title} is not a secp256k1 private key`, { cause });
  }
}

/** An object's owner as the DIME names it (UTF-8 base64 text of the point), as raw key bytes. */
function ownerOf(text: Uint8Array | undefined): Uint8Array | undefined {
  return text === undefined ? undefined : new Uint8Array(Buffer.from(Buffer.from(text).toString(), "base64"));
}

function shortOwner(owner: Uint8Array | undefined): string {
  if (owner === undefined) return "an unnamed owner";
  const text = Buffer.from(owner).toString("base64");
  return `owner ${text.slice(0, 12)}…${text.slice(-6)}`;
}

function ownerHeaderValue(owner: Uint8Array): string {
  if (!(owner.length === 65 || owner.length === 33))
    throw new EosError("invalid-argument", `owner must be a 33- or 65-byte public key, got ${owner.length} bytes`);
  return Buffer.from(owner).toString("base64");
}

const objectUriPrefix = "object://";

/**
 * The hash bytes of a hash given as bytes, standard base64, or the `object://host/<base64 hash>` URI
 * a put returned (its host is not checked: the hash names the object on any store).
 */
function hashBytes(hash: Uint8Array | string): Uint8Array {
  let text = hash;
  if (typeof text === "string" && text.startsWith(objectUriPrefix)) {
    const slash = text.indexOf("/", objectUriPrefix.length);
    if (slash < 0) throw new EosError("invalid-argument", `${text} is not an object://host/<base64 hash> URI`);
    text = decodeURIComponent(text.slice(slash + 1));
  }
  if (typeof text === "string" && !/^[A-Za-z0-9+/_-]*={0,2}$/.test(text))
    throw new EosError(
      "invalid-argument",
      `${JSON.stringify(text)} is not an object hash: pass the hash bytes, its base64, or the object:// URI put() returned`,
    );
  const bytes = typeof text === "string" ? new Uint8Array(Buffer.from(text, "base64")) : text;
  if (bytes.length < 16 || bytes.length > 64)
    throw new EosError("invalid-argument", `an object hash is 16 to 64 bytes, got ${bytes.length}`);
  return bytes;
}

async function* dimeBytes(
  iterator: AsyncIterator<ChunkBidi>,
  first: IteratorResult<ChunkBidi>,
): AsyncGenerator<Uint8Array> {
  let ended = false;
  let pending: IteratorResult<ChunkBidi> | undefined = first;
  try {
    for (;;) {
      const next = pending ?? (await iterator.next());
      pending = undefined;
      if (next.done === true) break;
      const message = next.value;
      if (message.impl.case !== "chunk")
        throw new EosError("protocol-violation", "Get stream sent a second MultiStreamHeader");
      const chunk = message.impl.value;
      if (ended) throw new EosError("protocol-violation", "Get stream continued after its end chunk");
      if (chunk.impl.case === "data") yield chunk.impl.value;
      else if (chunk.impl.case === "end") ended = true;
      else throw new EosError("protocol-violation", `Get stream sent a ${chunk.impl.case ?? "empty"} chunk`);
    }
  } finally {
    await iterator.return?.();
  }
  if (!ended) throw new EosError("protocol-violation", "Get stream ended without an end chunk");
}

/** Passes chunks through, reporting the running total of bytes after each. */
async function* counting(
  source: Uint8Array | AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  onTotal: (bytes: number) => void,
): AsyncGenerator<Uint8Array> {
  let total = 0;
  for await (const chunk of source instanceof Uint8Array ? [source] : source) {
    yield chunk;
    total += chunk.length;
    onTotal(total);
  }
}

async function* toAsync(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  yield* source;
}

async function* mapErrors(source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  try {
    yield* source;
  } catch (reason) {
    throw EosError.from(reason);
  }
}
