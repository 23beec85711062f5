// Two parties' environments on one machine: two p8e-node-env processes, each with its own data
// folder, ports and object store, on one chain (the first one's devnet). Each is told only the
// other's store URL (P8E_PEERS); the keys come from the party cards the stores list. The whole
// onboarding example runs across them through the API: the originator applies, the servicer accepts
// servicing, the originator boards, each step approved by the other, and both verify the scope.
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Client } from "@connectrpc/connect";
import { generateMnemonic } from "@p8e/hashing-crypto";
import type { NodeService } from "@p8e/spec-model/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createNodeClient } from "./api/client.js";
import { type PartyKeyPairs, partyKeysFromMnemonic } from "./keystore.js";
import { freePort, tempDir } from "./testdata/temp-dir.js";

const appDir = fileURLToPath(new URL("..", import.meta.url));
const dir = tempDir();
const children: ChildProcess[] = [];

/** One party: a p8e-node-env process, its API and its keys. */
interface PartyProcess {
  readonly apiUrl: string;
  readonly keys: PartyKeyPairs;
  readonly output: () => string;
}

/** Starts p8e-node-env with `variables` and waits until its /readyz says ready. */
async function startProcess(mnemonic: string, variables: Record<string, string>): Promise<PartyProcess> {
  const apiPort = await freePort();
  const child = spawn(process.execPath, ["--conditions", "@p8e/source", "--import", "tsx", "src/main.ts"], {
    cwd: appDir,
    env: { ...process.env, P8E_API_PORT: String(apiPort), P8E_MNEMONIC: mnemonic, ...variables },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let out = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    out += chunk.toString();
  });
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  for (let i = 0; i < 300 && child.exitCode === null; i++) {
    const ready = await fetch(`${apiUrl}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return { apiUrl, keys: partyKeysFromMnemonic(mnemonic), output: () => out };
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`p8e-node-env did not become ready:\n${out}`);
}

let originator: PartyProcess;
let servicer: PartyProcess;
let atOriginator: Client<typeof NodeService>;
let atServicer: Client<typeof NodeService>;

beforeAll(async () => {
  const [originatorEos, servicerEos, devnetPort] = [await freePort(), await freePort(), await freePort()];
  originator = await startProcess(generateMnemonic(), {
    P8E_DATA_DIR: join(dir.path, "originator"),
    P8E_EOS_PORT: String(originatorEos),
    P8E_DEVNET_PORT: String(devnetPort),
  });
  servicer = await startProcess(generateMnemonic(), {
    P8E_DATA_DIR: join(dir.path, "servicer"),
    P8E_PASSPHRASE: "servicer passphrase",
    P8E_EOS_PORT: String(servicerEos),
    P8E_CHAIN_RPC_URL: `http://127.0.0.1:${devnetPort}`,
    P8E_PEERS: `http://127.0.0.1:${originatorEos}`,
  });
  atOriginator = createNodeClient({ baseUrl: originator.apiUrl, key: originator.keys.signing });
  atServicer = createNodeClient({ baseUrl: servicer.apiUrl, key: servicer.keys.signing });
}, 120_000);

afterAll(async () => {
  for (const child of children.reverse()) {
    if (child.exitCode !== null) continue;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGINT");
    await exited;
  }
  dir.remove();
});

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until it answers something other than undefined. */
async function eventually<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 150; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await pause(200);
  }
  throw new Error(`${what} did not happen:\n${originator.output().slice(-3000)}\n${servicer.output().slice(-3000)}`);
}

/** `approver` approves the request once it waits in its inbox; the invoker's side then completes. */
async function approveAndComplete(
  invoker: Client<typeof NodeService>,
  approver: Client<typeof NodeService>,
  executionUuid: string,
): Promise<string> {
  await eventually("the request reaching the approver's inbox", async () => {
    const inbox = (await approver.listEnvelopes({ status: ["INBOX"] })).envelopes;
    return inbox.some((e) => e.executionUuid === executionUuid) ? true : undefined;
  });
  const approved = await approver.approveEnvelope({ executionUuid });
  expect(["EXECUTED", "OUTBOX", "SIGNED", "CHAINCODE", "COMPLETE"]).toContain(approved.envelope?.status);
  const done = await eventually("the invoker's envelope completing", async () => {
    const envelope = (await invoker.getEnvelope({ executionUuid })).envelope;
    return envelope?.status === "COMPLETE" || envelope?.status === "ERROR" ? envelope : undefined;
  });
  expect(done).toMatchObject({ status: "COMPLETE", side: "invoker" });
  return done.scope;
}

const json = (value: unknown) => ({ value: { case: "json" as const, value: JSON.stringify(value) } });

