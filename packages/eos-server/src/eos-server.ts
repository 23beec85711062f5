import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { Code, ConnectError, type ConnectRouter, type Interceptor } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { keyPairFromPrivateKey } from "@p8e/hashing-crypto";
import { EosService, Health } from "@p8e/spec-model/eos";
import { MailboxService, ObjectService, PublicKeyService } from "@p8e/spec-model/objectstore";
import { createAuthority } from "./auth.js";
import { createChunkRoute } from "./chunk-route.js";
import { callerKey, type HandlerContext, type HandlerSettings } from "./context.js";
import { toConnectError } from "./errors.js";
import { type ConnectionLimits, DEFAULT_CONNECTION_LIMITS, openFrontDoor } from "./front-door.js";
import { createGcPacer } from "./gc-pacer.js";
import { createJsonLogger, type Logger } from "./logger.js";
import { createMailHub } from "./mail-hub.js";
import { keyToBase64, shortKey } from "./public-keys.js";
import { createReplicator, type Replicator } from "./replicator.js";
import { eosService } from "./services/eos-service.js";
import { healthService } from "./services/health-service.js";
import { mailboxService } from "./services/mailbox-service.js";
import { objectService } from "./services/object-service.js";
import { publicKeyService } from "./services/public-key-service.js";
import type { ObjectStorage } from "./storage/object-storage.js";
import { createSqliteStorage } from "./storage/sqlite-storage.js";

const STREAM_WINDOW_BYTES = 2 * 1024 * 1024;
const SESSION_WINDOW_BYTES = 4 * 1024 * 1024;

/** The server's version, reported by GetServerInfo. */
export const EOS_SERVER_VERSION = "0.1.0";

/** Options of {@link startEosServer}; only `dataDir` is required. */
export interface EosServerOptions {
  /** Folder of the embedded storage (SQLite plus blob files); created if missing. */
  readonly dataDir: string;
  /** Interface to listen on; default 127.0.0.1. */
  readonly host?: string;
  /** Port; default 0 (an ephemeral port, see `EosServer.port`). */
  readonly port?: number;
  /** Storage to use instead of the embedded one in `dataDir`. */
  readonly storage?: ObjectStorage;
  /** Structured logger; default JSON lines on stderr at level info. */
  readonly logger?: Logger;
  /** Compatibility switch: admit calls without a token, as upstream stores do. Default false. */
  readonly allowUnauthenticated?: boolean;
  /** Keys (33 or 65 bytes) with operator rights: may register any key and read replication status. */
  readonly adminKeys?: readonly Uint8Array[];
  /** When given, only stores holding one of these node keys may push replicas here. */
  readonly trustedPeers?: readonly Uint8Array[];
  /** The store's own secp256k1 private key; default one generated on first start and kept in storage. */
  readonly nodePrivateKey?: Uint8Array;
  /** Largest object (DIME bytes) a Put may carry; default 4 GiB. Larger Puts get RESOURCE_EXHAUSTED. */
  readonly maxObjectBytes?: number;
  /** Largest DIME header; default 1 MiB. */
  readonly maxHeaderBytes?: number;
  /** Payloads up to this size live in the database; default 64 KiB. */
  readonly inlineThreshold?: number;
  /** Largest mail item delivered in one message; larger mail is set aside as dead. Default 16 MiB. */
  readonly mailMaxBytes?: number;
  /** Run a garbage collection after this many streamed bytes (0: leave it to V8); default 4 MiB. */
  readonly gcEveryBytes?: number;
  /**
   * Serve binary gRPC ObjectService.Put and Get through the chunk route (chunk-route.ts), which moves
   * data without copying it; default true. False sends them through connect-es like every other call.
   * The bytes on the wire are the same either way.
   */
  readonly chunkRoute?: boolean;
  /** Bearer token lifetime in ms; default 15 minutes. */
  readonly tokenTtlMs?: number;
  /** Host written into `object://` URIs; default `host:port`. */
  readonly uriHost?: string;
  /** Timeouts and caps on connections and streams; see {@link ConnectionLimits} for the defaults. */
  readonly limits?: Partial<ConnectionLimits>;
  /** Replication worker settings; enabled by default. */
  readonly replication?: {
    readonly enabled?: boolean;
    readonly minBackoffMs?: number;
    readonly maxBackoffMs?: number;
    readonly batchSize?: number;
    /** How often a remote store that is down is probed, so its backlog goes as soon as it is back; default 2 s. */
    readonly probeIntervalMs?: number;
  };
}

