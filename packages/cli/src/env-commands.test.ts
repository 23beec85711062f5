// p8e env up / status / down as a user runs them: spawned processes, each environment its own process.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { upVariables } from "./env-commands.js";
import { freePort, p8e, startP8e } from "./test-support.js";

const dir = mkdtempSync(join(tmpdir(), "p8e-cli-env-"));
/** Environments a test started, stopped after all if a test failed before `env down`. */
const started: number[] = [];

async function listen(): Promise<Server> {
  // What connects (p8e asking /readyz) is hung up on, so that close() does not wait for it.
  const server = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return server;
}

/** Whether `pid` runs: signalable, and (where /proc tells) not a zombie waiting for init to reap it. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = `/proc/${pid}/stat`;
  return !existsSync(stat) || !/^\d+ \(.*\) Z/.test(readFileSync(stat, "utf8"));
}

afterAll(() => {
  for (const pid of started) if (alive(pid)) process.kill(pid, "SIGTERM");
  rmSync(dir, { recursive: true, force: true });
});

describe("p8e env", { timeout: 120_000 }, () => {
  it("up --detach starts it in the background; status asks it; a second up is refused; down stops it", async () => {
    const data = join(dir, "alice");
    const api = `http://127.0.0.1:${await freePort()}`;
    const ports = ["--api-port", api.split(":")[2]!, "--eos-port", "0", "--devnet-port", "0"];
    const peer = `http://127.0.0.1:${await freePort()}`;
    const up = await p8e(["env", "up", "--detach", "--data-dir", data, ...ports, "--peer", peer, "--json"], dir);
    expect(up.code, up.err).toBe(0);
    const summary = JSON.parse(up.out) as { pid: number; apiUrl: string; pidFile: string; logFile: string };
    started.push(summary.pid);
    expect(summary).toMatchObject({ apiUrl: api, pidFile: join(data, "node-env.pid") });
    expect(readFileSync(summary.pidFile, "utf8").trim()).toBe(String(summary.pid));
    expect(alive(summary.pid)).toBe(true);

    // The data folder names the running environment's API: no --api needed.
    const status = await p8e(["env", "status", "--data-dir", data], dir);
    expect(status.code, status.err).toBe(0);
    expect(status.out).toContain("ready      true");
    // --peer reached the environment as P8E_PEERS: it looks for that store (nobody answers there).
    expect(status.out).toContain(`peer       ${peer} waiting`);

    const again = await p8e(["env", "up", "--detach", "--data-dir", data, ...ports], dir);
    expect(again.code).toBe(1);
    expect(again.err).toContain(`already runs on ${data} (pid ${summary.pid}): stop it with \`p8e env down`);
    expect(readFileSync(summary.pidFile, "utf8").trim()).toBe(String(summary.pid));

    const down = await p8e(["env", "down", "--data-dir", data], dir);
    expect(down.code, down.err).toBe(0);
    expect(down.out).toContain(`stopped the environment on ${data} (pid ${summary.pid})`);
    expect(alive(summary.pid)).toBe(false);
    expect(existsSync(summary.pidFile)).toBe(false);
    expect(existsSync(join(data, "node-env.json"))).toBe(false);
    expect(readFileSync(summary.logFile, "utf8")).toContain("p8e node-env ready");

    const none = await p8e(["env", "down", "--data-dir", data], dir);
    expect(none.code).toBe(0);
    expect(none.out).toContain(`no detached environment runs on ${data}`);
  });

  it("up runs in the foreground until Ctrl-C, then finishes in-flight work and exits 0", async () => {
    const up = startP8e(
      ["env", "up", "--data-dir", join(dir, "dave"), "--api-port", "0", "--eos-port", "0", "--devnet-port", "0"],
      dir,
      { P8E_LOG_LEVEL: "warn" },
    );
    let out = "";
    const apiUrl = await new Promise<string>((resolve, reject) => {
      up.stdout!.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        const url = /^\s+api\s+(http\S+)/m.exec(out)?.[1];
        if (url !== undefined) resolve(url);
      });
      up.once("exit", (code) => reject(new Error(`p8e env up ended (${code}) before it was ready:\n${out}`)));
    });
    started.push(up.pid!);
    expect(out).toContain("p8e environment ready (Ctrl-C stops it)");
    expect((await fetch(`${apiUrl}/readyz`)).status).toBe(200);
    const exited = new Promise<number | null>((resolve) => up.once("close", resolve));
    up.kill("SIGINT");
    expect(await exited).toBe(0);
    expect(out).toContain("stopped");
    await expect(fetch(`${apiUrl}/healthz`)).rejects.toThrow();
  });

  it("up --detach on a port in use says so, exits 1 and leaves no pid file", async () => {
    const data = join(dir, "bob");
    const taken = await listen();
    const { port } = taken.address() as { port: number };
    try {
      const up = await p8e(
        [
          "env",
          "up",
          "--detach",
          "--data-dir",
          data,
          "--api-port",
          String(port),
          "--eos-port",
          "0",
          "--devnet-port",
          "0",
        ],
        dir,
      );
      expect(up.code).toBe(1);
      expect(up.err).toContain("the environment ended before it was ready");
      expect(up.err).toContain(`port ${port} on 127.0.0.1 is in use`);
      expect(existsSync(join(data, "node-env.pid"))).toBe(false);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it("up refuses a wrong setting as a usage error before starting anything", async () => {
    const up = await p8e(["env", "up", "--detach", "--data-dir", join(dir, "carol")], dir, {
      P8E_APPROVAL_POLICY: "maybe",
    });
    expect(up.code).toBe(2);
    expect(up.err).toContain("approvalPolicy (P8E_APPROVAL_POLICY)");
    expect(existsSync(join(dir, "carol"))).toBe(false);
    expect((await p8e(["env", "up", "--api-port", "http"], dir)).code).toBe(2);
  });

  it("has an example in env up's and env down's help", async () => {
    for (const verb of [
      ["env", "up"],
      ["env", "down"],
      ["env", "status"],
    ]) {
      const help = await p8e([...verb, "--help"], dir);
      expect(help.code).toBe(0);
      expect(help.out).toContain("Example");
    }
  });
});

describe("upVariables()", () => {
  it("lays the flags over the environment's P8E_* variables", () => {
    const variables = upVariables(
      { P8E_API_PORT: "7000", P8E_EOS_PORT: "7001", P8E_LOG_LEVEL: "warn" },
      { apiPort: 7080, approve: true, chainRpcUrl: "http://node:26657", dataDir: "/data/alice", timeout: 120 },
    );
    expect(variables).toMatchObject({
      P8E_API_PORT: "7080",
      P8E_EOS_PORT: "7001",
      P8E_LOG_LEVEL: "warn",
      P8E_APPROVAL_POLICY: "approve",
      P8E_CHAIN_RPC_URL: "http://node:26657",
      P8E_DATA_DIR: "/data/alice",
    });
    expect(variables.P8E_PEERS).toBeUndefined();
  });

  it("passes --peer URLs as P8E_PEERS, a JSON array of strings", () => {
    const { P8E_PEERS } = upVariables({}, { peer: ["http://127.0.0.1:7081", "http://bob:7071"], timeout: 120 });
    expect(JSON.parse(P8E_PEERS!)).toEqual(["http://127.0.0.1:7081", "http://bob:7071"]);
  });
});
