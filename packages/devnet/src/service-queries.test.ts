// auth Params, bank DenomOwners, tx GetTxsEvent and tendermint GetNodeInfo against a running devnet,
// as Cosmos SDK v0.50 / v0.53 (Provenance's fork) answers them through baseapp's gRPC query path.
import { MetadataAddress } from "@p8e/spec-model";
import { QueryParamsRequest, QueryParamsResponse } from "cosmjs-types/cosmos/auth/v1beta1/query";
import { QueryDenomOwnersRequest, QueryDenomOwnersResponse } from "cosmjs-types/cosmos/bank/v1beta1/query";
import { GetNodeInfoRequest, GetNodeInfoResponse } from "cosmjs-types/cosmos/base/tendermint/v1beta1/query";
import { GetTxsEventRequest, GetTxsEventResponse, OrderBy } from "cosmjs-types/cosmos/tx/v1beta1/service";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  contractSpecMsg,
  devAccount,
  party,
  recordSpecMsg,
  scopeMsg,
  scopeSpecMsg,
  type TestAccount,
  TestChain,
} from "./testdata/fixtures.js";

const SCOPE = "0f000000-0000-4000-8000-000000000001";

let chain: TestChain;
let alice: TestAccount;
let bob: TestAccount;
const sendHeights: number[] = [];

const send = (from: TestAccount, to: TestAccount, amount: string) => ({
  typeUrl: "/cosmos.bank.v1beta1.MsgSend",
  value: { fromAddress: from.address, toAddress: to.address, amount: [{ denom: "nhash", amount }] },
});

beforeAll(async () => {
  [alice, bob] = await Promise.all([devAccount("alice"), devAccount("bob")]);
  chain = await TestChain.start();
  for (const amount of ["1", "2", "3"]) {
    const sent = await chain.deliver([bob], [send(bob, alice, amount)]);
    expect(sent.code).toBe(0);
    sendHeights.push(chain.devnet.height);
  }
  const written = await chain.deliver(
    [alice],
    [
      contractSpecMsg(alice.address),
      recordSpecMsg(alice.address),
      scopeSpecMsg(alice.address),
      scopeMsg(SCOPE, [party(alice.address)], [alice.address], { valueOwnerAddress: bob.address }),
    ],
  );
  expect(written.code).toBe(0);
});
afterAll(() => chain.stop());

function getTxsEvent(request: Partial<GetTxsEventRequest>) {
  return chain.devnet.query(
    "/cosmos.tx.v1beta1.Service/GetTxsEvent",
    GetTxsEventRequest.encode(GetTxsEventRequest.fromPartial(request)).finish(),
  );
}

describe("auth Query/Params (x/auth keeper queryServer.Params)", () => {
  it("answers the SDK's defaults with Provenance's 1024-byte memo limit", () => {
    const answer = chain.devnet.query("/cosmos.auth.v1beta1.Query/Params", QueryParamsRequest.encode({}).finish());
    expect(QueryParamsResponse.decode(answer.value).params).toEqual({
      maxMemoCharacters: 1024n,
      txSigLimit: 7n,
      txSizeCostPerByte: 10n,
      sigVerifyCostEd25519: 590n,
      sigVerifyCostSecp256k1: 1000n,
    });
  });
});

describe("bank Query/DenomOwners (x/bank BaseKeeper.DenomOwners)", () => {
  const owners = (denom: string) =>
    chain.devnet.query("/cosmos.bank.v1beta1.Query/DenomOwners", QueryDenomOwnersRequest.encode({ denom }).finish());

  it("finds a scope's value owner as the holder of its nft/ coin", () => {
    const denom = `nft/${MetadataAddress.forScope(SCOPE).toString()}`;
    expect(QueryDenomOwnersResponse.decode(owners(denom).value).denomOwners).toEqual([
      { address: bob.address, balance: { denom, amount: "1" } },
    ]);
  });

  it("lists every holder of nhash, and refuses a malformed denom as InvalidArgument", () => {
    const listed = QueryDenomOwnersResponse.decode(owners("nhash").value).denomOwners.map((o) => o.address);
    expect(listed).toEqual(expect.arrayContaining([alice.address, bob.address]));
    expect(owners("1bad")).toMatchObject({
      code: 18,
      codespace: "sdk",
      log: "rpc error: code = InvalidArgument desc = invalid denom: 1bad: invalid request",
    });
  });
});

describe("tx Service/GetTxsEvent (x/auth/tx txServer.GetTxsEvent → QueryTxsByEvents)", () => {
  const bySender = () => `message.sender = '${bob.address}'`;

  it("finds the txs matching an event query, with pages, a limit and an order", () => {
    const q = bySender();
    const all = GetTxsEventResponse.decode(getTxsEvent({ query: q }).value);
    expect(all.total).toBe(3n);
    expect(all.txResponses.map((r) => Number(r.height))).toEqual(sendHeights);
    expect(all.txs).toHaveLength(3);
    const newest = GetTxsEventResponse.decode(
      getTxsEvent({ query: q, orderBy: OrderBy.ORDER_BY_DESC, limit: 2n }).value,
    );
    expect(newest.txResponses.map((r) => Number(r.height))).toEqual([sendHeights[2], sendHeights[1]]);
    const second = GetTxsEventResponse.decode(getTxsEvent({ query: q, page: 2n, limit: 2n }).value);
    expect(second.txResponses.map((r) => Number(r.height))).toEqual([sendHeights[2]]);
    expect(second.total).toBe(3n);
  });

  it("refuses an empty query and a page past the end as CometBFT's TxSearch does", () => {
    expect(getTxsEvent({ events: ["message.sender='x'"] })).toMatchObject({
      code: 6,
      codespace: "sdk",
      log: "rpc error: code = Internal desc = query cannot be empty: unknown request",
    });
    expect(getTxsEvent({ query: bySender(), page: 3n, limit: 2n })).toMatchObject({
      code: 6,
      log: "rpc error: code = Internal desc = failed to search for txs: page should be within [1, 2] range, given 3: unknown request",
    });
  });
});

describe("tendermint Service/GetNodeInfo (client/grpc/cmtservice queryServer.GetNodeInfo)", () => {
  it("answers the node info of CometBFT's status and the application version", async () => {
    const answer = GetNodeInfoResponse.decode(
      chain.devnet.query("/cosmos.base.tendermint.v1beta1.Service/GetNodeInfo", GetNodeInfoRequest.encode({}).finish())
        .value,
    );
    const status = (await (await fetch(`${chain.devnet.url}/status`)).json()) as {
      result: { node_info: { id: string; network: string; version: string; other: { rpc_address: string } } };
    };
    expect(answer.defaultNodeInfo).toMatchObject({
      defaultNodeId: status.result.node_info.id,
      network: chain.devnet.chainId,
      version: status.result.node_info.version,
      other: { txIndex: "on", rpcAddress: status.result.node_info.other.rpc_address },
    });
    expect(answer.applicationVersion).toMatchObject({ appName: "p8e-devnet", cosmosSdkVersion: "v0.53.8-pio-1" });
  });
});
