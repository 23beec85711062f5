import { parseArgs } from "node:util";
import { z } from "zod";
import type { EosServerOptions } from "./eos-server.js";
import { EosServerError } from "./errors.js";
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

/** The server configuration as environment variables (EOS_*), each also settable as a --kebab-case flag. */
export const eosServerConfigSchema = z.object({
  EOS_DATA_DIR: z.string().min(1, "is required: the folder of the embedded storage"),
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
  EOS_GC_EVERY_BYTES: z.coerce
    .number()
    .int()
    .min(0)
    .default(4 * 1024 * 1024),
  EOS_LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
});

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
  const flag = (name: string) => name.replace(/^EOS_/, "").toLowerCase().replaceAll("_", "-");
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...args],
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
    throw new EosServerError("invalid-config", `invalid configuration:\n  ${problems.join("\n  ")}`);
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
    },
    logger: createJsonLogger({ level: config.EOS_LOG_LEVEL, base: { service: "p8e-eos" } }),
  };
}
