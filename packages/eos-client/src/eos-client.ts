import { fromBinary } from "@bufbuild/protobuf";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import {
  type CallOptions,
  type Client,
  Code,
  createClient,
  type Interceptor,
  type Transport,
} from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport, createGrpcWebTransport } from "@connectrpc/connect-node";
import { createDimeKeyCache, decryptDime, encryptDime, encryptDimeBytes, sign } from "@p8e/hashing-crypto";
import { EosService, type MailItem } from "@p8e/spec-model/eos";
import { MailboxService, type ObjectResponse, ObjectService, PublicKeyService } from "@p8e/spec-model/objectstore";
import { createChunkTransport } from "./chunk-transport.js";
import {
  checkBaseUrl,
  checkMail,
  counting,
  dimeBytes,
  hashBytes,
  keyPairOf,
  mapErrors,
  ownerHeaderValue,
  ownerOf,
  shortOwner,
  toAsync,
} from "./client-helpers.js";
import {
  AUTH_SIGNING_PREFIX,
  type EosClient,
  type EosClientOptions,
  type GetOptions,
  MAIL_TYPE_KEY,
  type ObjectStream,
  OWNER_HEADER,
  type PutOptions,
  type PutResult,
  type ReceivedMail,
  type StatOptions,
} from "./client-types.js";
import { DimeOffload } from "./dime-offload.js";
import { EosError } from "./eos-error.js";
import { openPartyCard } from "./party-card.js";
import { putRequests } from "./put-requests.js";
import { subscribeMail } from "./subscription.js";
import { WindowedSessionManager } from "./window-session-manager.js";

/** Objects from this size on are encrypted and decrypted on the client's worker thread. */
const OFFLOAD_MIN_BYTES = 256 * 1024;

/** The MultiStreamHeader metadata that marks a Put as a replica (a store replicates it no further). */
const SOURCE_TYPE_KEY = "SOURCE::TYPE";
const SOURCE_REPLICATION = "REPLICATION";

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
  const ownKeyCache = options.dimeKeyCache === undefined ? createDimeKeyCache() : undefined;
  const keyCache = options.dimeKeyCache === false ? undefined : (options.dimeKeyCache ?? ownKeyCache);
  // Passed to the crypto calls made on this thread only: the worker cannot share it.
  const cached = keyCache === undefined ? {} : { keyCache };
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
        ? encryptDime(source, { ...encryptOptions, ...cached })
        : worker.encrypt(source instanceof Uint8Array ? [source] : source, encryptOptions);
    const contentLength = data instanceof Uint8Array ? data.length : (put.contentLength ?? 0);
    const requests = putRequests(dime.stream, BigInt(contentLength), async () => {
      const result = await dime.result;
      return { properties: putProperties(result, put.loHash === true ? result.hash.subarray(0, 16) : result.hash) };
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
        ? await decryptDime(dimeBytes(iterator, firstData), encryption, { ...decryptOptions, ...cached })
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
    const { plaintext, verified, header } = await decryptDime(data, encryption, cached);
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

  /** The recipients' own stores other than this one, each once. */
  function directStores(recipients: readonly Uint8Array[]): string[] {
    if (options.directDelivery === undefined) return [];
    const urls = new Set<string>();
    for (const key of recipients) {
      const url = options.directDelivery(key);
      if (url !== undefined && url !== options.baseUrl) urls.add(url);
    }
    return [...urls];
  }

  const directClients = new Map<string, EosClient>();
  /** A client of another store, with this party's keys (it puts this party's own mail there). */
  function directClient(url: string): EosClient {
    let direct = directClients.get(url);
    if (direct === undefined) {
      const { directDelivery: _, ...rest } = options;
      direct = createEosClient({ ...rest, baseUrl: url, cryptoWorker: false, dimeKeyCache: false });
      directClients.set(url, direct);
    }
    return direct;
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
      const metadata = { ...(mail.metadata ?? {}), [MAIL_TYPE_KEY]: mail.type };
      const stores = directStores(mail.to);
      if (stores.length === 0 || data.length >= OFFLOAD_MIN_BYTES) {
        return client.put(data, { ...mail, audience: mail.to, metadata });
      }
      // Encrypted once: the same DIME goes into this store (the copy that counts, replicated as
      // usual) and at once into each recipient's store, marked as the replica it is, so the
      // recipient's store neither waits for the replication hop nor replicates it onwards.
      const dime = await encryptDimeBytes(data, {
        owner: encryption.publicKey,
        audience: mail.to,
        metadata,
        signer: signing,
        ...cached,
      });
      const raw = { dime: dime.bytes, properties: putProperties(dime, dime.hash), contentLength: data.length };
      for (const url of stores) {
        void directClient(url)
          .putDime({ ...raw, headerMetadata: { [SOURCE_TYPE_KEY]: SOURCE_REPLICATION }, timeoutMs })
          .catch(() => {});
      }
      return client.putDime({ ...raw, ...(mail.signal === undefined ? {} : { signal: mail.signal }) });
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
        unroutedKeys: response.unroutedKeys.map((k) => ({ publicKey: k.publicKey, pending: Number(k.pending) })),
      };
    },

    async mailboxStatus(settings) {
      const response = await withRetries(() =>
        eos.getMailboxStatus({ publicKey: encryption.publicKey }, callOptions(settings, timeoutMs)),
      );
      return { pending: Number(response.pending), dead: Number(response.dead) };
    },

    async parties(settings) {
      const response = await withRetries(() => eos.listParties({}, callOptions(settings, timeoutMs)));
      return response.parties.flatMap((signed) => {
        try {
          return [openPartyCard(signed)];
        } catch {
          return [];
        }
      });
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
      ownKeyCache?.clear();
      for (const direct of directClients.values()) direct.close();
      directClients.clear();
    },
  };
  return client;
}

/** The value chunks a Put carries: the hash it is stored under, and the DIME's signature and signer. */
function putProperties(
  signed: { readonly signature?: Uint8Array | undefined; readonly signerPem?: string | undefined },
  hash: Uint8Array,
): [string, Uint8Array][] {
  return [
    ["HASH", hash],
    ["SIGNATURE", signed.signature!],
    ["SIGNATURE_PUBLIC_KEY", new TextEncoder().encode(signed.signerPem!)],
  ];
}
