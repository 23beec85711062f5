import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { GasPrice, SigningStargateClient, StargateClient } from "@cosmjs/stargate";
import { Comet38Client } from "@cosmjs/tendermint-rpc";
import { MetadataAddress } from "@p8e/spec-model";
import { MsgWriteRecordResponseSchema, ScopeRequestSchema, ScopeResponseSchema } from "@p8e/spec-model/metadata";
import { afterEach, describe, expect, it } from "vitest";
import { createDevnet, type Devnet, DevnetError } from "./index.js";
import {
  CONTRACT_SPEC_UUID,
  contractSpecMsg,
  devAccount,
  namedAccount,
  party,
  recordMsg,
  recordSpecMsg,
  registry,
  scopeMsg,
  scopeSpecMsg,
  sessionMsg,
  signTx,
} from "./testdata/fixtures.js";

const running: Devnet[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((d) => d.stop()));
});

async function started(options: Parameters<typeof createDevnet>[0] = { instant: true }): Promise<Devnet> {
  const devnet = createDevnet(options);
  running.push(devnet);
  await devnet.start();
  return devnet;
}

const SCOPE_UUID = "91978ba2-5f35-459a-86a7-feca1b0512e0";
const SESSION_UUID = "5803f8bc-6067-4eb5-951f-2121671c2ec0";

