// The rules issue 14 found missing or different, each held against Provenance v1.30.0's source
// (function named in each test) and run against a real devnet.
import { randomUUID } from "node:crypto";
import { MetadataAddress } from "@p8e/spec-model";
import * as md from "@p8e/spec-model/metadata";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeAccountAddress } from "../../codec.js";
import type { Context } from "../../context.js";
import { DEFAULT_FEE_SCHEDULE } from "../../fees.js";
import { CacheStore } from "../../store/kv-store.js";
import {
  contractSpecMsg,
  devAccount,
  execMsg,
  msg,
  namedAccount,
  party,
  recordSpecMsg,
  scopeId,
  scopeMsg,
  scopeSpecId,
  scopeSpecMsg,
  sessionMsg,
  type TestAccount,
  TestChain,
  url,
} from "../../testdata/fixtures.js";
import {
  COUNT_AUTHORIZATION_TYPE_URL,
  encodeCountAuthorization,
  GENERIC_AUTHORIZATION_TYPE_URL,
  getGrant,
  saveGrant,
} from "../authz.js";

const { OWNER, AFFILIATE } = md.PartyType;
const METADATA_MODULE = "tp1g4z8k7hm6hj5fa7s780slnxjvq2dnpgpg0udq0";

let chain: TestChain;
let alice: TestAccount;
let bob: TestAccount;
let erin: TestAccount;

beforeAll(async () => {
  [alice, bob, erin] = await Promise.all([devAccount("alice"), devAccount("bob"), namedAccount("erin")]);
  chain = await TestChain.start({
    genesis: {
      accounts: [
        { address: alice.address, nhash: 10n ** 18n },
        { address: bob.address, nhash: 10n ** 18n },
        // Funded, never signs: x/metadata takes it for a smart contract.
        { address: erin.address, nhash: 1n },
      ],
    },
  });
  const setup = await chain.deliver(
    [alice],
    [contractSpecMsg(alice.address), recordSpecMsg(alice.address), scopeSpecMsg(alice.address)],
  );
  expect(setup).toMatchObject({ code: 0 });
  const send = {
    typeUrl: "/cosmos.bank.v1beta1.MsgSend",
    value: { fromAddress: bob.address, toAddress: alice.address, amount: [{ denom: "nhash", amount: "1" }] },
  };
  expect(await chain.deliver([bob], [send])).toMatchObject({ code: 0 });
});
afterAll(() => chain.stop());

const scopeAddr = (uuid: string) => MetadataAddress.forScope(uuid).toString();

async function newScope(extra: Parameters<typeof scopeMsg>[3] = {}) {
  const uuid = randomUUID();
  expect(await chain.deliver([alice], [scopeMsg(uuid, [party(alice.address)], [alice.address], extra)])).toMatchObject({
    code: 0,
    log: "",
  });
  return uuid;
}

describe("error codes (keeper/msg_server.go)", () => {
  it("wraps a failed ValidateWriteScope as invalid request (sdk 18) with the SDK's suffix", async () => {
    const uuid = await newScope();
    const result = await chain.deliver([bob], [scopeMsg(uuid, [party(bob.address)], [bob.address])]);
    expect(result).toMatchObject({ code: 18, codespace: "sdk" });
    expect(result.log).toBe(
      `failed to execute message; message index: 0: missing signature: ${alice.address}: invalid request`,
    );
  });

  it("answers a missing scope in AddScopeDataAccess with not found (sdk 38)", async () => {
    const missing = randomUUID();
    const add = msg(md.MsgAddScopeDataAccessRequestSchema, {
      scopeId: scopeId(missing),
      dataAccess: [bob.address],
      signers: [alice.address],
    });
    const result = await chain.deliver([alice], [add]);
    expect(result).toMatchObject({ code: 38, codespace: "sdk" });
    expect(result.log).toBe(
      `failed to execute message; message index: 0: scope not found with id ${scopeAddr(missing)}: not found`,
    );
  });
});

