// An object store in a process of its own (the package's real entry point), so that a test or a
// bench spreads the stores' work over the machine's cores as separate deployments would.
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { bytesToHex } from "@p8e/hashing-crypto";
import { EngineError } from "../errors.js";

/** What a test party needs of its object store. */
export interface TestStore {
  readonly url: string;
  close(): Promise<void>;
}

/** Starts `p8e-eos-server` on a free loopback port with the given node key and trusted peers. */
export async function startStoreProcess(options: {
  readonly dataDir: string;
  readonly nodePrivateKey: Uint8Array;
  readonly trustedPeers: readonly Uint8Array[];
}): Promise<TestStore> {
  // The package's entry point is src/index.ts (sources) or dist/index.js (built): one folder down.
  const packageDir = dirname(dirname(fileURLToPath(import.meta.resolve("@p8e/eos-server"))));
  // From sources (tests, benches) the entry point is TypeScript, run with tsx; built, the bin.
  const fromSource = import.meta.url.endsWith(".ts");
  const args = fromSource
    ? ["--conditions", "@p8e/source", "--import", "tsx", join(packageDir, "src", "main.ts")]
    : [join(packageDir, "dist", "main.js")];
  const child = spawn(process.execPath, args, {
    cwd: packageDir,
    env: {
      ...process.env,
      EOS_DATA_DIR: options.dataDir,
      EOS_HOST: "127.0.0.1",
      EOS_PORT: "0",
      EOS_LOG_LEVEL: "warn",
      EOS_NODE_PRIVATE_KEY: bytesToHex(options.nodePrivateKey),
      EOS_TRUSTED_PEERS: options.trustedPeers.map(bytesToHex).join(","),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    let stdout = "";
    const timer = setTimeout(
      () => reject(new EngineError("invalid-argument", `the store did not start in 30 s: ${stderr}`)),
      30_000,
    );
    child.stdout!.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = stdout.split("\n").find((l) => l.includes('"listening"'));
      if (line === undefined) return;
      clearTimeout(timer);
      resolve((JSON.parse(line) as { url: string }).url);
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new EngineError("invalid-argument", `the store exited with ${code}: ${stderr}`));
    });
  });
  return {
    url,
    async close() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}
