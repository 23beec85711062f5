import { Comet38Client } from "@cosmjs/tendermint-rpc";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDevnet, type Devnet } from "../index.js";
import { devAccount, signTx, type TestAccount } from "../testdata/fixtures.js";

let devnet: Devnet;
let alice: TestAccount;
let bob: TestAccount;
let sequence = 0;

const sendTx = () =>
  signTx(
    devnet.chainId,
    [{ account: alice, accountNumber: 0, sequence: sequence++ }],
    [
      {
        typeUrl: "/cosmos.bank.v1beta1.MsgSend",
        value: { fromAddress: alice.address, toAddress: bob.address, amount: [{ denom: "nhash", amount: "1" }] },
      },
    ],
  );

async function rpc(body: unknown): Promise<unknown> {
  const response = await fetch(devnet.url, {
    method: "POST",
    body: JSON.stringify(body),
    headers: { "content-type": "application/json" },
  });
  return response.json();
}

beforeAll(async () => {
  [alice, bob] = await Promise.all([devAccount("alice"), devAccount("bob")]);
  devnet = createDevnet({ instant: true });
  await devnet.start();
});
afterAll(() => devnet.stop());

describe("the RPC endpoint", () => {
  it("serves the URI form: GET /status and /abci_query with quoted strings and 0x hex", async () => {
    const status = (await (await fetch(`${devnet.url}/status`)).json()) as {
      result: { node_info: { network: string; version: string } };
    };
    expect(status.result.node_info).toMatchObject({ network: "testing", version: "0.38.17" });
    const query = (await (
      await fetch(`${devnet.url}/abci_query?path="/cosmos.auth.v1beta1.Query/Account"&data=0x0a00`)
    ).json()) as {
      result: { response: { code: number; codespace: string } };
    };
    expect(query.result.response).toMatchObject({ code: 18, codespace: "sdk" });
  });

  it("reads a JSON-RPC tx hash as base64 even when it begins with 0x, as CometBFT does", async () => {
    // About one hash in two thousand has a base64 form that starts with "0x" or "0X"; taking it for
    // hex made the memorializer wait out its inclusion timeout for a tx that was in a block.
    const hash = `0X${Buffer.alloc(32, 7).toString("base64").slice(2)}`;
    const answer = (await rpc({ jsonrpc: "2.0", id: 1, method: "tx", params: { hash } })) as {
      error?: { data?: string };
    };
    expect(answer.error?.data).toMatch(/^tx \([0-9A-F]{64}\) not found$/);
  });

  it("answers a JSON-RPC batch in order, with errors for unknown methods and bad params", async () => {
    const answers = (await rpc([
      { jsonrpc: "2.0", id: 1, method: "health", params: {} },
      { jsonrpc: "2.0", id: 2, method: "net_info", params: {} },
      { jsonrpc: "2.0", id: 3, method: "block", params: { height: "x" } },
    ])) as { id: number; result?: unknown; error?: { code: number; message: string } }[];
    expect(answers.map((a) => a.id)).toEqual([1, 2, 3]);
    expect(answers[0]?.result).toEqual({});
    expect(answers[1]?.error).toMatchObject({ code: -32601, message: "Method not found" });
    expect(answers[2]?.error).toMatchObject({ code: -32602, message: "Invalid params" });
    const parseError = (await (await fetch(devnet.url, { method: "POST", body: "{" })).json()) as {
      error: { code: number };
    };
    expect(parseError.error.code).toBe(-32700);
  });

  it("serves what Comet38Client decodes: blocks, metas, commits, validators, genesis, results", async () => {
    const client = await Comet38Client.connect(devnet.url);
    try {
      const outcome = await devnet.broadcastTx(await sendTx());
      const height = outcome.height!;
      const block = await client.block(height);
      expect(block.block.header).toMatchObject({ height, chainId: "testing" });
      expect(block.block.txs).toHaveLength(1);
      expect(block.block.lastCommit?.height).toBe(height - 1);
      const first = await client.block(1);
      expect(first.block.lastCommit).toBeNull();
      expect(first.block.header.lastBlockId).toBeNull();
      expect(block.block.header.lastBlockId?.hash).toEqual((await client.block(height - 1)).blockId.hash);
      const chain = await client.blockchain(1, height);
      expect(chain.lastHeight).toBe(height);
      expect(chain.blockMetas.map((m) => m.header.height)).toEqual([...Array(height).keys()].map((i) => height - i));
      expect((await client.commit(height)).header.height).toBe(height);
      expect((await client.validators({})).validators).toHaveLength(1);
      expect((await client.genesis()).chainId).toBe("testing");
      const results = await client.blockResults(height);
      expect(results.results.map((r) => r.code)).toEqual([0]);
      expect((await client.numUnconfirmedTxs()).total).toBe(0);
      expect((await client.abciInfo()).lastBlockHeight).toBe(height);
      const tx = await client.tx({ hash: Buffer.from(outcome.hash, "hex") });
      expect(tx).toMatchObject({ height, index: 0 });
      await expect(client.tx({ hash: new Uint8Array(32) })).rejects.toThrow(/not found/);
    } finally {
      client.disconnect();
    }
  });

  it("finds txs with tx_search by hash, height and event attributes, a page at a time", async () => {
    const hashes: string[] = [];
    for (let i = 0; i < 3; i++) hashes.push((await devnet.broadcastTx(await sendTx())).hash);
    const client = await Comet38Client.connect(devnet.url);
    try {
      const byHash = await client.txSearch({ query: `tx.hash='${hashes[1]}'` });
      expect(byHash.totalCount).toBe(1);
      const bySender = await client.txSearch({
        query: `message.sender='${alice.address}' AND transfer.amount='1nhash'`,
        per_page: 2,
        page: 1,
      });
      expect(bySender.txs).toHaveLength(2);
      expect(bySender.totalCount).toBeGreaterThanOrEqual(3);
      const all = await client.txSearchAll({ query: `message.sender='${alice.address}'`, per_page: 2 });
      const found = all.txs.map((t) => Buffer.from(t.hash).toString("hex").toUpperCase());
      expect(found).toEqual(expect.arrayContaining(hashes));
      const later = await client.txSearch({ query: `tx.height>=${devnet.height}` });
      expect(later.txs.map((t) => t.height)).toEqual([devnet.height]);
    } finally {
      client.disconnect();
    }
  });

  it("answers broadcast_tx_commit with both results and broadcast_tx_async with the hash alone", async () => {
    const committed = (await rpc({
      jsonrpc: "2.0",
      id: 7,
      method: "broadcast_tx_commit",
      params: { tx: Buffer.from(await sendTx()).toString("base64") },
    })) as { result: { check_tx: { code: number }; tx_result: { code: number }; height: string; hash: string } };
    expect(committed.result).toMatchObject({
      check_tx: { code: 0 },
      tx_result: { code: 0 },
      height: String(devnet.height),
    });
    const stale = Buffer.from(
      await signTx(devnet.chainId, [{ account: alice, accountNumber: 0, sequence: 0 }], []),
    ).toString("base64");
    const asyncAnswer = (await rpc({ jsonrpc: "2.0", id: 8, method: "broadcast_tx_async", params: { tx: stale } })) as {
      result: { code: number; hash: string };
    };
    // Async answers before CheckTx matters: code 0 with the hash, even for a tx CheckTx refuses.
    expect(asyncAnswer.result.code).toBe(0);
    expect(asyncAnswer.result.hash).toMatch(/^[0-9A-F]{64}$/);
  });
});

describe("broadcast_tx_commit on a timed devnet", () => {
  it("waits for the next block", async () => {
    const timed = createDevnet({ blockIntervalMs: 40 });
    await timed.start();
    try {
      const tx = await signTx(
        timed.chainId,
        [{ account: bob, accountNumber: 1, sequence: 0 }],
        [
          {
            typeUrl: "/cosmos.bank.v1beta1.MsgSend",
            value: { fromAddress: bob.address, toAddress: alice.address, amount: [{ denom: "nhash", amount: "1" }] },
          },
        ],
      );
      const before = timed.height;
      const client = await Comet38Client.connect(timed.url);
      try {
        const result = await client.broadcastTxCommit({ tx });
        expect(result.checkTx.code).toBe(0);
        expect(result.txResult?.code).toBe(0);
        expect(result.height).toBeGreaterThan(before);
      } finally {
        client.disconnect();
      }
    } finally {
      await timed.stop();
    }
  });
});