describe("ValidateBasic stage (types/scope.go Scope.ValidateBasic)", () => {
  it("refuses a scope without specification_id before the mempool, charging no fee", async () => {
    const before = chain.balance(alice.address);
    const bare = scopeMsg(randomUUID(), [party(alice.address)], [alice.address], { specificationId: new Uint8Array() });
    const { checkTx } = await chain.submit([alice], [bare]);
    expect(checkTx).toMatchObject({
      code: 1,
      codespace: "undefined",
      log: "invalid scope specification metadata address MetadataAddress(nil): address is empty",
    });
    expect(chain.balance(alice.address)).toBe(before);
  });
});

describe("lengths are UTF-8 bytes (Go len)", () => {
  it("refuses a record specification name of 101 'é' (202 bytes) — RecordSpecification.ValidateBasic", async () => {
    const { checkTx } = await chain.submit([alice], [recordSpecMsg(alice.address, "é".repeat(101))]);
    expect(checkTx).toMatchObject({
      code: 1,
      log: "record specification name exceeds maximum length (expected <= 200 got: 202)",
    });
    const { checkTx: ascii } = await chain.submit([alice], [recordSpecMsg(alice.address, "e".repeat(200))]);
    expect(ascii.code).toBe(0);
  });

  it("refuses a memo of 600 'é' (1200 bytes) — the SDK's ValidateMemoDecorator", async () => {
    const send = {
      typeUrl: "/cosmos.bank.v1beta1.MsgSend",
      value: { fromAddress: alice.address, toAddress: bob.address, amount: [{ denom: "nhash", amount: "1" }] },
    };
    const { checkTx } = await chain.submit([alice], [send], { memo: "é".repeat(600) });
    expect(checkTx).toMatchObject({
      code: 12,
      log: "maximum number of characters is 1024 but received 1200 characters: memo too large",
    });
  });
});

describe("missing rules", () => {
  it("checks PROVENANCE roles of a session's proposed parties — keeper/session.go ValidateWriteSession", async () => {
    const uuid = await newScope();
    const refused = await chain.deliver(
      [alice],
      [sessionMsg(uuid, randomUUID(), [party(alice.address), party(erin.address, AFFILIATE)], [alice.address])],
    );
    expect(refused).toMatchObject({ code: 18, codespace: "sdk" });
    expect(refused.log).toContain(
      `account "${erin.address}" is a smart contract but does not have the PROVENANCE role: invalid request`,
    );
  });

  it("refuses a blocked (module) address as value owner — keeper/scope.go SetScopeValueOwner", async () => {
    const uuid = randomUUID();
    const result = await chain.deliver(
      [alice],
      [scopeMsg(uuid, [party(alice.address)], [alice.address], { valueOwnerAddress: METADATA_MODULE })],
    );
    expect(result).toMatchObject({ code: 4, codespace: "sdk" });
    expect(result.log).toBe(
      `failed to execute message; message index: 0: could not write scope "${scopeAddr(uuid)}": could not set value owner: new value owner "${METADATA_MODULE}" is not allowed to receive funds: unauthorized`,
    );
  });

  it("adds a data-access address listed twice in one Msg once — types/scope.go Scope.AddDataAccess", async () => {
    const uuid = await newScope();
    const add = msg(md.MsgAddScopeDataAccessRequestSchema, {
      scopeId: scopeId(uuid),
      dataAccess: [bob.address, bob.address],
      signers: [alice.address],
    });
    expect(await chain.deliver([alice], [add])).toMatchObject({ code: 0 });
    const scope = chain.query(
      "/provenance.metadata.v1.Query/Scope",
      md.ScopeRequestSchema,
      { scopeId: uuid },
      md.ScopeResponseSchema,
    );
    expect(scope.scope?.scope?.dataAccess).toEqual([bob.address]);
  });

  it("honours a grant in the block whose time is exactly its expiration — the SDK's strict Before", () => {
    const ctx = (time: Date): Context => ({
      store,
      chain: { chainId: "testing", prefix: "tp", fees: DEFAULT_FEE_SCHEDULE, feeDenom: "nhash" },
      blockHeight: 2,
      blockTime: time,
      simulate: false,
      events: [],
    });
    const store = new CacheStore({ get: () => undefined, iterate: () => [] });
    const granter = decodeAccountAddress("tp", alice.address);
    const grantee = decodeAccountAddress("tp", bob.address);
    const expires = new Date("2030-01-01T00:00:00.000Z");
    saveGrant(ctx(expires), granter, grantee, url("MsgWriteScopeRequest"), {
      authorization: { typeUrl: GENERIC_AUTHORIZATION_TYPE_URL, value: new Uint8Array() },
      expiration: { seconds: BigInt(expires.getTime() / 1000), nanos: 0 },
    });
    expect(getGrant(ctx(expires), granter, grantee, url("MsgWriteScopeRequest"))).toBeDefined();
    const after = new Date(expires.getTime() + 1);
    expect(getGrant(ctx(after), granter, grantee, url("MsgWriteScopeRequest"))).toBeUndefined();
  });
});