describe("createDevnet()", () => {
  it("answers StargateClient's reads: chain id, height, accounts, sequences and balances", async () => {
    const devnet = await started();
    const alice = await devAccount("alice");
    const stranger = await namedAccount("stranger");
    const client = await StargateClient.connect(devnet.url);
    try {
      expect(await client.getChainId()).toBe("testing");
      expect(await client.getHeight()).toBe(devnet.height);
      const account = await client.getAccount(alice.address);
      expect(account).toMatchObject({ address: alice.address, accountNumber: 0n, sequence: 0, pubkey: null });
      expect(await client.getSequence(alice.address)).toEqual({ accountNumber: 0n, sequence: 0 });
      expect(await client.getAccount(stranger.address)).toBeNull();
      expect(await client.getBalance(alice.address, "nhash")).toEqual({
        denom: "nhash",
        amount: "1000000000000000000",
      });
      expect(await client.getBalance(stranger.address, "nhash")).toEqual({ denom: "nhash", amount: "0" });
    } finally {
      client.disconnect();
    }
  });

  it("accepts a MsgSend from SigningStargateClient.signAndBroadcast with a fee from Simulate", async () => {
    const devnet = await started();
    const alice = await devAccount("alice");
    const bob = await devAccount("bob");
    const client = await SigningStargateClient.connectWithSigner(devnet.url, alice.wallet, {
      registry,
      gasPrice: GasPrice.fromString("1nhash"),
      broadcastPollIntervalMs: 20,
    });
    try {
      const before = BigInt((await client.getBalance(alice.address, "nhash")).amount);
      const result = await client.sendTokens(
        alice.address,
        bob.address,
        [{ denom: "nhash", amount: "12345" }],
        "auto",
        "hi",
      );
      expect(result.code).toBe(0);
      const after = BigInt((await client.getBalance(alice.address, "nhash")).amount);
      // The default flat fee of a MsgSend is 5,000,000,000 nhash; "auto" multiplies Simulate's figure by 1.4.
      const fee = before - after - 12345n;
      expect(fee).toBeGreaterThanOrEqual(5_000_000_000n);
      expect(await client.getBalance(bob.address, "nhash")).toEqual({ denom: "nhash", amount: "1000000000000012345" });
      expect(await client.getSequence(alice.address)).toEqual({ accountNumber: 0n, sequence: 1 });

      const tx = await client.getTx(result.transactionHash);
      expect(tx).toMatchObject({ height: result.height, code: 0, hash: result.transactionHash });
      const bySender = await client.searchTx(`message.sender='${alice.address}'`);
      expect(bySender.map((t) => t.hash)).toContain(result.transactionHash);
      const byHeight = await client.searchTx([{ key: "tx.height", value: result.height }]);
      expect(byHeight.map((t) => t.hash)).toEqual([result.transactionHash]);
    } finally {
      client.disconnect();
    }
  });

  it("executes metadata Msgs signed by CosmJS and returns their responses and events", async () => {
    const devnet = await started();
    const alice = await devAccount("alice");
    const client = await SigningStargateClient.connectWithSigner(devnet.url, alice.wallet, {
      registry,
      gasPrice: GasPrice.fromString("1nhash"),
      broadcastPollIntervalMs: 20,
    });
    try {
      const specs = await client.signAndBroadcast(
        alice.address,
        [contractSpecMsg(alice.address), recordSpecMsg(alice.address), scopeSpecMsg(alice.address)],
        "auto",
      );
      expect(specs).toMatchObject({ code: 0 });
      const write = await client.signAndBroadcast(
        alice.address,
        [
          scopeMsg(SCOPE_UUID, [party(alice.address)], [alice.address], { valueOwnerAddress: alice.address }),
          sessionMsg(SCOPE_UUID, SESSION_UUID, [party(alice.address)], [alice.address]),
          recordMsg(SCOPE_UUID, SESSION_UUID, [alice.address]),
        ],
        "auto",
      );
      expect(write).toMatchObject({ code: 0 });
      expect(write.msgResponses.map((r) => r.typeUrl)).toEqual([
        "/provenance.metadata.v1.MsgWriteScopeResponse",
        "/provenance.metadata.v1.MsgWriteSessionResponse",
        "/provenance.metadata.v1.MsgWriteRecordResponse",
      ]);
      const recordResponse = fromBinary(MsgWriteRecordResponseSchema, write.msgResponses[2]!.value);
      expect(recordResponse.recordIdInfo?.recordAddr).toBe(
        MetadataAddress.forRecord(SCOPE_UUID, "greeting").toString(),
      );
      const created = write.events.find((e) => e.type === "provenance.metadata.v1.EventRecordCreated");
      expect(created?.attributes).toContainEqual({
        key: "record_addr",
        value: JSON.stringify(MetadataAddress.forRecord(SCOPE_UUID, "greeting").toString()),
      });

      const comet = await Comet38Client.connect(devnet.url);
      const query = await comet.abciQuery({
        path: "/provenance.metadata.v1.Query/Scope",
        data: toBinary(
          ScopeRequestSchema,
          create(ScopeRequestSchema, { scopeId: SCOPE_UUID, includeSessions: true, includeRecords: true }),
        ),
      });
      comet.disconnect();
      const scope = fromBinary(ScopeResponseSchema, query.value);
      expect(scope.scope?.scope?.valueOwnerAddress).toBe(alice.address);
      expect(scope.sessions).toHaveLength(1);
      expect(scope.records.map((r) => r.record?.name)).toEqual(["greeting"]);
      expect(scope.records[0]?.recordSpecIdInfo?.recordSpecAddr).toBe(
        MetadataAddress.forRecordSpecification(CONTRACT_SPEC_UUID, "greeting").toString(),
      );
    } finally {
      client.disconnect();
    }
  });

  it("includes txs broadcast with StargateClient.broadcastTx in the next timed block", async () => {
    const devnet = await started({ blockIntervalMs: 50 });
    const alice = await devAccount("alice");
    const bob = await devAccount("bob");
    const client = await StargateClient.connect(devnet.url);
    try {
      const startHeight = await client.getHeight();
      const tx = await signTx(
        devnet.chainId,
        [{ account: alice, accountNumber: 0, sequence: 0 }],
        [
          {
            typeUrl: "/cosmos.bank.v1beta1.MsgSend",
            value: { fromAddress: alice.address, toAddress: bob.address, amount: [{ denom: "nhash", amount: "1" }] },
          },
        ],
        { fee: { amount: "5000000000" } },
      );
      const result = await client.broadcastTx(tx, 5_000, 25);
      expect(result.code).toBe(0);
      expect(result.height).toBeGreaterThan(startHeight);
      expect(await client.getHeight()).toBeGreaterThanOrEqual(result.height);
    } finally {
      client.disconnect();
    }
  });

  it("keeps an account's successive txs in the mempool and executes them in one block", async () => {
    const devnet = await started({ blockIntervalMs: 60_000 });
    const alice = await devAccount("alice");
    const bob = await devAccount("bob");
    const send = (sequence: number) =>
      signTx(
        devnet.chainId,
        [{ account: alice, accountNumber: 0, sequence }],
        [
          {
            typeUrl: "/cosmos.bank.v1beta1.MsgSend",
            value: { fromAddress: alice.address, toAddress: bob.address, amount: [{ denom: "nhash", amount: "1" }] },
          },
        ],
        { fee: { amount: "5000000000" } },
      );
    const first = await devnet.broadcastTx(await send(0));
    const second = await devnet.broadcastTx(await send(1));
    expect([first.checkTx.code, second.checkTx.code]).toEqual([0, 0]);
    expect(first.txResult).toBeUndefined();
    // CheckTx counts the pending tx: sequence 1 again is refused.
    expect((await devnet.broadcastTx(await send(1))).checkTx.code).toBe(32);
    const height = devnet.produceBlock();
    const client = await StargateClient.connect(devnet.url);
    try {
      expect(await client.getTx(first.hash)).toMatchObject({ height, txIndex: 0, code: 0 });
      expect(await client.getTx(second.hash)).toMatchObject({ height, txIndex: 1, code: 0 });
    } finally {
      client.disconnect();
    }
  });

  it("says clearly when it is used before start() or started twice", async () => {
    const devnet = createDevnet({ instant: true });
    expect(() => devnet.url).toThrow(DevnetError);
    expect(() => devnet.height).toThrow(/not running/);
    running.push(devnet);
    await devnet.start();
    await expect(devnet.start()).rejects.toThrow(/already started/);
  });
});

