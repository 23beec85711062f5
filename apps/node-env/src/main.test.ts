// p8e-node-env as a user runs it: a process that boots, runs hello-world, prints the scope, and
// stops cleanly on Ctrl-C (SIGINT); bad configuration is a message and exit code 2.
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { tempDir, testEnvVariables } from "./testdata/temp-dir.js";

const appDir = fileURLToPath(new URL("..", import.meta.url));

function startMain(env: Record<string, string>, args: string[]): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, ["--conditions", "@p8e/source", "--import", "tsx", "src/main.ts", ...args], {
    cwd: appDir,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    out += chunk.toString();
  });
  return { child, output: () => out };
}

const exitOf = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));

describe("p8e-node-env", { timeout: 120_000 }, () => {
  it("runs hello-world, prints the scope and its record, and exits 0 on SIGINT", async () => {
    const dir = tempDir();
    try {
      const { child, output } = startMain(testEnvVariables(dir.path), ["--hello-world"]);
      const exited = exitOf(child);
      const deadline = Date.now() + 100_000;
      while (!output().includes("press Ctrl-C") && Date.now() < deadline && child.exitCode === null) {
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(output()).toMatch(/scope {4}scope1[0-9a-z]+/);
      expect(output()).toContain('"firstName":"Grace-hello"');
      expect(output()).toContain("p8e scope show scope1");
      child.kill("SIGINT");
      expect(await exited).toBe(0);
      expect(output()).toContain("stopped");
    } finally {
      dir.remove();
    }
  });

  it("exits 2 with every wrong setting named", async () => {
    const { child, output } = startMain({ P8E_API_PORT: "x", P8E_NETWORK: "moon" }, []);
    expect(await exitOf(child)).toBe(2);
    expect(output()).toContain("P8E_API_PORT");
    expect(output()).toContain("P8E_NETWORK");
  });
});
