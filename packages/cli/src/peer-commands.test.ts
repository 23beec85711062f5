// `p8e peer …` and `p8e contract exec --party` as a user runs them: spawned processes against two
// running environments, the second told the first's store URL, the first adding the second's.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createApiRoutes, createLogger, loadNodeEnvConfig, type NodeEnv, startNodeEnv } from "@p8e/node-env";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliDir, freePort, p8e as run } from "./test-support.js";

const dir = mkdtempSync(join(tmpdir(), "p8e-cli-peer-"));
const SERVICER_PASSPHRASE = "servicer passphrase";
let originator: NodeEnv;
let servicer: NodeEnv;

const p8e = (args: string[]) =>
  run(args, cliDir, { P8E_API_URL: originator.apiUrl, P8E_DATA_DIR: join(dir, "originator") });
const asServicer = (args: string[]) =>
  run(args, cliDir, {
    P8E_API_URL: servicer.apiUrl,
    P8E_DATA_DIR: join(dir, "servicer"),
    P8E_PASSPHRASE: SERVICER_PASSPHRASE,
  });

beforeAll(async () => {
  const common = { P8E_API_PORT: "0", P8E_EOS_PORT: "0", P8E_LOG_LEVEL: "silent" };
  const logger = createLogger("silent");
  originator = await startNodeEnv(
    loadNodeEnvConfig({ ...common, P8E_DATA_DIR: join(dir, "originator"), P8E_DEVNET_PORT: "0" }),
    { logger, routes: createApiRoutes },
  );
  servicer = await startNodeEnv(
    loadNodeEnvConfig({
      ...common,
      P8E_DATA_DIR: join(dir, "servicer"),
      P8E_PASSPHRASE: SERVICER_PASSPHRASE,
      P8E_CHAIN_RPC_URL: originator.rpcUrl,
      P8E_PEERS: originator.eosUrl,
    }),
    { logger, routes: createApiRoutes },
  );
}, 60_000);

afterAll(async () => {
  await servicer?.close();
  await originator?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("p8e peer", { timeout: 90_000 }, () => {
  it("lists none, adds the servicer by its store's URL, and lists it found", async () => {
    const none = await p8e(["peer", "ls"]);
    expect(none).toMatchObject({ code: 0 });
    expect(none.out).toContain("no peers; add one with `p8e peer add URL`");

    const added = await p8e(["peer", "add", servicer.eosUrl]);
    expect(added.code, added.err).toBe(0);
    expect(added.out).toContain(`peer       ${servicer.eosUrl}  found`);
    expect(added.out).toContain(`  party    ${servicer.address}`);

    const listed = await p8e(["peer", "ls", "--json"]);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.out)).toMatchObject([
      { eosUrl: servicer.eosUrl, state: "found", parties: [{ address: servicer.address }] },
    ]);
  });

  it("says when a peer is not found in time, and that it keeps looking; refuses bad waits and URLs", async () => {
    const absent = `http://127.0.0.1:${await freePort()}`;
    const late = await p8e(["peer", "add", absent, "--wait", "1"]);
    expect(late.code).toBe(1);
    expect(late.err).toContain("added, but not found within 1 s");
    expect(late.err).toContain("`p8e peer ls`");

    expect((await p8e(["peer", "add", absent, "--wait", "0"])).code).toBe(2);
    const bad = await p8e(["peer", "add", "ftp://127.0.0.1:1"]);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain("not an http:// or https:// store URL");
  });

  it("executes with another party by its address; the servicer approves and the invoker's envelope completes", async () => {
    await p8e(["peer", "add", servicer.eosUrl]);
    const exec = await p8e([
      "contract",
      "exec",
      "onboarding",
      "--scope-spec",
      "e6d091d6-4df0-449a-95c1-e35ce30a4509",
      "--input",
      'application={"loanId":"loan-peer","borrowerName":"Ada","amountMinor":"5000","currency":"usd"}',
      "--party",
      `SERVICER=${servicer.address}`,
    ]);
    expect(exec.code, exec.err).toBe(0);
    expect(exec.out).toMatch(/^status +needs-signatures/m);
    expect(exec.out).toMatch(/^scope +scope1/m);
    const uuid = /^execution +([0-9a-f-]{36})$/m.exec(exec.out)?.[1];
    expect(uuid).toBeDefined();
    expect(exec.out).toContain(`waiting    for ${servicer.address}`);

    let inbox = "";
    for (let i = 0; i < 100 && !inbox.includes(uuid!); i++) {
      inbox = (await asServicer(["envelope", "ls", "--status", "INBOX"])).out;
      if (!inbox.includes(uuid!)) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(inbox).toContain(uuid);
    const approved = await asServicer(["envelope", "approve", uuid!]);
    expect(approved.code, approved.err).toBe(0);
    const watched = await p8e(["envelope", "watch", uuid!, "--timeout", "60"]);
    expect(watched.code, watched.err).toBe(0);
    expect(watched.out).toMatch(new RegExp(`${uuid}\\s+COMPLETE\\s+invoker`));
  });

  it("refuses a --party that is not ROLE=ADDRESS, or an address no peer has", async () => {
    const args = ["contract", "exec", "onboarding", "--scope-spec", "e6d091d6-4df0-449a-95c1-e35ce30a4509"];
    const malformed = await p8e([...args, "--input", 'application={"loanId":"x"}', "--party", "SERVICER"]);
    expect(malformed.code).toBe(2);
    expect(malformed.err).toContain("write it as ROLE=ADDRESS");
    const unknown = await p8e([
      ...args,
      "--input",
      'application={"loanId":"x","borrowerName":"B","amountMinor":"1","currency":"usd"}',
      "--party",
      "SERVICER=tp1qy352eufqy352eufqy352eufqy352euf5tdqxa",
    ]);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain("neither this party nor a peer found so far");
  });
});