/** A running store. */
export interface EosServer {
  /** `http://host:port`, for clients. */
  readonly url: string;
  readonly port: number;
  /** The store's node public key (65 bytes). */
  readonly nodePublicKey: Uint8Array;
  readonly storage: ObjectStorage;
  /**
   * Accepts replicas from one more store from now on (its node key, 33 or 65 bytes), as if it were in
   * `trustedPeers`; for environments that learn their peers while running. Not persisted.
   */
  trustPeer(nodePublicKey: Uint8Array): void;
  /** Stops accepting calls, ends streams and sessions, stops replication and closes storage. */
  close(): Promise<void>;
}

/** The routes of a store, for embedding them into another Connect router. */
export function eosRoutes(context: HandlerContext): (router: ConnectRouter) => void {
  return (router) => {
    router.service(ObjectService, objectService(context));
    router.service(MailboxService, mailboxService(context));
    router.service(PublicKeyService, publicKeyService(context));
    router.service(EosService, eosService(context));
    router.service(Health, healthService(context));
  };
}

/**
 * Starts an object store on one HTTP/2 (h2c) port serving gRPC, gRPC-web and Connect: upstream's
 * ObjectService, MailboxService and PublicKeyService, our p8e.eos.v1.EosService, and grpc.health.v1.
 */
