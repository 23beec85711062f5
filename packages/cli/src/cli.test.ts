// p8e as a user runs it: spawned processes against a running environment.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createApiRoutes, createLogger, loadNodeEnvConfig, type NodeEnv, startNodeEnv } from "@p8e/node-env";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const cliDir = fileURLToPath(new URL("..", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "p8e-cli-"));
let env: NodeEnv;

// Asynchronous: the environment serving the CLI runs in this process.
function p8e(args: string[], extraEnv: Record<string, string> = {}) {
  const child = spawn(process.execPath, ["--conditions", "@p8e/source", "--import", "tsx", "src/main.ts", ...args], {
    cwd: cliDir,
    env: {
      ...process.env,
      P8E_API_URL: env.apiUrl,
      P8E_DATA_DIR: join(dir, "env"),
      P8E_KEYSTORE: join(dir, "keystore"),
      ...extraEnv,
    },
  });
  let out = "";
  let err = "";
  child.stdout.on("data", (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    err += chunk.toString();
  });
  return new Promise<{ code: number | null; out: string; err: string }>((resolve) =>
    child.on("close", (code) => resolve({ code, out, err })),
  );
}

beforeAll(async () => {
  const config = loadNodeEnvConfig({
    P8E_DATA_DIR: join(dir, "env"),
    P8E_API_PORT: "0",
    P8E_EOS_PORT: "0",
    P8E_DEVNET_PORT: "0",
  });
  env = await startNodeEnv(config, { logger: createLogger("silent"), routes: createApiRoutes });
});

afterAll(async () => {
  await env?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("p8e", { timeout: 60_000 }, () => {
  it("env status says the environment is ready and lists its contracts", async () => {
    const { code, out } = await p8e(["env", "status"]);
    expect(code).toBe(0);
    expect(out).toContain("ready      true");
    expect(out).toContain("contract   hello-world");
  });

  it("executes hello-world, then shows, histories and verifies its scope", async () => {
    const exec = await p8e([
      "contract",
      "exec",
      "hello-world",
      "--scope-spec",
      "1e6280b6-3544-40d2-b862-ddd2525620d3",
      "--input",
      'name={"firstName":"Ada","lastName":"Lovelace"}',
      "--json",
    ]);
    expect(exec.code).toBe(0);
    const result = JSON.parse(exec.out) as { status: string; scope: string };
    expect(result.status).toBe("signed");

    const show = await p8e(["scope", "show", result.scope]);
    expect(show.code).toBe(0);
    expect(show.out).toContain('record     name (io.p8e.proto.example.ExampleName) = {"firstName":"Ada-hello"');
    expect((await p8e(["scope", "history", result.scope])).out).toContain("name  by name");
    const verify = await p8e(["scope", "verify", result.scope]);
    expect(verify.code).toBe(0);
    expect(verify.out).toContain(`verified: ${result.scope}`);
  });

  it("converts UUIDs and addresses both ways", async () => {
    const built = JSON.parse(
      (await p8e(["address", "1e6280b6-3544-40d2-b862-ddd2525620d3", "--kind", "scopespec", "--json"])).out,
    );
    const back = JSON.parse((await p8e(["address", built.address, "--json"])).out);
    expect(back).toMatchObject({ uuid: "1e6280b6-3544-40d2-b862-ddd2525620d3", address: built.address });
  });

  it("keeps keys encrypted: create, list, show, and a wrong passphrase fails", async () => {
    expect((await p8e(["keys", "create", "alice"], { P8E_PASSPHRASE: "alice's secret" })).code).toBe(0);
    expect((await p8e(["keys", "list"])).out).toMatch(/^alice +tp1/);
    expect((await p8e(["keys", "show", "alice"])).out).toContain("signing ");
    const wrong = await p8e(["scope", "verify", "scope1qzcm9a2pqs2yxn3qacz8c2awh5kqhqxr0e", "--key", "alice"], {
      P8E_PASSPHRASE: "not it",
    });
    expect(wrong.code).toBe(1);
    expect(wrong.err).toContain("passphrase does not open");
  });

  it("exits 2 on usage errors, 1 on refusals, and says what to do", async () => {
    expect((await p8e(["scope"])).code).toBe(2);
    expect((await p8e(["contract", "exec", "hello-world"])).err).toContain("--scope-spec");
    const stranger = await p8e(["scope", "verify", "scope1qzcm9a2pqs2yxn3qacz8c2awh5kqhqxr0e", "--key", "alice"], {
      P8E_PASSPHRASE: "alice's secret",
    });
    expect(stranger.code).toBe(1);
    expect(stranger.err).toContain("only this party's own");
    expect((await p8e(["env", "status", "--api", "http://127.0.0.1:1"])).err).toContain("is the environment running?");
  });

  it("has an example in every verb's help", async () => {
    for (const verb of [
      ["address"],
      ["keys", "create"],
      ["keys", "list"],
      ["env", "status"],
      ["contract", "exec"],
      ["scope", "show"],
    ]) {
      const help = await p8e([...verb, "--help"]);
      expect(help.code).toBe(0);
      expect(help.out).toContain("Example");
    }
  });
});
