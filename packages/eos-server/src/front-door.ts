import http from "node:http";
import http2 from "node:http2";
import net, { type Socket } from "node:net";
import { Code } from "@connectrpc/connect";
import type { Authority } from "./auth.js";
import type { Logger } from "./logger.js";
import { shortKey } from "./public-keys.js";

/** Connection and stream limits of a store; every one is an option and an EOS_* variable. */
export interface ConnectionLimits {
  /** A connection must open its first stream (HTTP/2) or send its first request (HTTP/1.1) within this. */
  readonly firstRequestTimeoutMs: number;
  /** A stream that moves no byte either way for this long is reset (long-lived subscriptions are exempt once their request is in). */
  readonly streamIdleTimeoutMs: number;
  /** A connection with no open stream for this long is closed. */
  readonly connectionIdleTimeoutMs: number;
  /** HTTP/2 SETTINGS_MAX_CONCURRENT_STREAMS: streams one connection may have open at once. */
  readonly maxStreamsPerConnection: number;
  /** Connections open at once; more are answered RESOURCE_EXHAUSTED and closed. */
  readonly maxConnections: number;
  /** Connections on which one authenticated key calls at once; more get RESOURCE_EXHAUSTED. */
  readonly maxConnectionsPerKey: number;
}

/** The defaults of {@link ConnectionLimits}. */
export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = {
  firstRequestTimeoutMs: 10_000,
  streamIdleTimeoutMs: 60_000,
  connectionIdleTimeoutMs: 5 * 60_000,
  maxStreamsPerConnection: 100,
  maxConnections: 1000,
  maxConnectionsPerKey: 16,
};

/** Paths of calls that stay open, idle, for as long as the caller wants: exempt from the stream idle timeout. */
const LONG_LIVED_PATHS = new Set(["/p8e.eos.v1.EosService/SubscribeMail", "/grpc.health.v1.Health/Watch"]);

/** The HTTP/1.1 paths that answer the store's health. */
const HEALTH_PATHS = new Set(["/health", "/healthz"]);

export type NodeHandler = (
  req: http2.Http2ServerRequest | http.IncomingMessage,
  res: http2.Http2ServerResponse | http.ServerResponse,
) => void;

/** Options of {@link openFrontDoor}. */
export interface FrontDoorOptions {
  readonly limits: ConnectionLimits;
  readonly authority: Authority;
  readonly logger: Logger;
  /** HTTP/2 settings besides the stream limit. */
  readonly http2Settings: http2.Settings;
  /** Connection-level receive window of every HTTP/2 session. */
  readonly sessionWindowBytes: number;
  /** Serves an HTTP/2 request (gRPC, gRPC-web, Connect). */
  readonly h2Handler: (req: http2.Http2ServerRequest, res: http2.Http2ServerResponse) => void;
  /** Serves an HTTP/1.1 request that is not a health check (Connect and gRPC-web work over HTTP/1.1). */
  readonly h1Handler: NodeHandler;
  /** Whether the store is healthy, for `GET /health` over HTTP/1.1. */
  readonly healthy: () => Promise<boolean>;
}

/** The listening socket and everything open behind it. */
export interface FrontDoor {
  readonly server: net.Server;
  /** Connections open now. */
  readonly connections: number;
  /** Stops accepting, asks every connection to finish, and tears down what is left after `graceMs`. */
  close(graceMs: number): Promise<void>;
}

interface SessionState {
  streams: number;
  idleTimer: NodeJS.Timeout | undefined;
  keys: Set<string>;
  /** Why every call on this connection is refused (it is over the connection limit). */
  refusal: string | undefined;
}

/**
 * One port for HTTP/2 (h2c: gRPC, gRPC-web, Connect) and HTTP/1.1 (health checks, Connect and
 * gRPC-web): the first bytes of a connection tell which. It bounds what a caller can hold open: a
 * connection that sends nothing, a stream that stalls, a connection left without streams, too many
 * streams on one connection, too many connections, too many connections for one key.
 */