describe("two environments", { timeout: 180_000 }, () => {
  it("find each other from one store URL each, through the party cards", async () => {
    // The servicer was started with the originator's store in P8E_PEERS; the originator adds the
    // servicer's store while running, as `p8e peer add` does.
    const servicerStore = (await atServicer.getInfo({})).eosUrl;
    const added = await atOriginator.addPeer({ eosUrl: servicerStore });
    expect(added.peer).toMatchObject({ eosUrl: servicerStore, state: "found" });
    expect(added.peer?.parties.map((p) => p.address)).toEqual([servicer.keys.address]);
    const refused = await atOriginator.addPeer({ eosUrl: "ftp://127.0.0.1:1" }).then(
      () => "added",
      (e: unknown) => String(e),
    );
    expect(refused).toMatch(/invalid_argument.*not an http/);
    for (const [client, other] of [
      [atOriginator, servicer],
      [atServicer, originator],
    ] as const) {
      const peers = await eventually("the peer being found", async () => {
        const info = await client.getInfo({});
        return info.peers.every((p) => p.state === "found") ? info.peers : undefined;
      });
      expect(peers.map((p) => p.parties.map((party) => party.address))).toEqual([[other.keys.address]]);
    }
    const metrics = await (await fetch(`${originator.apiUrl}/metrics`)).text();
    expect(metrics).toMatch(/^p8e_peers\{state="found"\} 1$/m);
    expect(metrics).toMatch(/^p8e_mailbox_depth\{state="pending"\} \d+$/m);
  });

  it("run onboarding's three steps across them, each approved by the other party, and both verify", async () => {
    const applied = await atOriginator.execute({
      contract: { case: "name", value: "onboarding" },
      scopeSpecUuid: "e6d091d6-4df0-449a-95c1-e35ce30a4509",
      inputs: { application: json({ loanId: "loan-7", borrowerName: "Ada", amountMinor: "5000", currency: "usd" }) },
      participants: [{ role: "SERVICER", address: servicer.keys.address }],
    });
    expect(applied).toMatchObject({ status: "needs-signatures", envelopeStatus: "FRAGMENT" });
    expect(applied.scope).toMatch(/^scope1/);
    const scope = await approveAndComplete(atOriginator, atServicer, applied.executionUuid);
    expect(scope).toBe(applied.scope);

    const serviced = await atServicer.execute({
      contract: { case: "name", value: "onboarding" },
      scope,
      inputs: { terms: json({ loanId: "loan-7", servicerName: "Servicing Co", feeBasisPoints: 25 }) },
      participants: [{ role: "ORIGINATOR", address: originator.keys.address }],
    });
    expect(serviced.outcomes.map((o) => [o.function, o.result])).toContainEqual(["acceptServicing", "PASS"]);
    expect(await approveAndComplete(atServicer, atOriginator, serviced.executionUuid)).toBe(scope);

    const boarded = await atOriginator.execute({
      contract: { case: "name", value: "onboarding" },
      scope,
      inputs: { funding: json({ loanId: "loan-7", amountMinor: "4000" }) },
      participants: [{ role: "SERVICER", address: servicer.keys.address }],
    });
    expect(await approveAndComplete(atOriginator, atServicer, boarded.executionUuid)).toBe(scope);

    // The servicer reads every record (it was in every audience) and both verify the whole scope.
    const view = await atServicer.getScope({ scope });
    expect(view.records.map((r) => r.name).sort()).toEqual(["application", "boarding", "servicing"]);
    const boarding = JSON.parse(view.records.find((r) => r.name === "boarding")!.json);
    expect(boarding).toMatchObject({ loanId: "loan-7", servicerName: "Servicing Co", fundedMinor: "4000" });
    for (const client of [atOriginator, atServicer]) {
      const report = await client.verifyScope({ scope });
      expect(report.verified).toBe(true);
      expect(report.sessions.length).toBeGreaterThan(0);
    }
  });

  it("refuses a participant address that is neither the party nor a peer found", async () => {
    const refused = await atOriginator
      .execute({
        contract: { case: "name", value: "onboarding" },
        scopeSpecUuid: "e6d091d6-4df0-449a-95c1-e35ce30a4509",
        inputs: { application: json({ loanId: "loan-8", borrowerName: "B", amountMinor: "1", currency: "usd" }) },
        participants: [{ role: "SERVICER", address: partyKeysFromMnemonic(generateMnemonic()).address }],
      })
      .then(
        () => "executed",
        (e: unknown) => String(e),
      );
    expect(refused).toMatch(/neither this party nor a peer found so far/);
  });
});
