// p8e eos put / get / stat and mailbox ls, spawned as a user runs them, against a running environment's store.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { NodeEnv } from "@p8e/node-env";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliDir, p8e, startEnvironment } from "./test-support.js";

const dir = mkdtempSync(join(tmpdir(), "p8e-eos-"));
let env: NodeEnv;
const as = () => ({ P8E_API_URL: env.apiUrl, P8E_DATA_DIR: join(dir, "env"), P8E_KEYSTORE: join(dir, "keystore") });

beforeAll(async () => {
  env = await startEnvironment(join(dir, "env"));
});

afterAll(async () => {
  await env?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("p8e eos and mailbox", { timeout: 60_000 }, () => {
  it("puts a file, stats it and gets the same bytes back, with the environment's key", async () => {
    const bytes = Buffer.from(`a report ${Date.now()}\n`);
    writeFileSync(join(dir, "report.txt"), bytes);
    const put = await p8e(["eos", "put", "report.txt", "--json"], dir, as());
    expect(put.code, put.err).toBe(0);
    const { hash: hashBase64 } = JSON.parse(put.out) as { hash: string };
    const { createHash } = await import("node:crypto");
    expect(hashBase64).toBe(createHash("sha256").update(bytes).digest("base64"));

    const stat = await p8e(["eos", "stat", hashBase64], dir, as());
    expect(stat.code, stat.err).toBe(0);
    expect(stat.out).toContain(`size       ${bytes.length} bytes`);
    const statJson = JSON.parse((await p8e(["eos", "stat", hashBase64, "--json"], dir, as())).out);
    expect(statJson).toMatchObject({ hash: hashBase64, contentLength: bytes.length });
    expect(statJson.owner).toMatch(/^04[0-9a-f]{128}$/);
    expect(statJson.createdAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    const get = await p8e(["eos", "get", hashBase64, "--out", "copy.txt"], dir, as());
    expect(get.code, get.err).toBe(0);
    expect(readFileSync(join(dir, "copy.txt"))).toEqual(bytes);
  });

  it("streams a large file in and out, with no progress output off a terminal and no partial file left", async () => {
    const { randomBytes } = await import("node:crypto");
    const bytes = randomBytes(5 * 1024 * 1024 + 7);
    writeFileSync(join(dir, "large.bin"), bytes);
    const put = await p8e(["eos", "put", "large.bin", "--json"], dir, as());
    expect(put.code, put.err).toBe(0);
    expect(put.err).toBe("");
    const { hash, contentLength } = JSON.parse(put.out) as { hash: string; contentLength: number };
    expect(contentLength).toBe(bytes.length);
    const get = await p8e(["eos", "get", hash, "--out", "large-copy.bin"], dir, as());
    expect(get.code, get.err).toBe(0);
    expect(get.err).toBe("");
    expect(readFileSync(join(dir, "large-copy.bin")).equals(bytes)).toBe(true);
    expect(existsSync(join(dir, "large-copy.bin.partial"))).toBe(false);
    const missing = await p8e(["eos", "put", "not-there.bin"], dir, as());
    expect(missing.code).toBe(1);
    expect(missing.err).toContain("cannot read not-there.bin");
  });

  it("refuses another key's read: an object of the environment is not a stranger's", async () => {
    writeFileSync(join(dir, "secret.txt"), "for the node only");
    const { hash: hashBase64 } = JSON.parse((await p8e(["eos", "put", "secret.txt", "--json"], dir, as())).out);
    expect((await p8e(["keys", "create", "mallory"], dir, { ...as(), P8E_PASSPHRASE: "m" })).code).toBe(0);
    const stranger = await p8e(["eos", "get", hashBase64, "--key", "mallory"], dir, { ...as(), P8E_PASSPHRASE: "m" });
    expect(stranger.code).toBe(1);
    expect(stranger.err).toMatch(/^p8e: /);
  });

  it("lists the mailbox and its dead mail", async () => {
    const ls = await p8e(["mailbox", "ls", "--json"], dir, as());
    expect(ls.code, ls.err).toBe(0);
    expect(Array.isArray(JSON.parse(ls.out))).toBe(true);
    const dead = await p8e(["mailbox", "ls", "--dead"], dir, as());
    expect(dead.code, dead.err).toBe(0);
    expect(dead.out).toBe("no dead mail\n");
    expect((await p8e(["mailbox", "ls", "--max", "0"], dir, as())).code).toBe(2);
  });

  it("says what to do when the store is unreachable or the data folder is missing", async () => {
    const hash = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";
    const bad = await p8e(["eos", "stat", "AAAA"], dir, as());
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("give the hash");
    const down = await p8e(["eos", "stat", hash, "--eos", "http://127.0.0.1:1"], dir, as());
    expect(down.code).toBe(1);
    expect(down.err).toContain("is the environment running?");
    const missing = await p8e(["eos", "stat", hash], dir, { ...as(), P8E_DATA_DIR: join(dir, "nowhere") });
    expect(missing.code).toBe(1);
    expect(missing.err).toContain("start the environment there");
    const wrong = await p8e(["eos", "stat", hash, "--key", "mallory"], dir, { ...as(), P8E_PASSPHRASE: "not it" });
    expect(wrong.code).toBe(1);
    expect(wrong.err).toContain("passphrase does not open");
    const helloWorld = join(cliDir, "..", "..", "examples", "hello-world", "src", "contract.ts");
    const noChain = await p8e(["contract", "publish", helloWorld, "--rpc", "http://127.0.0.1:1"], dir, as());
    expect(noChain.code).toBe(1);
    expect(noChain.err).toContain("cannot reach the chain at http://127.0.0.1:1");
  });

  it("has an example in every new verb's help", async () => {
    for (const verb of [
      ["init"],
      ["contract", "check"],
      ["contract", "bundle"],
      ["contract", "publish"],
      ["eos", "put"],
      ["eos", "get"],
      ["eos", "stat"],
      ["mailbox", "ls"],
    ]) {
      const help = await p8e([...verb, "--help"], dir);
      expect(help.code).toBe(0);
      expect(help.out).toContain("Example");
    }
  });
});
