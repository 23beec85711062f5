// How a command reaches the environment: its API URL, and the key that proves it is the party.
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import type { KeyPair } from "@p8e/hashing-crypto";
import {
  createKeystore,
  createNodeClient,
  DEV_PASSPHRASE,
  NODE_KEY_NAME,
  type PartyKeyPairs,
  readRuntimeInfo,
} from "@p8e/node-env";
import { CliError } from "./errors.js";

/** The global options every command sees. */
export interface GlobalOptions {
  /** --api or P8E_API_URL; without either, the environment running on the data folder, or 127.0.0.1:7070. */
  readonly api?: string;
  readonly json?: boolean;
  readonly dataDir?: string;
  readonly key?: string;
  readonly keystore?: string;
}

/** The keystore folder: --keystore, P8E_KEYSTORE, or ~/.p8e/keys. */
export function keystoreDir(options: GlobalOptions): string {
  return resolve(options.keystore ?? process.env.P8E_KEYSTORE ?? join(homedir(), ".p8e", "keys"));
}

/** The passphrase: P8E_PASSPHRASE, or the documented dev-only one for a devnet environment's node key. */
export function passphrase(devDefault: boolean): string {
  const given = process.env.P8E_PASSPHRASE;
  if (given !== undefined && given !== "") return given;
  if (devDefault) return DEV_PASSPHRASE;
  throw new CliError("usage", "set P8E_PASSPHRASE to the keystore's passphrase");
}

/** The environment's data folder: --data-dir, P8E_DATA_DIR, or the nearest .p8e/ above the working folder. */
function dataDir(options: GlobalOptions): string | undefined {
  if (options.dataDir !== undefined) return resolve(options.dataDir);
  if (process.env.P8E_DATA_DIR) return resolve(process.env.P8E_DATA_DIR);
  for (let dir = resolve(process.env.INIT_CWD ?? process.cwd()); ; dir = dirname(dir)) {
    if (existsSync(join(dir, ".p8e", "keys", `${NODE_KEY_NAME}.json`))) return join(dir, ".p8e");
    if (dirname(dir) === dir) return undefined;
  }
}

/** The key the API client proves: --key NAME from the keystore, or the environment's own node key. */
export function partyKey(options: GlobalOptions): KeyPair {
  return partyKeys(options).signing;
}

/** The party's signing and encryption keys: --key NAME from the keystore, or the environment's node key. */
export function partyKeys(options: GlobalOptions): PartyKeyPairs {
  if (options.key !== undefined) {
    return createKeystore(keystoreDir(options)).open(options.key, passphrase(false));
  }
  const dir = dataDir(options);
  if (dir === undefined) {
    throw new CliError(
      "usage",
      "no party key: give --data-dir (the environment's data folder, or set P8E_DATA_DIR) or --key NAME from `p8e keys list`",
    );
  }
  if (!existsSync(join(dir, "keys", `${NODE_KEY_NAME}.json`))) {
    throw new CliError(
      "failed",
      `no environment data in ${dir} (no keys/${NODE_KEY_NAME}.json): start the environment there (\`npm start\`, or P8E_DATA_DIR=${dir}), or give the --data-dir it uses`,
    );
  }
  return createKeystore(join(dir, "keys")).open(NODE_KEY_NAME, passphrase(true));
}

/** The default API URL: `npm start`'s and `p8e env up`'s without flags. */
export const DEFAULT_API_URL = "http://127.0.0.1:7070";

/**
 * The environment's API: --api (or P8E_API_URL), else the one the environment running on the data
 * folder names (`node-env.json`, written once it is ready), else the default.
 */
export function apiUrl(options: GlobalOptions): string {
  if (options.api !== undefined) return options.api;
  const dir = dataDir(options);
  return (dir === undefined ? undefined : readRuntimeInfo(dir)?.apiUrl) ?? DEFAULT_API_URL;
}

/** A client of the environment's API, authenticated with the party's key. */
export function apiClient(options: GlobalOptions, authenticated = true) {
  return createNodeClient({ baseUrl: apiUrl(options), ...(authenticated ? { key: partyKey(options) } : {}) });
}
