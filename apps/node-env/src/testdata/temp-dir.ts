import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A fresh temporary folder and its removal. */
export function tempDir(prefix = "p8e-node-env-"): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** Configuration variables for an environment in `dataDir` on free ports, quiet. */
export function testEnvVariables(dataDir: string): Record<string, string> {
  return {
    P8E_DATA_DIR: dataDir,
    P8E_API_PORT: "0",
    P8E_EOS_PORT: "0",
    P8E_DEVNET_PORT: "0",
    P8E_LOG_LEVEL: "silent",
  };
}
