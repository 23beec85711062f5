import { sha256 } from "@noble/hashes/sha2.js";
import { MsgWriteScopeRequestSchema, PartyType } from "@p8e/spec-model/metadata";
import { GetTxRequest, GetTxResponse } from "cosmjs-types/cosmos/tx/v1beta1/service";
import { TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  contractSpecMsg,
  devAccount,
  msg,
  namedAccount,
  party,
  recordSpecMsg,
  scopeMsg,
  signTx,
  type TestAccount,
  TestChain,
} from "./testdata/fixtures.js";

let chain: TestChain;
let alice: TestAccount;
let bob: TestAccount;
let carol: TestAccount;

beforeAll(async () => {
  chain = await TestChain.start();
  [alice, bob, carol] = await Promise.all([devAccount("alice"), devAccount("bob"), devAccount("carol")]);
});
afterAll(() => chain.stop());

const sendMsg = (from: string, to: string, amount = "1") => ({
  typeUrl: "/cosmos.bank.v1beta1.MsgSend",
  value: { fromAddress: from, toAddress: to, amount: [{ denom: "nhash", amount }] },
});

describe("Application.checkTx()", () => {
  it("accepts a well-signed tx and increments the sequence", async () => {
    const before = chain.accountState(carol.address)!.sequence;
    const outcome = await chain.submit([carol], [sendMsg(carol.address, bob.address)], {
      fee: { amount: "5000000000" },
    });
    expect(outcome.checkTx.code).toBe(0);
    expect(outcome.txResult?.code).toBe(0);
    expect(chain.accountState(carol.address)!.sequence).toBe(before + 1n);
  });

  it("refuses a bad signature as sdk/4 unauthorized and leaves the account alone", async () => {
    const state = chain.accountState(alice.address)!;
    const tx = TxRaw.decode(await chain.sign([alice], [sendMsg(alice.address, bob.address)]));
    const bad = new Uint8Array(tx.signatures[0]!);
    bad[10] = bad[10]! ^ 0xff;
    const outcome = await chain.devnet.broadcastTx(TxRaw.encode({ ...tx, signatures: [bad] }).finish());
    expect(outcome.checkTx).toMatchObject({
      code: 4,
      codespace: "sdk",
      log: `signature verification failed; please verify account number (${state.accountNumber}), sequence (${state.sequence}) and chain-id (testing): unauthorized`,
    });
    expect(outcome.txResult).toBeUndefined();
    expect(chain.accountState(alice.address)).toEqual(state);
  });

  it("refuses the high-S twin of a good signature, which ECDSA alone would accept", async () => {
    const state = chain.accountState(alice.address)!;
    const tx = TxRaw.decode(await chain.sign([alice], [sendMsg(alice.address, bob.address)]));
    const good = tx.signatures[0]!;
    const order = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
    const s = BigInt(`0x${Buffer.from(good.subarray(32)).toString("hex")}`);
    const twin = Uint8Array.from([
      ...good.subarray(0, 32),
      ...Buffer.from((order - s).toString(16).padStart(64, "0"), "hex"),
    ]);
    const outcome = await chain.devnet.broadcastTx(TxRaw.encode({ ...tx, signatures: [twin] }).finish());
    expect(outcome.checkTx).toMatchObject({ code: 4, codespace: "sdk" });
    expect(chain.accountState(alice.address)).toEqual(state);
    // The low-S original goes through.
    expect((await chain.devnet.broadcastTx(TxRaw.encode(tx).finish())).checkTx.code).toBe(0);
  });

  it("refuses a signature whose r is not below the group order", async () => {
    const tx = TxRaw.decode(await chain.sign([alice], [sendMsg(alice.address, bob.address)]));
    const bad = new Uint8Array(tx.signatures[0]!);
    bad.fill(0xff, 0, 32);
    const outcome = await chain.devnet.broadcastTx(TxRaw.encode({ ...tx, signatures: [bad] }).finish());
    expect(outcome.checkTx).toMatchObject({ code: 4, codespace: "sdk" });
  });

  it("refuses a signature over another chain id or account number", async () => {
    const state = chain.accountState(alice.address)!;
    const wrongChain = await signTx(
      "pio-testnet-1",
      [{ account: alice, ...state }],
      [sendMsg(alice.address, bob.address)],
    );
    expect((await chain.devnet.broadcastTx(wrongChain)).checkTx).toMatchObject({ code: 4, codespace: "sdk" });
    const wrongNumber = await signTx(
      "testing",
      [{ account: alice, accountNumber: state.accountNumber + 7n, sequence: state.sequence }],
      [sendMsg(alice.address, bob.address)],
    );
    expect((await chain.devnet.broadcastTx(wrongNumber)).checkTx.log).toMatch(/^signature verification failed/);
  });

  it("refuses a wrong sequence as sdk/32 with the expected and given numbers", async () => {
    const state = chain.accountState(alice.address)!;
    const tx = await signTx(
      "testing",
      [{ account: alice, accountNumber: state.accountNumber, sequence: state.sequence + 1n }],
      [sendMsg(alice.address, bob.address)],
    );
    expect((await chain.devnet.broadcastTx(tx)).checkTx).toMatchObject({
      code: 32,
      codespace: "sdk",
      log: `account sequence mismatch, expected ${state.sequence}, got ${state.sequence + 1n}: incorrect account sequence`,
    });
  });

  it("refuses a tx that lacks the signature of a Msg signer", async () => {
    const twoSigners = contractSpecMsg(alice.address, [PartyType.OWNER], [alice.address, bob.address]);
    const outcome = await chain.submit([alice], [twoSigners]);
    expect(outcome.checkTx).toMatchObject({
      code: 4,
      codespace: "sdk",
      log: "wrong number of signers; expected 2, got 1: unauthorized",
    });
  });

  it("refuses a public key that is not the signer's", async () => {
    const state = chain.accountState(alice.address)!;
    // Bob signs for alice's address: the key in the signer info does not hash to alice.
    const tx = await signTx(
      "testing",
      [{ account: { ...bob, address: bob.address }, ...state }],
      [sendMsg(alice.address, bob.address)],
    );
    expect((await chain.devnet.broadcastTx(tx)).checkTx).toMatchObject({
      code: 8,
      codespace: "sdk",
      log: `pubKey does not match signer address ${alice.address} with signer index: 0: invalid pubkey`,
    });
  });

  it("refuses a fee below the flat fee of the Msgs as sdk/13", async () => {
    const outcome = await chain.submit([alice], [sendMsg(alice.address, bob.address)], {
      fee: { amount: "4999999999" },
    });
    expect(outcome.checkTx).toMatchObject({
      code: 13,
      codespace: "sdk",
      log: 'fee required: "5000000000nhash", fee provided: "4999999999nhash": insufficient fee',
    });
  });

  it("refuses an unknown fee payer as sdk/9 and a payer short of funds as sdk/5", async () => {
    const dave = await namedAccount("dave");
    const unknown = await chain.submit([dave], [sendMsg(dave.address, bob.address)], { fee: { amount: "5000000000" } });
    expect(unknown.checkTx).toMatchObject({
      code: 9,
      codespace: "sdk",
      log: `fee payer address "${dave.address}" does not exist: unknown address`,
    });
    await chain.deliver([alice], [sendMsg(alice.address, dave.address, "100")], { fee: { amount: "5000000000" } });
    const poor = await chain.submit([dave], [sendMsg(dave.address, bob.address)], { fee: { amount: "5000000000" } });
    expect(poor.checkTx).toMatchObject({
      code: 5,
      codespace: "sdk",
      log: `account "${dave.address}" balance: "100nhash", required: "5000000000nhash": insufficient funds`,
    });
  });

  it("refuses bytes that are not a tx, and Msg types it does not know, as sdk/2", async () => {
    const garbage = await chain.devnet.broadcastTx(Uint8Array.of(0xff, 0xff, 0xff, 0x01));
    expect(garbage.checkTx).toMatchObject({ code: 2, codespace: "sdk" });
    expect(garbage.checkTx.log).toMatch(/tx parse error$/);
    const unknown = await chain.submit([alice], [{ typeUrl: "/cosmos.bank.v1beta1.MsgMultiSend", value: {} }]);
    expect(unknown.checkTx).toMatchObject({
      code: 2,
      log: "unable to resolve type URL /cosmos.bank.v1beta1.MsgMultiSend: tx parse error",
    });
  });

  it("refuses a Msg that fails ValidateBasic with the module's plain error", async () => {
    const badScope = msg(MsgWriteScopeRequestSchema, {
      scope: { scopeId: Uint8Array.of(9, 2, 3), owners: [party(alice.address)] },
      signers: [alice.address],
    });
    expect((await chain.submit([alice], [badScope])).checkTx).toMatchObject({
      code: 1,
      codespace: "undefined",
      log: "invalid scope metadata address MetadataAddress{0x9, 0x2, 0x3}: invalid metadata address type: 9",
    });
  });

  it("refuses a tx past its timeout height and a memo over 1024 characters", async () => {
    const late = await chain.submit([alice], [sendMsg(alice.address, bob.address)], { timeoutHeight: 1n });
    expect(late.checkTx).toMatchObject({ code: 30, codespace: "sdk" });
    const chatty = await chain.submit([alice], [sendMsg(alice.address, bob.address)], { memo: "x".repeat(1025) });
    expect(chatty.checkTx).toMatchObject({
      code: 12,
      log: "maximum number of characters is 1024 but received 1025 characters: memo too large",
    });
  });
});

