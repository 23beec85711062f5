// Runs the real server entry point (src/main.ts) in a child process, so tests can measure its memory and kill -9 it.
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const packageDir = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

export interface ChildServer {
  readonly url: string;
  readonly pid: number;
  readonly process: ChildProcess;
  /** Resident set size now, in bytes (from /proc). */
  rss(): number;
  /** Peak resident set size so far, in bytes (VmHWM). */
  peakRss(): number;
  /** SIGTERM and wait for exit. */
  stop(): Promise<void>;
  /** SIGKILL and wait for exit. */
  kill(): Promise<void>;
}

export async function spawnServer(env: Record<string, string>): Promise<ChildServer> {
  const child = spawn(
    process.execPath,
    ["--conditions", "@p8e/source", "--import", "tsx", join(packageDir, "src", "main.ts")],
    {
      cwd: packageDir,
      env: { ...process.env, EOS_PORT: "0", EOS_LOG_LEVEL: "warn", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const url = await new Promise<string>((resolve, reject) => {
    let stdout = "";
    const timer = setTimeout(() => reject(new Error(`server did not start in 20 s: ${stderr}`)), 20_000);
    child.stdout!.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = stdout.split("\n").find((l) => l.includes('"listening"'));
      if (line !== undefined) {
        clearTimeout(timer);
        resolve((JSON.parse(line) as { url: string }).url);
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}: ${stderr}`));
    });
  });
  const status = (field: string) => {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(readFileSync(`/proc/${child.pid}/status`, "utf8"));
    return Number(match?.[1] ?? 0) * 1024;
  };
  return {
    url,
    pid: child.pid!,
    process: child,
    rss: () => status("VmRSS"),
    peakRss: () => status("VmHWM"),
    async stop() {
      child.kill("SIGTERM");
      await exited;
    },
    async kill() {
      child.kill("SIGKILL");
      await exited;
    },
  };
}
