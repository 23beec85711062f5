// Peers added while running (the API's AddPeer, `p8e peer add`), kept in `<dataDir>/peers.json` so
// that a restart looks for them again. P8E_PEERS stays the configuration; this file only adds to it.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { NodeEnvError } from "../errors.js";
import { writeFileAtomic } from "../files.js";

const fileName = "peers.json";

/** The store URLs added at run time, in the order they were added. */
export function loadSavedPeers(dataDir: string): string[] {
  const path = join(dataDir, fileName);
  if (!existsSync(path)) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (cause) {
    throw new NodeEnvError("invalid-config", `cannot read ${path}: ${(cause as Error).message}; fix or remove it`, {
      cause,
    });
  }
  const peers = (parsed as { peers?: unknown } | null)?.peers;
  if (!Array.isArray(peers) || !peers.every((url) => typeof url === "string" && isStoreUrl(url))) {
    throw new NodeEnvError("invalid-config", `${path} must be {"peers": [store URLs]}; fix or remove it`);
  }
  return peers as string[];
}

/** Adds a store URL to the saved peers (the file written whole). */
export function savePeer(dataDir: string, url: string): void {
  const peers = loadSavedPeers(dataDir);
  if (peers.includes(url)) return;
  writeFileAtomic(join(dataDir, fileName), `${JSON.stringify({ peers: [...peers, url] }, null, 2)}\n`);
}

/** Whether `url` is an http(s) URL with a host, as P8E_PEERS requires. */
export function isStoreUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return (parsed.protocol === "http:" || parsed.protocol === "https:") && parsed.host !== "";
  } catch {
    return false;
  }
}
