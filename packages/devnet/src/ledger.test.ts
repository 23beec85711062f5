import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { StargateClient } from "@cosmjs/stargate";
import * as md from "@p8e/spec-model/metadata";
import { afterEach, describe, expect, it } from "vitest";
import { createDevnet, DevnetError } from "./index.js";
import { LedgerDatabase } from "./store/database.js";
import { keyString } from "./store/kv-store.js";
import {
  contractSpecMsg,
  devAccount,
  party,
  recordMsg,
  recordSpecMsg,
  scopeMsg,
  scopeSpecMsg,
  sessionMsg,
  TestChain,
} from "./testdata/fixtures.js";

const dirs: string[] = [];
const chains: TestChain[] = [];
afterEach(async () => {
  await Promise.all(chains.splice(0).map((c) => c.stop()));
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function dataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "p8e-devnet-"));
  dirs.push(dir);
  return dir;
}

async function startChain(dir: string, chainId = "testing"): Promise<TestChain> {
  const chain = await TestChain.start({ dataDir: dir, chainId });
  chains.push(chain);
  return chain;
}

const SCOPE = "8d2b1a3c-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
const SESSION = "1f2e3d4c-5b6a-4798-8a7b-6c5d4e3f2a1b";

describe("Ledger.open()", () => {
  it("keeps accounts, metadata, blocks and txs in its data directory across a restart", async () => {
    const dir = await dataDir();
    const alice = await devAccount("alice");
    const first = await startChain(dir);
    const written = await first.submit(
      [alice],
      [
        contractSpecMsg(alice.address),
        recordSpecMsg(alice.address),
        scopeSpecMsg(alice.address),
        scopeMsg(SCOPE, [party(alice.address)], [alice.address], { valueOwnerAddress: alice.address }),
        sessionMsg(SCOPE, SESSION, [party(alice.address)], [alice.address]),
        recordMsg(SCOPE, SESSION, [alice.address]),
      ],
    );
    expect(written.txResult?.code).toBe(0);
    const height = first.devnet.height;
    const balance = first.balance(alice.address);
    await first.stop();
    chains.splice(0);

    const second = await startChain(dir);
    expect(second.devnet.height).toBe(height);
    expect(second.balance(alice.address)).toBe(balance);
    expect(second.accountState(alice.address)).toEqual({ accountNumber: 0n, sequence: 1n });
    const scope = second.query(
      "/provenance.metadata.v1.Query/Scope",
      md.ScopeRequestSchema,
      { scopeId: SCOPE, includeRecords: true },
      md.ScopeResponseSchema,
    );
    expect(scope.scope?.scope?.valueOwnerAddress).toBe(alice.address);
    expect(scope.records.map((r) => r.record?.name)).toEqual(["greeting"]);

    const client = await StargateClient.connect(second.devnet.url);
    try {
      const tx = await client.getTx(written.hash);
      expect(tx).toMatchObject({ code: 0, height: written.height });
      const block = await client.getBlock(written.height!);
      expect(block.txs).toHaveLength(1);
    } finally {
      client.disconnect();
    }
    // The chain goes on where it stopped.
    const next = await second.deliver(
      [alice],
      [recordMsg(SCOPE, SESSION, [alice.address], { outputs: [{ hash: "bmV3", status: md.ResultStatus.PASS }] })],
    );
    expect(next.code).toBe(0);
    expect(second.devnet.height).toBe(height + 1);
  });

  it("refuses a data directory that holds another chain", async () => {
    const dir = await dataDir();
    await (await startChain(dir)).stop();
    chains.splice(0);
    const other = createDevnet({ dataDir: dir, chainId: "pio-testnet-1", instant: true });
    const error = await other.start().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DevnetError);
    expect(error).toMatchObject({ code: "chain-mismatch" });
    expect((error as Error).message).toBe('the data directory holds chain "testing", not "pio-testnet-1"');
  });

  it("starts an in-memory ledger afresh every time", async () => {
    const alice = await devAccount("alice");
    const first = await TestChain.start();
    await first.deliver([alice], [contractSpecMsg(alice.address)]);
    expect(first.accountState(alice.address)?.sequence).toBe(1n);
    await first.stop();
    const second = await TestChain.start();
    chains.push(second);
    expect(second.accountState(alice.address)?.sequence).toBe(0n);
  });
});

describe("LedgerDatabase.commitBlock()", () => {
  it("writes a block and its state changes all or nothing", () => {
    const db = LedgerDatabase.open(undefined);
    try {
      const block = {
        height: 1,
        timeMs: 0,
        hash: new Uint8Array(32),
        lastBlockHash: new Uint8Array(),
        appHash: new Uint8Array(32),
        dataHash: new Uint8Array(32),
        lastResultsHash: new Uint8Array(32),
        numTxs: 0,
        size: 0,
      };
      db.commitBlock(block, [], new Map([[keyString(Uint8Array.of(1)), Uint8Array.of(1)]]));
      expect(db.get(Uint8Array.of(1))).toEqual(Uint8Array.of(1));
      // Height 1 again: the block insert fails after the state write, and both roll back.
      expect(() => db.commitBlock(block, [], new Map([[keyString(Uint8Array.of(2)), Uint8Array.of(2)]]))).toThrow(
        /cannot commit block 1/,
      );
      expect(db.get(Uint8Array.of(2))).toBeUndefined();
      expect(db.latestBlock()?.height).toBe(1);
    } finally {
      db.close();
    }
  });
});
