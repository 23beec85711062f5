// Test helpers: real servers on 127.0.0.1 ephemeral ports in temp folders, and parties with real keys.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { createEosClient, type EosClient, type EosClientOptions } from "@p8e/eos-client";
import { encryptDimeBytes, generateKeyPair, type KeyPair, sign } from "@p8e/hashing-crypto";
import { EosService } from "@p8e/spec-model/eos";
import { AUTH_SIGNING_PREFIX } from "../auth.js";
import { type EosServer, type EosServerOptions, startEosServer } from "../eos-server.js";
import type { Logger } from "../logger.js";

/** A logger that keeps every line, for assertions on structured logs. */
export function captureLogger(): Logger & {
  lines: Array<{ level: string; event: string; fields: Record<string, unknown> }>;
} {
  const lines: Array<{ level: string; event: string; fields: Record<string, unknown> }> = [];
  const log =
    (level: string) =>
    (event: string, fields: Record<string, unknown> = {}) =>
      lines.push({ level, event, fields });
  return { lines, debug: log("debug"), info: log("info"), warn: log("warn"), error: log("error") };
}

/** A temporary folder removed by the returned cleanup. */
export function tempDir(prefix = "eos-test-"): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** A server in its own temp folder; `restart` reopens the same folder. */
export interface TestServer {
  server: EosServer;
  dataDir: string;
  logger: ReturnType<typeof captureLogger>;
  restart(overrides?: Partial<EosServerOptions>): Promise<EosServer>;
  stop(): Promise<void>;
}

export async function startTestServer(options: Partial<EosServerOptions> = {}): Promise<TestServer> {
  const dir = options.dataDir === undefined ? tempDir() : undefined;
  const dataDir = options.dataDir ?? dir!.path;
  const logger = captureLogger();
  const base = { logger, ...options, dataDir };
  const handle: TestServer = {
    server: await startEosServer(base),
    dataDir,
    logger,
    async restart(overrides = {}) {
      await handle.server.close();
      handle.server = await startEosServer({ ...base, port: handle.server.port, ...overrides });
      return handle.server;
    },
    async stop() {
      await handle.server.close();
      dir?.remove();
    },
  };
  return handle;
}

/** A party: its key pair and clients it opened (closed by `closeAll`). */
export interface Party {
  keys: KeyPair;
  client: EosClient;
  connect(url: string, options?: Partial<EosClientOptions>): EosClient;
  closeAll(): void;
}

export function newParty(url: string, options: Partial<EosClientOptions> = {}): Party {
  const keys = generateKeyPair();
  const clients: EosClient[] = [];
  const connect = (target: string, extra: Partial<EosClientOptions> = {}) => {
    const client = createEosClient({ baseUrl: target, keys: { encryption: keys }, ...options, ...extra });
    clients.push(client);
    return client;
  };
  return {
    keys,
    client: connect(url),
    connect,
    closeAll: () => {
      for (const client of clients) client.close();
    },
  };
}

/** Deterministic pseudo-random bytes (xorshift), so large payloads need no stored fixtures. */
export function pseudoRandomBytes(length: number, seed = 1): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/**
 * A complete Put for `data` owned by `owner`: the DIME bytes and the HASH / SIGNATURE /
 * SIGNATURE_PUBLIC_KEY properties. `claimedOwner` names another key as the DIME owner (a forgery:
 * `owner` still signs it).
 */
export async function buildPut(
  owner: KeyPair,
  data: Uint8Array,
  options: { audience?: readonly Uint8Array[]; metadata?: Record<string, string>; claimedOwner?: Uint8Array } = {},
): Promise<{ dime: Uint8Array; properties: Array<[string, Uint8Array]>; hash: Uint8Array; contentLength: number }> {
  const encrypted = await encryptDimeBytes(data, {
    owner: options.claimedOwner ?? owner.publicKey,
    audience: options.audience ?? [],
    metadata: options.metadata ?? {},
    signer: owner,
  });
  return {
    dime: encrypted.bytes,
    hash: encrypted.hash,
    contentLength: data.length,
    properties: [
      ["HASH", encrypted.hash],
      ["SIGNATURE", encrypted.signature!],
      ["SIGNATURE_PUBLIC_KEY", new TextEncoder().encode(encrypted.signerPem!)],
    ],
  };
}

/** A bearer token for `keys`, obtained with the raw EosService calls (challenge, sign, authenticate). */
export async function tokenFor(url: string, keys: KeyPair): Promise<string> {
  const eos = createClient(EosService, createGrpcTransport({ baseUrl: url }));
  const { challenge } = await eos.createChallenge({});
  const message = new Uint8Array([...new TextEncoder().encode(AUTH_SIGNING_PREFIX), ...challenge]);
  return (
    await eos.authenticate({ challenge, proofs: [{ publicKey: keys.publicKey, signature: sign(message, keys) }] })
  ).token;
}
