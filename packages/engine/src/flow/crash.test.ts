// Parties killed with SIGKILL mid-flow, in child processes, whose flows complete after a restart
// with nothing lost and nothing done twice.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { PartyType } from "@p8e/contract-annotations";
import { bytesToHex } from "@p8e/hashing-crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dealScopeSpecUuid } from "../testdata/deal-contracts.js";
import { dealEnvironment } from "../testdata/deal-environment.js";
import type { PublishedContract, TestEnvironment, TestParty } from "../testing/index.js";
import type { EnvelopeRecord } from "./envelope-store.js";
import { createSqliteEnvelopeStore } from "./sqlite-envelope-store.js";

let env: TestEnvironment;
let deal: PublishedContract;
let folder: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "p8e-crash-"));
  ({ env, deal } = await dealEnvironment({ servicer: () => "approve" }));
}, 60_000);

afterAll(async () => {
  for (const child of children) child.kill("SIGKILL");
  await env?.close();
  await rm(folder, { recursive: true, force: true });
});

const script = fileURLToPath(new URL("../testdata/party-process.ts", import.meta.url));

interface Running {
  readonly child: ChildProcess;
  /** Resolves with the first event line of that name. */
  next(event: string): Promise<Record<string, unknown>>;
}

function runParty(party: TestParty, storePath: string, extra: Record<string, unknown>): Running {
  const keys = (p: TestParty) => ({
    signing: bytesToHex(p.keys.signing.publicKey),
    encryption: bytesToHex(p.keys.encryption.publicKey),
  });
  const config = {
    eosUrl: party.eosServer.url,
    rpcUrl: env.devnet.url,
    mnemonic: party.mnemonic,
    storePath,
    policy: "approve",
    directory: Object.values(env.parties).map(keys),
    ...extra,
  };
  const child = spawn(
    process.execPath,
    ["--conditions=@p8e/source", "--import", "tsx", script, JSON.stringify(config)],
    {
      cwd: fileURLToPath(new URL("../..", import.meta.url)),
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  children.push(child);
  const events: Record<string, unknown>[] = [];
  const waiters: { event: string; resolve: (e: Record<string, unknown>) => void }[] = [];
  createInterface({ input: child.stdout! }).on("line", (line) => {
    const event = JSON.parse(line) as Record<string, unknown>;
    events.push(event);
    for (const waiter of waiters.filter((w) => w.event === event.event)) waiter.resolve(event);
  });
  return {
    child,
    next(event) {
      const seen = events.find((e) => e.event === event);
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        waiters.push({ event, resolve });
        child.once("exit", (code) => reject(new Error(`the party process exited (${code}) before "${event}"`)));
      });
    },
  };
}

async function kill(running: Running): Promise<void> {
  const exited = new Promise((resolve) => running.child.once("exit", resolve));
  running.child.kill("SIGKILL");
  await exited;
}

async function recordIn(
  storePath: string,
  executionUuid: string,
  statuses: readonly string[],
): Promise<EnvelopeRecord> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const store = createSqliteEnvelopeStore({ path: storePath });
    const record = await store.get(executionUuid).finally(() => store.close());
    if (record !== undefined && statuses.includes(record.status)) return record;
    if (Date.now() > deadline) throw new Error(`${executionUuid} is ${record?.status ?? "unknown"} in ${storePath}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function invocation(value: string) {
  const keys = (p: TestParty, role: PartyType) => ({
    role,
    signing: bytesToHex(p.keys.signing.publicKey),
    encryption: bytesToHex(p.keys.encryption.publicKey),
  });
  return {
    spec: deal.specHash,
    scopeSpecUuid: dealScopeSpecUuid,
    participants: [
      keys(env.party("originator"), PartyType.ORIGINATOR),
      keys(env.party("servicer"), PartyType.SERVICER),
    ],
    deal: value,
  };
}

describe("Party after SIGKILL", { timeout: 120_000 }, () => {
  it("completes when the invoker is killed after merging and before broadcasting", async () => {
    const originator = env.party("originator");
    await originator.flow.close(); // the child takes over the originator's mailbox
    const storePath = join(folder, "invoker-before.sqlite");
    const first = runParty(originator, storePath, { hang: "before-memorialize", invoke: invocation("crash 1") });
    const { executionUuid } = (await first.next("invoked")) as { executionUuid: string };
    await first.next("memorializing");
    expect((await recordIn(storePath, String(executionUuid), ["CHAINCODE"])).result).toBeDefined();
    await kill(first);

    const second = runParty(originator, storePath, {});
    const done = await recordIn(storePath, String(executionUuid), ["COMPLETE", "ERROR"]);
    expect([done.status, done.error]).toEqual(["COMPLETE", undefined]);
    await kill(second);
  });

  it("does not write twice when the invoker is killed after the broadcast and before recording it", async () => {
    const originator = env.party("originator");
    const storePath = join(folder, "invoker-after.sqlite");
    const first = runParty(originator, storePath, { hang: "after-memorialize", invoke: invocation("crash 2") });
    const { executionUuid } = (await first.next("invoked")) as { executionUuid: string };
    await first.next("memorialized");
    await kill(first);

    const second = runParty(originator, storePath, {});
    const done = await recordIn(storePath, String(executionUuid), ["COMPLETE", "ERROR"]);
    expect([done.status, done.error]).toEqual(["COMPLETE", undefined]);
    await kill(second);
    const scope = (await env.party("servicer").flow.get(String(executionUuid)))!.scope;
    expect(await env.party("servicer").engine.history(scope)).toHaveLength(1);
  });

  it("completes when the counterparty is killed between the request and its answer", async () => {
    const servicer = env.party("servicer");
    await servicer.flow.close(); // the child takes over the servicer's mailbox
    const storePath = join(folder, "counterparty.sqlite");
    const first = runParty(servicer, storePath, { policy: "hold" });
    await first.next("ready");
    // The originator runs in a child too (its in-process flow was closed by the first test).
    const originator = runParty(env.party("originator"), join(folder, "invoker-3.sqlite"), {
      invoke: invocation("crash 3"),
    });
    const { executionUuid } = (await originator.next("invoked")) as { executionUuid: string };
    await recordIn(storePath, String(executionUuid), ["INBOX"]);
    await kill(first);

    const second = runParty(servicer, storePath, { policy: "approve" });
    await recordIn(storePath, String(executionUuid), ["OUTBOX", "COMPLETE"]);
    const done = await recordIn(join(folder, "invoker-3.sqlite"), String(executionUuid), ["COMPLETE", "ERROR"]);
    expect([done.status, done.error]).toEqual(["COMPLETE", undefined]);
    await kill(second);
    await kill(originator);
  });
});
