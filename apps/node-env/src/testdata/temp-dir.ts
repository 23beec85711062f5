import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
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

/** A TCP port free on 127.0.0.1 right now (for a child process or a server started later). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