/** MsgGrant from alice to bob of a CountAuthorization for `msgTypeUrl` with `uses` uses. */
function countGrant(msgTypeUrl: string, uses: number) {
  const authorization = encodeCountAuthorization({ msg: msgTypeUrl, allowedAuthorizations: uses });
  return {
    typeUrl: "/cosmos.authz.v1beta1.MsgGrant",
    value: {
      granter: alice.address,
      grantee: bob.address,
      grant: { authorization: { typeUrl: COUNT_AUTHORIZATION_TYPE_URL, value: authorization } },
    },
  };
}

describe("CountAuthorization (Provenance's cosmos-sdk fork, CountAuthorization.Accept)", () => {
  it("is taken once per Msg by the signer check and removed with its last use", async () => {
    const uuids = [await newScope(), await newScope(), await newScope()];
    const grant = countGrant(url("MsgAddScopeDataAccessRequest"), 2);
    expect(await chain.deliver([alice], [grant])).toMatchObject({ code: 0 });
    const add = (uuid: string) =>
      msg(md.MsgAddScopeDataAccessRequestSchema, {
        scopeId: scopeId(uuid),
        dataAccess: [bob.address],
        signers: [bob.address],
      });
    expect(await chain.deliver([bob], [add(uuids[0]!)])).toMatchObject({ code: 0 });
    expect(await chain.deliver([bob], [add(uuids[1]!)])).toMatchObject({ code: 0 });
    const third = await chain.deliver([bob], [add(uuids[2]!)]);
    expect(third).toMatchObject({ code: 18 });
    expect(third.log).toContain(`missing signature: ${alice.address}`);
  });

  it("inside MsgExec is deleted with its last use; the next MsgExec finds no grant — SDK authz Keeper.DispatchActions", async () => {
    const grant = countGrant("/cosmos.bank.v1beta1.MsgSend", 1);
    expect(await chain.deliver([alice], [grant])).toMatchObject({ code: 0 });
    const send = {
      typeUrl: "/cosmos.bank.v1beta1.MsgSend",
      value: { fromAddress: alice.address, toAddress: bob.address, amount: [{ denom: "nhash", amount: "1" }] },
    };
    expect(await chain.deliver([bob], [execMsg(bob.address, [send])])).toMatchObject({ code: 0 });
    const again = await chain.deliver([bob], [execMsg(bob.address, [send])]);
    expect(again).toMatchObject({ code: 2, codespace: "authz" });
    expect(again.log).toBe(
      `failed to execute message; message index: 0: failed to get grant with given granter: ${alice.address}, grantee: ${bob.address} & msgType: /cosmos.bank.v1beta1.MsgSend : authorization not found`,
    );
  });

  it("refuses a grant of zero uses — CountAuthorization.ValidateBasic", async () => {
    const grant = countGrant(url("MsgWriteScopeRequest"), 0);
    const { checkTx } = await chain.submit([alice], [grant]);
    expect(checkTx).toMatchObject({ code: 18, log: "allowed authorizations must be greater than 0: invalid request" });
  });
});

