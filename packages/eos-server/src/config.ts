import { parseArgs } from "node:util";
import { z } from "zod";
import type { EosServerOptions } from "./eos-server.js";
import { EosServerError } from "./errors.js";
import { DEFAULT_CONNECTION_LIMITS } from "./front-door.js";
import { createJsonLogger } from "./logger.js";

const hexKey = (bytes: number[]) =>
  z
    .string()
    .trim()
    .regex(/^(0x)?[0-9a-fA-F]+$/, "must be hex")
    .transform((text) => new Uint8Array(Buffer.from(text.replace(/^0x/, ""), "hex")))
    .refine((key) => bytes.includes(key.length), `must be ${bytes.join(" or ")} bytes of hex`);

const keyList = z
  .string()
  .default("")
  .transform((text) =>
    text
      .split(",")
      .map((s) => s.trim())
      .filter((s) => s !== ""),
  )
  .pipe(z.array(hexKey([33, 65])));

const bool = z
  .enum(["true", "false", "1", "0", "yes", "no"])
  .transform((value) => value === "true" || value === "1" || value === "yes");

const size = z.coerce.number().int().positive();

const dataDirRequired =
  "is required: pass --data-dir <folder> or set EOS_DATA_DIR to the folder the store keeps its data in (created if missing)";

/** The server configuration as environment variables (EOS_*), each also settable as a --kebab-case flag. */
export const eosServerConfigSchema = z.object({
  EOS_DATA_DIR: z.string({ error: dataDirRequired }).min(1, dataDirRequired),
  EOS_HOST: z.string().min(1).default("127.0.0.1"),
  EOS_PORT: z.coerce.number().int().min(0).max(65535).default(5000),
  EOS_URI_HOST: z.string().optional(),
  EOS_ALLOW_UNAUTHENTICATED: bool.default(false),
  EOS_ADMIN_KEYS: keyList,
  EOS_TRUSTED_PEERS: keyList,
  EOS_NODE_PRIVATE_KEY: hexKey([32]).optional(),
  EOS_MAX_OBJECT_BYTES: size.default(4 * 1024 ** 3),
  EOS_MAX_HEADER_BYTES: size.default(1024 * 1024),
  EOS_INLINE_THRESHOLD: z.coerce
    .number()
    .int()
    .min(0)
    .default(64 * 1024),
  EOS_MAIL_MAX_BYTES: size.default(16 * 1024 * 1024),
  EOS_TOKEN_TTL_SECONDS: size.default(15 * 60),
  EOS_REPLICATION_ENABLED: bool.default(true),
  EOS_REPLICATION_MIN_BACKOFF_MS: size.default(1000),
  EOS_REPLICATION_MAX_BACKOFF_MS: size.default(5 * 60_000),
  EOS_REPLICATION_PROBE_MS: size.default(2000),
  EOS_FIRST_REQUEST_TIMEOUT_MS: size.default(DEFAULT_CONNECTION_LIMITS.firstRequestTimeoutMs),
  EOS_STREAM_IDLE_TIMEOUT_MS: size.default(DEFAULT_CONNECTION_LIMITS.streamIdleTimeoutMs),
  EOS_CONNECTION_IDLE_TIMEOUT_MS: size.default(DEFAULT_CONNECTION_LIMITS.connectionIdleTimeoutMs),
  EOS_MAX_STREAMS_PER_CONNECTION: size.default(DEFAULT_CONNECTION_LIMITS.maxStreamsPerConnection),
  EOS_MAX_CONNECTIONS: size.default(DEFAULT_CONNECTION_LIMITS.maxConnections),
  EOS_MAX_CONNECTIONS_PER_KEY: size.default(DEFAULT_CONNECTION_LIMITS.maxConnectionsPerKey),
  EOS_GC_EVERY_BYTES: z.coerce
    .number()
    .int()
    .min(0)
    .default(4 * 1024 * 1024),
  EOS_LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
});

