// p8e as a user runs it: spawned processes against a running environment.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { NodeEnv } from "@p8e/node-env";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliDir, p8e as spawnP8e, startEnvironment } from "./test-support.js";

const dir = mkdtempSync(join(tmpdir(), "p8e-cli-"));
let env: NodeEnv;

// Asynchronous: the environment serving the CLI runs in this process.
function p8e(args: string[], extraEnv: Record<string, string> = {}) {
  return spawnP8e(args, cliDir, {
    P8E_API_URL: env.apiUrl,
    P8E_DATA_DIR: join(dir, "env"),
    P8E_KEYSTORE: join(dir, "keystore"),
    ...extraEnv,
  });
}

beforeAll(async () => {
  env = await startEnvironment(join(dir, "env"));
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

  it("prints the documented JSON: hex public keys, numbers for 64-bit integers, no message type names", async () => {
    const status = await p8e(["env", "status", "--json"]);
    expect(status.code, status.err).toBe(0);
    expect(status.out).not.toContain("$typeName");
    const info = JSON.parse(status.out) as Record<string, unknown> & { contracts: Record<string, unknown>[] };
    expect(info.signingPublicKey).toMatch(/^04[0-9a-f]{128}$/);
    expect(info.eosNodePublicKey).toMatch(/^04[0-9a-f]{128}$/);
    expect(info.contracts[0]).toEqual({
      name: expect.any(String),
      className: expect.any(String),
      specHash: expect.any(String),
      bundleHash: expect.any(String),
    });
    const exec = JSON.parse(
      (
        await p8e([
          "contract",
          "exec",
          "hello-world",
          "--scope-spec",
          "1e6280b6-3544-40d2-b862-ddd2525620d3",
          "--input",
          'name={"firstName":"Grace","lastName":"Hopper"}',
          "--json",
        ])
      ).out,
    ) as { executionUuid: string; scope: string; fuelUsed: unknown };
    expect(exec.executionUuid).toMatch(/^[0-9a-f-]{36}$/);
    expect(typeof exec.fuelUsed).toBe("number");
    const [version] = JSON.parse((await p8e(["scope", "history", exec.scope, "--json"])).out) as { height: unknown }[];
    expect(typeof version?.height).toBe("number");
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
      ["env", "up"],
      ["env", "down"],
      ["contract", "exec"],
      ["scope", "show"],
    ]) {
      const help = await p8e([...verb, "--help"]);
      expect(help.code).toBe(0);
      expect(help.out).toContain("Example");
    }
  });
});