describe("Application.deliverTx()", () => {
  it("reverts every Msg of a tx when one fails, keeping the up-front fee and the sequence bump", async () => {
    const state = chain.accountState(alice.address)!;
    const balance = chain.balance(alice.address);
    const result = await chain.deliver(
      [alice],
      [
        contractSpecMsg(alice.address),
        scopeMsg("11111111-2222-3333-4444-555555555555", [party(alice.address)], [alice.address]),
      ],
      { fee: { amount: "60000000000" } },
    );
    // msg_server.go WriteScope wraps ValidateWriteScope's error as sdkerrors.ErrInvalidRequest.
    expect(result.code).toBe(18);
    expect(result.codespace).toBe("sdk");
    expect(result.log).toMatch(
      /^failed to execute message; message index: 1: scope specification scopespec1\w+ not found: invalid request$/,
    );
    // The contract spec of Msg 0 was rolled back.
    const again = await chain.deliver([alice], [recordSpecMsg(alice.address)], { fee: { amount: "20000000000" } });
    expect(again.log).toMatch(
      /^failed to execute message; message index: 0: contract specification not found with id contractspec1/,
    );
    // Up front: min(cost, default) per Msg = 2 × 5,000,000,000 for the first tx, 5,000,000,000 for the second.
    expect(chain.balance(alice.address)).toBe(balance - 15_000_000_000n);
    expect(chain.accountState(alice.address)!.sequence).toBe(state.sequence + 2n);
  });

  it("charges the whole provided fee when the tx succeeds", async () => {
    const balance = chain.balance(bob.address);
    const result = await chain.deliver([bob], [sendMsg(bob.address, carol.address, "7")], {
      fee: { amount: "9000000000" },
    });
    expect(result.code).toBe(0);
    expect(chain.balance(bob.address)).toBe(balance - 9_000_000_007n);
    const feeEvent = result.events.find((e) => e.type === "tx" && e.attributes.some((a) => a.key === "basefee"));
    expect(feeEvent?.attributes).toEqual(
      expect.arrayContaining([
        { key: "basefee", value: "5000000000nhash", index: true },
        { key: "fee_overage", value: "4000000000nhash", index: true },
        { key: "total", value: "9000000000nhash", index: true },
      ]),
    );
  });

  it("tags every Msg's events with its message index", async () => {
    const result = await chain.deliver(
      [bob],
      [sendMsg(bob.address, carol.address), sendMsg(bob.address, alice.address)],
      { fee: { amount: "10000000000" } },
    );
    const messages = result.events.filter((e) => e.type === "message" && e.attributes.some((a) => a.key === "action"));
    expect(messages.map((e) => e.attributes.find((a) => a.key === "msg_index")?.value)).toEqual(["0", "1"]);
    expect(messages[0]?.attributes).toContainEqual({ key: "module", value: "bank", index: true });
  });

  it("keeps the tx bytes it was given, under the uppercase hex SHA-256 of those bytes", async () => {
    const bytes = await chain.sign([carol], [sendMsg(carol.address, alice.address)], { fee: { amount: "5000000000" } });
    const outcome = await chain.devnet.broadcastTx(bytes);
    expect(outcome.hash).toBe(Buffer.from(sha256(bytes)).toString("hex").toUpperCase());
    const stored = chain.devnet.query(
      "/cosmos.tx.v1beta1.Service/GetTx",
      GetTxRequest.encode({ hash: outcome.hash }).finish(),
    );
    const response = GetTxResponse.decode(stored.value).txResponse!;
    expect(response.tx?.value).toEqual(bytes);
    expect(Number(response.height)).toBe(outcome.height);
    expect(response.txhash).toBe(outcome.hash);
  });
});
