// The chain and helpers the metadata msg-server tests share: accounts, specifications written at
// start, how a refusal is expected to read, and a scope builder.
import { randomUUID } from "node:crypto";
import { MetadataAddress } from "@p8e/spec-model";
import * as md from "@p8e/spec-model/metadata";
import { expect } from "vitest";
import type { TxResult } from "../store/database.js";
import {
  contractSpecId,
  contractSpecMsg,
  devAccount,
  namedAccount,
  party,
  recordSpecMsg,
  scopeMsg,
  scopeSpecMsg,
  sessionMsg,
  type TestAccount,
  TestChain,
} from "./fixtures.js";

export const { OWNER, SERVICER, AFFILIATE, PROVENANCE } = md.PartyType;

export let chain: TestChain;
export let alice: TestAccount;
export let bob: TestAccount;
export let carol: TestAccount;
export let erin: TestAccount;

// A second scope spec that needs OWNER and SERVICER; a contract spec that no scope spec lists.
export const STRICT_SCOPE_SPEC_UUID = "0c0d0e0f-1111-4222-8333-444455556666";
export const strictScopeSpecId = MetadataAddress.forScopeSpecification(STRICT_SCOPE_SPEC_UUID).bytes;
export const LONE_CONTRACT_SPEC_UUID = "aaaabbbb-cccc-4ddd-8eee-ffff00001111";
export const loneContractSpecId = MetadataAddress.forContractSpecification(LONE_CONTRACT_SPEC_UUID).bytes;

/** Starts the chain the msg-server tests share and writes its specifications (a beforeAll). */
export async function startMsgServerChain(): Promise<void> {
  [alice, bob, carol, erin] = await Promise.all([
    devAccount("alice"),
    devAccount("bob"),
    devAccount("carol"),
    namedAccount("erin"),
  ]);
  chain = await TestChain.start({
    genesis: {
      accounts: [
        { address: alice.address, nhash: 10n ** 18n },
        { address: bob.address, nhash: 10n ** 18n },
        { address: carol.address, nhash: 10n ** 18n },
        // Funded but never signs: the chain takes such an account for a smart contract.
        { address: erin.address, nhash: 1n },
      ],
    },
  });
  const setup = await chain.deliver(
    [alice],
    [
      contractSpecMsg(alice.address),
      recordSpecMsg(alice.address),
      recordSpecMsg(alice.address, "list", { resultType: md.DefinitionType.RECORD_LIST, inputs: [] }),
      recordSpecMsg(alice.address, "serviced", { roles: [SERVICER], inputs: [] }),
      contractSpecMsg(alice.address, [OWNER], [alice.address], LONE_CONTRACT_SPEC_UUID),
      scopeSpecMsg(alice.address),
      scopeSpecMsg(alice.address, [OWNER, SERVICER], [contractSpecId], { uuid: STRICT_SCOPE_SPEC_UUID }),
    ],
  );
  expect(setup).toMatchObject({ code: 0, log: "" });
  // Until an account has signed a tx it has no public key, and x/metadata would take it for a smart
  // contract (see the PROVENANCE test); bob and carol sign once so that they are ordinary accounts.
  for (const account of [bob, carol]) {
    const send = {
      typeUrl: "/cosmos.bank.v1beta1.MsgSend",
      value: { fromAddress: account.address, toAddress: alice.address, amount: [{ denom: "nhash", amount: "1" }] },
    };
    expect(await chain.deliver([account], [send])).toMatchObject({ code: 0 });
  }
}

/**
 * How the msg server reports a refusal (keeper/msg_server.go since v1.16): a failed Validate* as
 * sdkerrors.ErrInvalidRequest (18), a missing entry as ErrNotFound (38), both with the SDK's
 * description after the reason; Scope.AddOwners / RemoveOwners errors unwrapped (code 1).
 */
export const kinds = {
  invalidRequest: { codespace: "sdk", code: 18, suffix: ": invalid request" },
  notFound: { codespace: "sdk", code: 38, suffix: ": not found" },
  unauthorized: { codespace: "sdk", code: 4, suffix: ": unauthorized" },
  plain: { codespace: "undefined", code: 1, suffix: "" },
} as const;

export function expectRefusal(
  result: TxResult,
  reason: string | RegExp,
  index = 0,
  kind: keyof typeof kinds = "invalidRequest",
): void {
  const { codespace, code, suffix } = kinds[kind];
  expect({ code: result.code, codespace: result.codespace }).toEqual({ code, codespace });
  const prefix = `failed to execute message; message index: ${index}: `;
  expect(result.log.startsWith(prefix)).toBe(true);
  expect(result.log.endsWith(suffix)).toBe(true);
  const text = result.log.slice(prefix.length, result.log.length - suffix.length);
  if (typeof reason === "string") expect(text).toBe(reason);
  else expect(text).toMatch(reason);
}

export function expectSuccess(result: TxResult): void {
  expect({ code: result.code, log: result.log }).toEqual({ code: 0, log: "" });
}

export function scopeQuery(uuid: string) {
  return chain.query(
    "/provenance.metadata.v1.Query/Scope",
    md.ScopeRequestSchema,
    { scopeId: uuid, includeSessions: true, includeRecords: true },
    md.ScopeResponseSchema,
  );
}

/** A new scope owned by alice (OWNER) with one session and no records. */
export async function aliceScope(extra: Parameters<typeof scopeMsg>[3] = {}) {
  const scope = randomUUID();
  const session = randomUUID();
  expectSuccess(
    await chain.deliver(
      [alice],
      [
        scopeMsg(scope, [party(alice.address)], [alice.address], extra),
        sessionMsg(scope, session, [party(alice.address)], [alice.address]),
      ],
    ),
  );
  return { scope, session };
}

export const addr = (bytes: Uint8Array) => MetadataAddress.fromBytes(bytes).toString();
