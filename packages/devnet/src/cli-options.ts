import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import type { DevnetOptions } from "./devnet.js";
import { DevnetError } from "./errors.js";
import type { GenesisAccount, GenesisConfig } from "./genesis.js";

/** The usage text of the `p8e-devnet` command. */
export const USAGE = `Usage: p8e-devnet [options]

Runs an embedded Provenance-compatible ledger and serves the CometBFT RPC (JSON-RPC over HTTP).

Options (each also read from the environment variable shown):
  --data-dir DIR            where the ledger lives; survives restarts     P8E_DEVNET_DATA_DIR   (.p8e-devnet)
  --memory                  keep the ledger in memory only                P8E_DEVNET_MEMORY=1
  --chain-id ID             chain id                                     P8E_DEVNET_CHAIN_ID   (testing)
  --prefix HRP              bech32 account prefix, tp or pb              P8E_DEVNET_PREFIX     (tp)
  --host HOST               interface to listen on                       P8E_DEVNET_HOST       (127.0.0.1)
  --port PORT               TCP port                                     P8E_DEVNET_PORT       (26657)
  --block-interval-ms MS    time between blocks                          P8E_DEVNET_BLOCK_INTERVAL_MS (1000)
  --instant                 one block per broadcast, committed at once   P8E_DEVNET_INSTANT=1
  --genesis FILE            JSON {"accounts":[{"mnemonic"|"address", "nhash"}]} P8E_DEVNET_GENESIS
                            (first start only; default: the dev accounts alice, bob, carol)
  --default-fee NHASH       flat fee of Msg types the table does not list P8E_DEVNET_DEFAULT_FEE
  --fee TYPE_URL=NHASH      flat fee of one Msg type (repeatable)
  -h, --help                show this text
`;

function flag(value: boolean | undefined, envValue: string | undefined): boolean {
  if (value === true) return true;
  return envValue === "1" || envValue === "true";
}

function integer(text: string | undefined, name: string, min: number, max: number): number | undefined {
  if (text === undefined || text === "") return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new DevnetError(
      "invalid-config",
      `${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(text)}`,
    );
  }
  return n;
}

/** Reads a genesis JSON file: `{ "time"?: ISO date, "accounts": [{ "mnemonic" | "address", "hdPath"?, "nhash" }] }`. */
export function readGenesisFile(path: string): GenesisConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (cause) {
    throw new DevnetError("invalid-genesis", `cannot read genesis file ${path}: ${(cause as Error).message}`, {
      cause,
    });
  }
  const doc = raw as { time?: unknown; accounts?: unknown };
  if (typeof doc !== "object" || doc === null || !Array.isArray(doc.accounts)) {
    throw new DevnetError("invalid-genesis", `genesis file ${path} must hold an object with an "accounts" array`);
  }
  const accounts = doc.accounts.map((entry: unknown, i): GenesisAccount => {
    const a = entry as { mnemonic?: unknown; address?: unknown; hdPath?: unknown; nhash?: unknown };
    const nhash = a.nhash;
    if (typeof nhash !== "string" && typeof nhash !== "number") {
      throw new DevnetError("invalid-genesis", `genesis account ${i}: "nhash" must be a number or a decimal string`);
    }
    if (typeof a.mnemonic === "string") {
      return typeof a.hdPath === "string"
        ? { mnemonic: a.mnemonic, hdPath: a.hdPath, nhash }
        : { mnemonic: a.mnemonic, nhash };
    }
    if (typeof a.address === "string") return { address: a.address, nhash };
    throw new DevnetError("invalid-genesis", `genesis account ${i}: give a "mnemonic" or an "address"`);
  });
  if (doc.time !== undefined) {
    const time = new Date(String(doc.time));
    if (Number.isNaN(time.getTime()))
      throw new DevnetError("invalid-genesis", `genesis time ${String(doc.time)} is not a date`);
    return { time, accounts };
  }
  return { accounts };
}

/** Turns command-line arguments and environment variables into DevnetOptions. */
export function devnetOptionsFromArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): { options: DevnetOptions; help: boolean } {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof spec; allowPositionals: false; args: string[] }>>;
  const spec = {
    "data-dir": { type: "string" },
    memory: { type: "boolean" },
    "chain-id": { type: "string" },
    prefix: { type: "string" },
    host: { type: "string" },
    port: { type: "string" },
    "block-interval-ms": { type: "string" },
    instant: { type: "boolean" },
    genesis: { type: "string" },
    "default-fee": { type: "string" },
    fee: { type: "string", multiple: true },
    help: { type: "boolean", short: "h" },
  } as const;
  try {
    // `pnpm start -- --flag` passes the "--" along; it separates nothing here.
    const args = argv[0] === "--" ? argv.slice(1) : [...argv];
    parsed = parseArgs({ args, options: spec, allowPositionals: false });
  } catch (cause) {
    throw new DevnetError("invalid-config", `${(cause as Error).message}\n\n${USAGE}`, { cause });
  }
  const v = parsed.values;
  if (v.help === true) return { options: {}, help: true };
  const memory = flag(v.memory, env.P8E_DEVNET_MEMORY);
  const dataDir = v["data-dir"] ?? env.P8E_DEVNET_DATA_DIR ?? ".p8e-devnet";
  if (memory && v["data-dir"] !== undefined)
    throw new DevnetError("invalid-config", "give either --memory or --data-dir, not both");
  const port = integer(v.port ?? env.P8E_DEVNET_PORT, "--port", 0, 65535) ?? 26657;
  const interval = integer(
    v["block-interval-ms"] ?? env.P8E_DEVNET_BLOCK_INTERVAL_MS,
    "--block-interval-ms",
    10,
    3_600_000,
  );
  const msgCosts: Record<string, string> = {};
  for (const entry of v.fee ?? []) {
    const match = /^(\/[\w.]+)=(\d+)$/.exec(entry);
    if (match === null)
      throw new DevnetError("invalid-config", `--fee must look like /type.Url=NHASH, got ${JSON.stringify(entry)}`);
    msgCosts[match[1]!] = match[2]!;
  }
  const defaultFee = v["default-fee"] ?? env.P8E_DEVNET_DEFAULT_FEE;
  const genesisPath = v.genesis ?? env.P8E_DEVNET_GENESIS;
  const options: DevnetOptions = {
    ...(memory ? {} : { dataDir }),
    chainId: v["chain-id"] ?? env.P8E_DEVNET_CHAIN_ID ?? "testing",
    bech32Prefix: v.prefix ?? env.P8E_DEVNET_PREFIX ?? "tp",
    host: v.host ?? env.P8E_DEVNET_HOST ?? "127.0.0.1",
    port,
    instant: flag(v.instant, env.P8E_DEVNET_INSTANT),
    ...(interval === undefined ? {} : { blockIntervalMs: interval }),
    ...(genesisPath === undefined ? {} : { genesis: readGenesisFile(genesisPath) }),
    fees: { ...(defaultFee === undefined ? {} : { defaultCost: defaultFee }), msgCosts },
  };
  return { options, help: false };
}
