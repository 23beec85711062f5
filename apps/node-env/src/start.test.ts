// `npm start` as a new user runs it in a terminal: `node scripts/dev.mjs start` installs (already done
// here), boots on the embedded defaults, runs hello-world, prints the scope, and stops cleanly when
// Ctrl-C reaches the terminal's process group. (npm itself dies of the SIGINT at once, as npm does;
// what it ran is what must stop cleanly.)
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { tempDir, testEnvVariables } from "./testdata/temp-dir.js";

const repoRoot = fileURLToPath(new URL("../../..", import.meta.url));

describe("npm start", { timeout: 180_000 }, () => {
  it("prints hello-world's scope and record, then exits 0 on Ctrl-C", async () => {
    const dir = tempDir();
    try {
      const { P8E_LOG_LEVEL: _quiet, ...ports } = testEnvVariables(dir.path);
      // detached: its own process group, as a terminal's foreground job has.
      const child = spawn(process.execPath, ["scripts/dev.mjs", "start"], {
        cwd: repoRoot,
        env: { ...process.env, ...ports, P8E_LOG_LEVEL: "warn" },
        stdio: ["ignore", "pipe", "pipe"],
        detached: true,
      });
      let output = "";
      child.stdout.on("data", (chunk: Buffer) => {
        output += chunk.toString();
      });
      child.stderr.on("data", (chunk: Buffer) => {
        output += chunk.toString();
      });
      const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
      const deadline = Date.now() + 150_000;
      while (!output.includes("press Ctrl-C") && Date.now() < deadline && child.exitCode === null) {
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      expect(output).toMatch(/scope {4}(scope1[0-9a-z]+)/);
      expect(output).toContain('name = {"firstName":"Grace-hello","lastName":"Hopper-world"}');
      expect(output).toContain("p8e scope show scope1");
      process.kill(-child.pid!, "SIGINT");
      expect(await exited).toBe(0);
      expect(output).toContain("stopped");
    } finally {
      dir.remove();
    }
  });
});
