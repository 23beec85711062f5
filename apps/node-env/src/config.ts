// The node environment's configuration: one zod schema, read from P8E_* environment variables laid
// over an optional JSON file. Every wrong field is reported at once.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { z } from "zod";
import { NodeEnvError } from "./errors.js";

const port = z.coerce.number().int().min(0).max(65535);
const flag = z.union([
  z.boolean(),
  z.enum(["true", "false", "1", "0", "yes", "no"]).transform((v) => v === "true" || v === "1" || v === "yes"),
]);
const url = z.url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" });
const hexKey = z
  .string()
  .regex(/^(?:[0-9a-fA-F]{66}|[0-9a-fA-F]{130})$/, "must be a secp256k1 public key in hex (33 or 65 bytes)");
/** A variable's text read as JSON; anything else is left for the schema to refuse. */
const jsonText = (value: unknown) => {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
};
/**
 * One other party's environment: its object store's URL, whose party cards give the keys; or the URL
 * with the keys pinned (then nothing is looked up).
 */
const peer = z.union([
  url,
  z
    .object({
      eosUrl: url,
      nodeKey: hexKey,
      signingKey: hexKey,
      encryptionKey: hexKey,
    })
    .strict(),
]);
/** A variable's comma-separated items, trimmed, empty ones dropped; anything else is left for the schema. */
const commaList = (value: unknown) =>
  typeof value === "string"
    ? value
        .split(",")
        .map((item) => item.trim())
        .filter((item) => item !== "")
    : value;
/** P8E_PEERS as JSON, or as comma-separated URLs. */
const peerList = (value: unknown) => {
  if (typeof value !== "string") return value;
  const parsed = jsonText(value);
  if (parsed !== value) return parsed;
  return commaList(value);
};

/** The dev-only passphrase the keystore falls back to on the embedded devnet. Never for a real chain. */
export const DEV_PASSPHRASE = "p8e-dev-only-passphrase";

/** The configuration schema; its keys are the file's keys, each also an environment variable (see CONFIG_VARIABLES). */
export const nodeEnvConfigSchema = z
  .object({
    dataDir: z.string().min(1).default(".p8e"),
    host: z.string().min(1).default("127.0.0.1"),
    apiPort: port.default(7070),
    apiCorsOrigins: z
      .preprocess(
        commaList,
        z.array(z.string().regex(/^(?:\*|https?:\/\/[^/\s]+)$/, "must be origins like http://localhost:3000, or *")),
      )
      .default([]),
    eosPort: port.default(7071),
    eosUrl: url.optional(),
    eosPublicUrl: url.optional(),
    devnetPort: port.default(26657),
    devnetBlockIntervalMs: z.coerce.number().int().min(0).default(0),
    chainRpcUrl: url.optional(),
    chainId: z.string().min(1).optional(),
    chainFee: z.enum(["simulate", "calculate-tx-fees"]).default("simulate"),
    network: z.enum(["testnet", "mainnet"]).default("testnet"),
    mnemonic: z
      .string()
      .trim()
      .refine(
        (m) => [12, 15, 18, 21, 24].includes(m.split(/\s+/).length),
        "must be a BIP-39 mnemonic of 12 to 24 words",
      )
      .optional(),
    passphrase: z.string().min(8, "must be at least 8 characters").optional(),
    publishExamples: flag.default(true),
    logLevel: z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).default("info"),
    shutdownTimeoutMs: z.coerce.number().int().positive().default(30_000),
    approvalPolicy: z.enum(["hold", "approve"]).default("hold"),
    peers: z
      .preprocess(peerList, z.array(peer, { error: "must be store URLs, comma-separated, or a JSON array of peers" }))
      .default([]),
    devnetFund: z
      .preprocess(
        commaList,
        z.array(z.string().regex(/^(?:tp|pb)1[02-9ac-hj-np-z]{38,}$/, "must be tp1… or pb1… account addresses")),
      )
      .default([]),
  })
  .strict()
  .superRefine((config, ctx) => {
    if (config.chainRpcUrl !== undefined && config.passphrase === undefined && config.mnemonic === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["passphrase"],
        message: "is required with a real chain (chainRpcUrl): the dev-only default passphrase is for the devnet only",
      });
    }
    if (config.chainRpcUrl === undefined && config.chainId !== undefined) {
      ctx.addIssue({ code: "custom", path: ["chainId"], message: "applies only with chainRpcUrl (a real node)" });
    }
  });

/** Another party's environment, as `P8E_PEERS` lists it. */
export type PeerConfig = z.output<typeof peer>;

/** The validated configuration; `dataDir` is absolute. */
export type NodeEnvConfig = z.output<typeof nodeEnvConfigSchema>;