describe("value owners (keeper/msg_server.go UpdateValueOwners, MigrateValueOwner)", () => {
  it("moves scopes to a new value owner with the current one's signature", async () => {
    const a = await newScope({ valueOwnerAddress: alice.address });
    const b = await newScope({ valueOwnerAddress: alice.address });
    const update = (signer: string, owner: string) =>
      msg(md.MsgUpdateValueOwnersRequestSchema, {
        scopeIds: [scopeId(a)],
        valueOwnerAddress: owner,
        signers: [signer],
      });
    const unsigned = await chain.deliver([bob], [update(bob.address, bob.address)]);
    expect(unsigned).toMatchObject({ code: 18 });
    expect(unsigned.log).toContain(`missing signature from existing value owner "${alice.address}": invalid request`);
    expect(await chain.deliver([alice], [update(alice.address, bob.address)])).toMatchObject({ code: 0 });
    expect(chain.balance(bob.address, `nft/${scopeAddr(a)}`)).toBe(1n);
    const again = await chain.deliver([bob], [update(bob.address, bob.address)]);
    expect(again.log).toContain(`scope "${scopeAddr(a)}" already has the proposed value owner "${bob.address}"`);

    const migrate = msg(md.MsgMigrateValueOwnerRequestSchema, {
      existing: bob.address,
      proposed: alice.address,
      signers: [bob.address],
    });
    expect(await chain.deliver([bob], [migrate])).toMatchObject({ code: 0 });
    expect(chain.balance(alice.address, `nft/${scopeAddr(a)}`)).toBe(1n);
    expect(chain.balance(alice.address, `nft/${scopeAddr(b)}`)).toBe(1n);
    const none = await chain.deliver([bob], [migrate]);
    expect(none).toMatchObject({ code: 38, codespace: "sdk" });
    expect(none.log).toContain(`no scopes found with value owner "${bob.address}": not found`);
  });

  it("refuses an empty scope list before the mempool — MsgUpdateValueOwnersRequest.ValidateBasic", async () => {
    const empty = msg(md.MsgUpdateValueOwnersRequestSchema, {
      scopeIds: [],
      valueOwnerAddress: bob.address,
      signers: [alice.address],
    });
    const { checkTx } = await chain.submit([alice], [empty]);
    expect(checkTx).toMatchObject({ code: 1, log: "at least one scope id is required" });
  });
});

describe("net asset values (MsgWriteScopeRequest.usd_mills, Query/ScopeNetAssetValues)", () => {
  it("sets a usd NAV at the block height and answers it", async () => {
    const uuid = randomUUID();
    const write = msg(md.MsgWriteScopeRequestSchema, {
      scope: {
        scopeId: scopeId(uuid),
        specificationId: scopeSpecId,
        owners: [party(alice.address, OWNER)],
      },
      signers: [alice.address],
      usdMills: 1234n,
    });
    const result = await chain.deliver([alice], [write]);
    expect(result).toMatchObject({ code: 0 });
    const event = result.events.find((e) => e.type === "provenance.metadata.v1.EventSetNetAssetValue");
    expect(Object.fromEntries(event!.attributes.map((a) => [a.key, a.value]))).toMatchObject({
      price: '"1234usd"',
      scope_id: `"${scopeAddr(uuid)}"`,
      source: '"metadata"',
      volume: '"1"',
    });
    const navs = chain.query(
      "/provenance.metadata.v1.Query/ScopeNetAssetValues",
      md.QueryScopeNetAssetValuesRequestSchema,
      { id: scopeAddr(uuid) },
      md.QueryScopeNetAssetValuesResponseSchema,
    );
    expect(navs.netAssetValues.map((n) => [n.price?.denom, n.price?.amount, n.volume])).toEqual([["usd", "1234", 1n]]);
    expect(navs.netAssetValues[0]!.updatedBlockHeight).toBeGreaterThan(0n);
  });

  it("answers metadata Params, and an unknown path with the chain's unknown-query result", () => {
    const params = chain.query(
      "/provenance.metadata.v1.Query/Params",
      md.QueryParamsRequestSchema,
      {},
      md.QueryParamsResponseSchema,
    );
    expect(params.params).toBeDefined();
    expect(chain.devnet.query("/provenance.marker.v1.Query/Marker", new Uint8Array())).toMatchObject({
      code: 6,
      codespace: "sdk",
      log: "unknown query path: unknown request",
    });
  });
});