export function openFrontDoor(options: FrontDoorOptions): FrontDoor {
  const { limits, logger } = options;
  const sockets = new Set<Socket>();
  const states = new Map<http2.ServerHttp2Session, SessionState>();
  const keyConnections = new Map<string, Set<http2.ServerHttp2Session>>();

  const h2 = http2.createServer(
    { settings: { ...options.http2Settings, maxConcurrentStreams: limits.maxStreamsPerConnection } },
    (req, res) => {
      const session = req.stream.session as http2.ServerHttp2Session | undefined;
      const state = session === undefined ? undefined : states.get(session);
      if (state?.refusal !== undefined) {
        refuse(req, res, Code.ResourceExhausted, state.refusal);
        session?.close();
        return;
      }
      if (session !== undefined && state !== undefined) {
        const over = claimKeys(session, state, req.headers.authorization);
        if (over !== undefined) {
          refuse(req, res, Code.ResourceExhausted, over);
          return;
        }
      }
      options.h2Handler(req, res);
    },
  );
  h2.on("session", (session: http2.ServerHttp2Session) => {
    const socket = session.socket as Socket;
    const state: SessionState = {
      streams: 0,
      idleTimer: undefined,
      keys: new Set(),
      refusal:
        sockets.size > limits.maxConnections
          ? `this store has ${sockets.size - 1} connections open, its maximum (maxConnections); try again later`
          : undefined,
    };
    states.set(session, state);
    session.setLocalWindowSize(options.sessionWindowBytes);
    // No stream yet: the first must come within the first-request timeout, then idle rules apply.
    armIdle(session, state, limits.firstRequestTimeoutMs, "connection.first_request_timeout");
    session.on("stream", (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders) => {
      state.streams++;
      clearTimeout(state.idleTimer);
      state.idleTimer = undefined;
      stream.setTimeout(limits.streamIdleTimeoutMs, () => {
        logger.info("stream.idle_timeout", { path: headers[":path"], ms: limits.streamIdleTimeoutMs });
        stream.close(http2.constants.NGHTTP2_CANCEL);
      });
      if (LONG_LIVED_PATHS.has(String(headers[":path"]))) {
        // Once the request is in, a subscription may stay quiet for as long as its caller wants.
        stream.once("end", () => stream.setTimeout(0));
      }
      stream.once("close", () => {
        state.streams--;
        if (state.streams === 0 && !session.closed && !session.destroyed)
          armIdle(session, state, limits.connectionIdleTimeoutMs, "connection.idle_timeout");
      });
    });
    session.once("close", () => {
      clearTimeout(state.idleTimer);
      states.delete(session);
      for (const key of state.keys) {
        const set = keyConnections.get(key);
        set?.delete(session);
        if (set?.size === 0) keyConnections.delete(key);
      }
    });
    session.on("error", (error) => logger.debug("connection.error", { error: String(error) }));
    socket.once("close", () => session.destroy());
  });

  function armIdle(session: http2.ServerHttp2Session, state: SessionState, ms: number, event: string): void {
    clearTimeout(state.idleTimer);
    state.idleTimer = setTimeout(() => {
      if (state.streams > 0) return;
      logger.info(event, { ms });
      session.close();
      // A peer that ignores GOAWAY is cut off.
      setTimeout(() => session.destroy(), 1000).unref();
    }, ms);
    state.idleTimer.unref();
  }

  /** Binds the keys of the request's token to its connection; a message when a key has too many connections. */
  function claimKeys(
    session: http2.ServerHttp2Session,
    state: SessionState,
    authorization: string | undefined,
  ): string | undefined {
    const match = authorization === undefined ? null : /^Bearer\s+(\S+)$/i.exec(authorization);
    if (match === null) return undefined;
    let keys: ReadonlySet<string>;
    try {
      keys = options.authority.verifyToken(match[1]!).keys;
    } catch {
      // The auth interceptor answers a bad token.
      return undefined;
    }
    for (const key of keys) {
      if (state.keys.has(key)) continue;
      const open = keyConnections.get(key)?.size ?? 0;
      if (open >= limits.maxConnectionsPerKey) {
        return `key ${shortKey(key)} already calls on ${open} connections, this store's maximum (maxConnectionsPerKey); send its calls over fewer connections (HTTP/2 carries many calls on one)`;
      }
    }
    for (const key of keys) {
      if (state.keys.has(key)) continue;
      state.keys.add(key);
      let set = keyConnections.get(key);
      if (set === undefined) {
        set = new Set();
        keyConnections.set(key, set);
      }
      set.add(session);
    }
    return undefined;
  }

  const h1 = http.createServer((req, res) => {
    const path = (req.url ?? "/").split("?", 1)[0]!;
    if (req.method === "GET" && HEALTH_PATHS.has(path)) {
      options.healthy().then(
        (ok) => {
          res.writeHead(ok ? 200 : 503, { "content-type": "application/json" });
          res.end(`${JSON.stringify({ status: ok ? "SERVING" : "NOT_SERVING" })}\n`);
        },
        () => {
          res.writeHead(503, { "content-type": "application/json" });
          res.end(`${JSON.stringify({ status: "NOT_SERVING" })}\n`);
        },
      );
      return;
    }
    options.h1Handler(req, res);
  });
  h1.headersTimeout = limits.firstRequestTimeoutMs;
  h1.requestTimeout = Math.max(limits.streamIdleTimeoutMs, limits.firstRequestTimeoutMs);
  h1.keepAliveTimeout = Math.min(limits.connectionIdleTimeoutMs, 5000);

  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    // Small calls must not wait for Nagle's algorithm and delayed ACKs.
    socket.setNoDelay(true);
    socket.on("error", () => socket.destroy());
    const silent = setTimeout(() => {
      logger.info("connection.first_byte_timeout", { ms: limits.firstRequestTimeoutMs });
      socket.destroy();
    }, limits.firstRequestTimeoutMs);
    silent.unref();
    socket.once("close", () => clearTimeout(silent));
    socket.once("data", (first: Buffer) => {
      clearTimeout(silent);
      socket.pause();
      socket.unshift(first);
      // HTTP/2 with prior knowledge opens with "PRI * HTTP/2.0"; anything else is HTTP/1.x. The HTTP/2
      // session takes what is buffered and reads the socket itself; the HTTP/1.1 parser needs it flowing.
      if (first.subarray(0, 4).toString("latin1") === "PRI ") {
        h2.emit("connection", socket);
      } else {
        h1.emit("connection", socket);
        socket.resume();
      }
    });
  });
  // A connection over the limit is still read, so that its first call can be told why it is refused.
  server.maxConnections = limits.maxConnections + 64;

  return {
    server,
    get connections() {
      return sockets.size;
    },
    close(graceMs) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const session of states.keys()) session.close();
      h1.closeIdleConnections();
      const force = setTimeout(() => {
        for (const session of states.keys()) session.destroy();
        for (const socket of sockets) socket.destroy();
      }, graceMs);
      return closed.finally(() => clearTimeout(force));
    },
  };
}

/** Answers a call with an error status without running it, in the caller's protocol. */
function refuse(req: http2.Http2ServerRequest, res: http2.Http2ServerResponse, code: Code, message: string): void {
  const contentType = String(req.headers["content-type"] ?? "");
  if (contentType.startsWith("application/grpc")) {
    // gRPC and gRPC-web: a trailers-only response.
    res.writeHead(200, {
      "content-type": contentType.startsWith("application/grpc-web") ? contentType : "application/grpc",
      "grpc-status": String(code),
      "grpc-message": encodeURIComponent(message),
    });
    res.end();
    return;
  }
  // Connect: the error as JSON; 429 is what Connect maps resource_exhausted to.
  res.writeHead(429, { "content-type": "application/json" });
  res.end(JSON.stringify({ code: "resource_exhausted", message }));
}
