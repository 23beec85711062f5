// The running environment's addresses in `<dataDir>/node-env.json`, written once it is ready and
// removed when it stops, so that tools given only the data folder (the `p8e` CLI, scripts) find its
// API, object store and chain even on ports picked at start.
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "./files.js";

/** The file's name in the data folder. */
export const RUNTIME_FILE = "node-env.json";

/** Where a running environment listens, and which process runs it. */
export interface RuntimeInfo {
  readonly pid: number;
  readonly address: string;
  readonly apiUrl: string;
  readonly eosUrl: string;
  readonly rpcUrl: string;
  readonly chainId: string;
  /** ISO 8601. */
  readonly startedAt: string;
}

/** Writes the file (whole: a reader never sees half of it). */
export function writeRuntimeInfo(dataDir: string, info: RuntimeInfo): void {
  writeFileAtomic(join(dataDir, RUNTIME_FILE), `${JSON.stringify(info, null, 2)}\n`);
}

/** Removes the file if it is this environment's (same process and API), not a newer one's. */
export function removeRuntimeInfo(dataDir: string, apiUrl: string): void {
  const info = readRuntimeFile(dataDir);
  if (info?.pid === process.pid && info.apiUrl === apiUrl) rmSync(join(dataDir, RUNTIME_FILE), { force: true });
}

/** The running environment of `dataDir`: its file, when the process it names is still alive. */
export function readRuntimeInfo(dataDir: string): RuntimeInfo | undefined {
  const info = readRuntimeFile(dataDir);
  if (info === undefined) return undefined;
  try {
    process.kill(info.pid, 0);
    return info;
  } catch (error) {
    // EPERM: alive, another user's; ESRCH: gone (the file outlived a crash).
    return (error as NodeJS.ErrnoException).code === "EPERM" ? info : undefined;
  }
}

function readRuntimeFile(dataDir: string): RuntimeInfo | undefined {
  const path = join(dataDir, RUNTIME_FILE);
  if (!existsSync(path)) return undefined;
  try {
    const info = JSON.parse(readFileSync(path, "utf8")) as Partial<RuntimeInfo>;
    return Number.isInteger(info.pid) && typeof info.apiUrl === "string" ? (info as RuntimeInfo) : undefined;
  } catch {
    return undefined;
  }
}