describe("DevnetOptions.onBlockError", () => {
  it("is told the height and the error of a timed block that could not be committed, and blocks go on", async () => {
    const failures: [number, string][] = [];
    const devnet = createDevnet({
      blockIntervalMs: 20,
      onBlockError: (height, error) => failures.push([height, (error as Error).message]),
    });
    const produce = devnet.produceBlock.bind(devnet);
    let calls = 0;
    // The first timed block fails as a refused database write would; later ones are produced.
    devnet.produceBlock = () => {
      calls += 1;
      if (calls === 1) throw new Error("database is locked");
      return produce();
    };
    running.push(devnet);
    await devnet.start();
    const height = devnet.height;
    for (let i = 0; i < 100 && devnet.height < height + 2; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(failures).toEqual([[height + 1, "database is locked"]]);
    expect(devnet.height).toBeGreaterThanOrEqual(height + 2);
  });
});

describe("Devnet.stop()", () => {
  it("ends a broadcast that waits for inclusion instead of leaving it hanging", async () => {
    const devnet = createDevnet({ blockIntervalMs: 60_000 });
    await devnet.start();
    const alice = await devAccount("alice");
    const tx = await signTx(
      devnet.chainId,
      [{ account: alice, accountNumber: 0, sequence: 0 }],
      [
        {
          typeUrl: "/cosmos.bank.v1beta1.MsgSend",
          value: { fromAddress: alice.address, toAddress: alice.address, amount: [{ denom: "nhash", amount: "1" }] },
        },
      ],
      { fee: { amount: "5000000000" } },
    );
    const waiting = devnet.broadcastTx(tx, "commit").then(
      () => "included",
      (error: unknown) => error,
    );
    await devnet.stop();
    expect(await waiting).toMatchObject({ code: "not-running" });
    expect(devnet.running).toBe(false);
  });
});