/** Each configuration key, its environment variable and what it means (the README's table). */
export const CONFIG_VARIABLES: Readonly<Record<keyof NodeEnvConfig, { env: string; help: string }>> = {
  dataDir: { env: "P8E_DATA_DIR", help: "folder for keys, the object store and the devnet ledger (default .p8e)" },
  host: { env: "P8E_HOST", help: "interface every server listens on (default 127.0.0.1)" },
  apiPort: { env: "P8E_API_PORT", help: "application API, health and metrics: HTTP/1.1 and h2c (default 7070)" },
  apiCorsOrigins: {
    env: "P8E_API_CORS_ORIGINS",
    help: "web origins whose pages may call the API from a browser, comma-separated, or * (default none)",
  },
  eosPort: { env: "P8E_EOS_PORT", help: "the embedded object store's port (default 7071; 0 picks one)" },
  eosUrl: { env: "P8E_EOS_URL", help: "a remote object store to use instead of the embedded one" },
  eosPublicUrl: {
    env: "P8E_EOS_PUBLIC_URL",
    help: "the URL other parties' stores reach this party's store at, named in its party card (default: the store's URL)",
  },
  devnetPort: { env: "P8E_DEVNET_PORT", help: "the embedded devnet's CometBFT RPC port (default 26657)" },
  devnetBlockIntervalMs: {
    env: "P8E_DEVNET_BLOCK_INTERVAL_MS",
    help: "devnet block interval; 0 executes each tx in its own block at once (default 0)",
  },
  chainRpcUrl: { env: "P8E_CHAIN_RPC_URL", help: "CometBFT RPC of a real Provenance node; no devnet is started" },
  chainId: { env: "P8E_CHAIN_ID", help: "chain id to sign for (default: what the node reports)" },
  chainFee: {
    env: "P8E_CHAIN_FEE",
    help: "how each transaction's fee is asked of the node: simulate, or calculate-tx-fees (flatfees); there is no gas price to set, Provenance takes 1nhash since v1.26 (default simulate)",
  },
  network: { env: "P8E_NETWORK", help: "testnet (tp, coin type 1) or mainnet (pb, 505) (default testnet)" },
  mnemonic: {
    env: "P8E_MNEMONIC",
    help: "the party's mnemonic; on first start it is kept encrypted in the keystore (default: generated)",
  },
  passphrase: {
    env: "P8E_PASSPHRASE",
    help: `keystore passphrase; required with a real chain (devnet default: "${DEV_PASSPHRASE}", dev only)`,
  },
  publishExamples: {
    env: "P8E_PUBLISH_EXAMPLES",
    help: "bundle and publish hello-world and onboarding on start, only what is missing (default true)",
  },
  logLevel: { env: "P8E_LOG_LEVEL", help: "trace, debug, info, warn, error, fatal or silent (default info)" },
  shutdownTimeoutMs: {
    env: "P8E_SHUTDOWN_TIMEOUT_MS",
    help: "how long in-flight work may finish after SIGINT/SIGTERM (default 30000)",
  },
  approvalPolicy: {
    env: "P8E_APPROVAL_POLICY",
    help: "other parties' requests: hold them for approve/reject through the API, or approve them at once (default hold)",
  },
  peers: {
    env: "P8E_PEERS",
    help: 'other parties\' environments by their object store\'s URL, comma-separated; keys come from the party cards those stores list (or pin them: JSON [{"eosUrl","nodeKey","signingKey","encryptionKey"}], hex)',
  },
  devnetFund: {
    env: "P8E_DEVNET_FUND",
    help: "more accounts the embedded devnet funds at genesis, comma-separated (other parties on this chain)",
  },
};

/** The environment variable naming the optional JSON configuration file. */
export const CONFIG_FILE_VARIABLE = "P8E_CONFIG";

/**
 * Reads the configuration: the JSON file `file` (or P8E_CONFIG) first, then P8E_* variables over it.
 * @throws {NodeEnvError} "invalid-config" listing every wrong field, each with its variable.
 */
export function loadNodeEnvConfig(
  env: Readonly<Record<string, string | undefined>>,
  options: { readonly file?: string; readonly cwd?: string } = {},
): NodeEnvConfig {
  const cwd = options.cwd ?? process.cwd();
  const file = options.file ?? nonEmpty(env[CONFIG_FILE_VARIABLE]);
  const input: Record<string, unknown> = {};
  if (file !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(resolve(cwd, file), "utf8"));
    } catch (cause) {
      throw new NodeEnvError(
        "invalid-config",
        `cannot read the configuration file ${file}: ${(cause as Error).message}; fix it or unset ${CONFIG_FILE_VARIABLE}`,
        { cause },
      );
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      throw new NodeEnvError("invalid-config", `the configuration file ${file} must hold a JSON object`);
    }
    Object.assign(input, parsed);
  }
  for (const [key, { env: name }] of Object.entries(CONFIG_VARIABLES)) {
    const value = nonEmpty(env[name]);
    if (value !== undefined) input[key] = value;
  }
  const result = nodeEnvConfigSchema.safeParse(input);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const key = String(issue.path[0] ?? ("keys" in issue ? issue.keys[0] : "") ?? "");
      const variable = CONFIG_VARIABLES[key as keyof NodeEnvConfig]?.env;
      return `${key}${variable === undefined ? "" : ` (${variable})`}: ${issue.message}`;
    });
    throw new NodeEnvError(
      "invalid-config",
      `invalid configuration:\n  ${problems.join("\n  ")}\n(the node-env README's configuration table lists every setting)`,
    );
  }
  return { ...result.data, dataDir: resolve(cwd, result.data.dataDir) };
}

/** The passphrase the keystore uses: the configured one, or the documented dev-only default on the devnet. */
export function keystorePassphrase(config: NodeEnvConfig): string {
  if (config.passphrase !== undefined) return config.passphrase;
  if (config.chainRpcUrl === undefined) return DEV_PASSPHRASE;
  throw new NodeEnvError("invalid-config", "set P8E_PASSPHRASE: a real chain needs a keystore passphrase of your own");
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value;
}