export async function startEosServer(options: EosServerOptions): Promise<EosServer> {
  const logger = options.logger ?? createJsonLogger({ base: { service: "p8e-eos" } });
  mkdirSync(options.dataDir, { recursive: true });
  const storage = options.storage ?? createSqliteStorage({ dataDir: options.dataDir, logger });
  let nodePrivateKey = options.nodePrivateKey ?? (await storage.getMeta("node.private-key"));
  if (nodePrivateKey === undefined) {
    nodePrivateKey = new Uint8Array(randomBytes(32));
    await storage.setMeta("node.private-key", nodePrivateKey);
  }
  const nodePair = keyPairFromPrivateKey(nodePrivateKey);
  const authority = await createAuthority({
    storage,
    ...(options.tokenTtlMs === undefined ? {} : { tokenTtlMs: options.tokenTtlMs }),
  });
  const hub = createMailHub();
  const shutdown = new AbortController();
  const replicationEnabled = options.replication?.enabled ?? true;
  const replicator: Replicator | undefined = replicationEnabled
    ? createReplicator({
        storage,
        logger,
        nodePrivateKey,
        ...(options.replication?.minBackoffMs === undefined ? {} : { minBackoffMs: options.replication.minBackoffMs }),
        ...(options.replication?.maxBackoffMs === undefined ? {} : { maxBackoffMs: options.replication.maxBackoffMs }),
        ...(options.replication?.batchSize === undefined ? {} : { batchSize: options.replication.batchSize }),
        ...(options.replication?.probeIntervalMs === undefined
          ? {}
          : { probeIntervalMs: options.replication.probeIntervalMs }),
      })
    : undefined;
  const host = options.host ?? "127.0.0.1";
  const mailMaxBytes = options.mailMaxBytes ?? 16 * 1024 * 1024;
  const trustedPeers = new Set((options.trustedPeers ?? []).map((key, i) => keyToBase64(key, `trustedPeers[${i}]`)));
  const settings: { -readonly [K in keyof HandlerSettings]: HandlerSettings[K] } = {
    allowUnauthenticated: options.allowUnauthenticated ?? false,
    maxObjectBytes: options.maxObjectBytes ?? 4 * 1024 ** 3,
    maxHeaderBytes: options.maxHeaderBytes ?? 1024 * 1024,
    inlineThreshold: options.inlineThreshold ?? 64 * 1024,
    mailMaxBytes,
    replicationEnabled,
    adminKeys: new Set((options.adminKeys ?? []).map((key, i) => keyToBase64(key, `adminKeys[${i}]`))),
    trustedPeers,
    version: EOS_SERVER_VERSION,
    uriHost: options.uriHost ?? "",
  };
  const context: HandlerContext = {
    storage,
    authority,
    hub,
    logger,
    settings,
    nodePublicKey: nodePair.publicKey,
    gc: createGcPacer(options.gcEveryBytes ?? 4 * 1024 * 1024),
    wakeReplication: () => replicator?.wake(),
    shutdown: shutdown.signal,
  };

  const authInterceptor: Interceptor = (next) => async (request) => {
    const header = request.header.get("authorization");
    if (header !== null && header !== "") {
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      if (match === null) throw new ConnectError('authorization header must be "Bearer <token>"', Code.Unauthenticated);
      try {
        request.contextValues.set(callerKey, authority.verifyToken(match[1]!));
      } catch (error) {
        throw toConnectError(error);
      }
    }
    return next(request);
  };

  const readMaxBytes = 4 * 1024 * 1024 + 64 * 1024;
  const adapter = connectNodeAdapter({
    routes: eosRoutes(context),
    interceptors: [authInterceptor],
    // Objects are encrypted: compressing them only burns CPU.
    acceptCompression: [],
    readMaxBytes,
    writeMaxBytes: mailMaxBytes + 1024 * 1024,
  });
  const chunkRoute =
    options.chunkRoute === false
      ? undefined
      : createChunkRoute({
          implementation: objectService(context),
          interceptors: [authInterceptor],
          readMaxBytes,
          // connect-es's default: any deadline the caller sets.
          maxTimeoutMs: Number.MAX_SAFE_INTEGER,
          shutdownSignal: shutdown.signal,
          logger,
        });
  const limits: ConnectionLimits = { ...DEFAULT_CONNECTION_LIMITS, ...options.limits };
  const door = openFrontDoor({
    limits,
    authority,
    logger,
    // Large flow-control windows: with the default 64 KiB, a busy event loop on either side stalls big transfers.
    http2Settings: { initialWindowSize: STREAM_WINDOW_BYTES },
    sessionWindowBytes: SESSION_WINDOW_BYTES,
    h2Handler: (req, res) => {
      if (chunkRoute?.(req, res) !== true) adapter(req, res);
    },
    h1Handler: adapter,
    healthy: async () => !shutdown.signal.aborted && (await storage.healthy()),
  });
  const server = door.server;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const hostForUrl = host.includes(":") ? `[${host}]` : host;
  if (settings.uriHost === "") settings.uriHost = `${hostForUrl}:${port}`;
  replicator?.start();
  logger.info("server.started", {
    url: `http://${hostForUrl}:${port}`,
    dataDir: options.dataDir,
    authRequired: !settings.allowUnauthenticated,
    replication: replicationEnabled,
  });

  let closing: Promise<void> | undefined;
  return {
    url: `http://${hostForUrl}:${port}`,
    port,
    nodePublicKey: nodePair.publicKey,
    storage,
    trustPeer(nodePublicKey) {
      const key = keyToBase64(nodePublicKey, "trustPeer(nodePublicKey)");
      if (trustedPeers.has(key)) return;
      trustedPeers.add(key);
      logger.info("peer.trusted", { nodeKey: shortKey(key) });
    },
    close() {
      closing ??= (async () => {
        shutdown.abort();
        // Connections whose streams do not finish in time are torn down.
        await door.close(2000);
        await replicator?.stop();
        await storage.close();
        logger.info("server.stopped", {});
      })();
      return closing;
    },
  };
}