/** What each variable means, for `--help` (every variable has an entry). */
export const EOS_SERVER_CONFIG_HELP: Readonly<Record<keyof z.output<typeof eosServerConfigSchema>, string>> = {
  EOS_DATA_DIR: "folder of the embedded storage (SQLite file, blobs/, tmp/); created if missing. Required",
  EOS_HOST: "interface to listen on (default 127.0.0.1; 0.0.0.0 for all)",
  EOS_PORT: "port (default 5000; 0 picks a free one)",
  EOS_URI_HOST: "host written into the object:// URIs Puts answer with (default host:port)",
  EOS_ALLOW_UNAUTHENTICATED: "true: serve upstream calls without a bearer token, as upstream stores do (default false)",
  EOS_ADMIN_KEYS: "comma-separated hex public keys with operator rights (default none)",
  EOS_TRUSTED_PEERS:
    "comma-separated hex node keys of stores whose replicas are accepted (default none: replicas are refused)",
  EOS_NODE_PRIVATE_KEY: "hex secp256k1 private key of this store (default generated once, kept in the storage)",
  EOS_MAX_OBJECT_BYTES: "largest object a Put may carry, in DIME bytes (default 4 GiB)",
  EOS_MAX_HEADER_BYTES: "largest DIME header (default 1 MiB)",
  EOS_INLINE_THRESHOLD: "payloads up to this many bytes live in SQLite, larger ones in blob files (default 64 KiB)",
  EOS_MAIL_MAX_BYTES: "largest mail item; larger mail is set aside as dead (default 16 MiB)",
  EOS_TOKEN_TTL_SECONDS: "bearer token lifetime (default 900)",
  EOS_REPLICATION_ENABLED: "false: push nothing to other stores (default true)",
  EOS_REPLICATION_MIN_BACKOFF_MS: "first retry delay of a failed push (default 1000)",
  EOS_REPLICATION_MAX_BACKOFF_MS: "longest retry delay of a failed push (default 300000)",
  EOS_REPLICATION_PROBE_MS: "how often a store that is down is probed, so pushes resume when it returns (default 2000)",
  EOS_FIRST_REQUEST_TIMEOUT_MS: "a connection must send its first request within this (default 10000)",
  EOS_STREAM_IDLE_TIMEOUT_MS: "a call that moves no byte for this long is reset; subscriptions exempt (default 60000)",
  EOS_CONNECTION_IDLE_TIMEOUT_MS: "a connection with no call open for this long is closed (default 300000)",
  EOS_MAX_STREAMS_PER_CONNECTION: "calls one HTTP/2 connection may have open at once (default 100)",
  EOS_MAX_CONNECTIONS: "connections open at once; more are refused with RESOURCE_EXHAUSTED (default 1000)",
  EOS_MAX_CONNECTIONS_PER_KEY:
    "connections one authenticated key may call on at once; more are refused with RESOURCE_EXHAUSTED (default 16)",
  EOS_GC_EVERY_BYTES: "young-generation collection after this many streamed bytes; 0 leaves it to V8 (default 4 MiB)",
  EOS_LOG_LEVEL: "debug, info, warn or error (default info)",
};

/** The usage text `p8e-eos-server --help` prints. */
export function eosServerUsage(): string {
  const names = Object.keys(EOS_SERVER_CONFIG_HELP) as Array<keyof typeof EOS_SERVER_CONFIG_HELP>;
  const rows = names.map((name) => {
    const left = `  --${flagOf(name)} <value>`;
    return `${left.padEnd(42)} ${name}\n${" ".repeat(45)}${EOS_SERVER_CONFIG_HELP[name]}`;
  });
  return [
    "Usage: p8e-eos-server [--flag value ...]",
    "",
    "Runs a P8e encrypted object store: gRPC, gRPC-web and Connect over HTTP/2 on one port, plus",
    "GET /health over HTTP/1.1. Every option is a --flag or the EOS_* environment variable next to it;",
    "a flag wins over the variable.",
    "",
    "Options:",
    ...rows,
    "  --help                                     print this and exit",
    "",
    "Example: p8e-eos-server --data-dir ./eos-data --port 5000",
    "",
  ].join("\n");
}

function flagOf(name: string): string {
  return name.replace(/^EOS_/, "").toLowerCase().replaceAll("_", "-");
}

/** The validated server configuration. */
export type EosServerConfig = z.output<typeof eosServerConfigSchema>;

/**
 * Reads the configuration from `env` and command-line `args` (`--data-dir x` overrides `EOS_DATA_DIR`)
 * and validates it; throws an "invalid-config" EosServerError listing every problem.
 */
export function loadEosServerConfig(
  env: Readonly<Record<string, string | undefined>>,
  args: readonly string[] = [],
): EosServerConfig {
  const names = Object.keys(eosServerConfigSchema.shape) as Array<keyof EosServerConfig>;
  const flag = flagOf;
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      // `pnpm start -- --flag` passes the separator on.
      args: args[0] === "--" ? args.slice(1) : [...args],
      options: Object.fromEntries(names.map((name) => [flag(name), { type: "string" as const }])),
      strict: true,
      allowPositionals: false,
    });
  } catch (cause) {
    throw new EosServerError("invalid-config", `bad command line: ${(cause as Error).message}`, { cause });
  }
  const input: Record<string, string> = {};
  for (const name of names) {
    const value = (parsed.values[flag(name)] as string | undefined) ?? env[name];
    if (value !== undefined && value !== "") input[name] = value;
  }
  const result = eosServerConfigSchema.safeParse(input);
  if (!result.success) {
    const problems = result.error.issues.map(
      (issue) => `${issue.path.join(".")} (--${flag(String(issue.path[0]))}): ${issue.message}`,
    );
    throw new EosServerError(
      "invalid-config",
      `invalid configuration:\n  ${problems.join("\n  ")}\n(p8e-eos-server --help lists every option)`,
    );
  }
  return result.data;
}

/** The {@link EosServerOptions} a configuration stands for. */
export function serverOptionsFromConfig(config: EosServerConfig): EosServerOptions {
  return {
    dataDir: config.EOS_DATA_DIR,
    host: config.EOS_HOST,
    port: config.EOS_PORT,
    ...(config.EOS_URI_HOST === undefined ? {} : { uriHost: config.EOS_URI_HOST }),
    allowUnauthenticated: config.EOS_ALLOW_UNAUTHENTICATED,
    adminKeys: config.EOS_ADMIN_KEYS,
    trustedPeers: config.EOS_TRUSTED_PEERS,
    ...(config.EOS_NODE_PRIVATE_KEY === undefined ? {} : { nodePrivateKey: config.EOS_NODE_PRIVATE_KEY }),
    maxObjectBytes: config.EOS_MAX_OBJECT_BYTES,
    maxHeaderBytes: config.EOS_MAX_HEADER_BYTES,
    inlineThreshold: config.EOS_INLINE_THRESHOLD,
    mailMaxBytes: config.EOS_MAIL_MAX_BYTES,
    tokenTtlMs: config.EOS_TOKEN_TTL_SECONDS * 1000,
    gcEveryBytes: config.EOS_GC_EVERY_BYTES,
    replication: {
      enabled: config.EOS_REPLICATION_ENABLED,
      minBackoffMs: config.EOS_REPLICATION_MIN_BACKOFF_MS,
      maxBackoffMs: config.EOS_REPLICATION_MAX_BACKOFF_MS,
      probeIntervalMs: config.EOS_REPLICATION_PROBE_MS,
    },
    limits: {
      firstRequestTimeoutMs: config.EOS_FIRST_REQUEST_TIMEOUT_MS,
      streamIdleTimeoutMs: config.EOS_STREAM_IDLE_TIMEOUT_MS,
      connectionIdleTimeoutMs: config.EOS_CONNECTION_IDLE_TIMEOUT_MS,
      maxStreamsPerConnection: config.EOS_MAX_STREAMS_PER_CONNECTION,
      maxConnections: config.EOS_MAX_CONNECTIONS,
      maxConnectionsPerKey: config.EOS_MAX_CONNECTIONS_PER_KEY,
    },
    logger: createJsonLogger({ level: config.EOS_LOG_LEVEL, base: { service: "p8e-eos" } }),
  };
}
