import { randomUUID } from "node:crypto";
import { create } from "@bufbuild/protobuf";
import { MetadataAddress } from "@p8e/spec-model";
import * as md from "@p8e/spec-model/metadata";
import { GenericAuthorization } from "cosmjs-types/cosmos/authz/v1beta1/authz";
import { QueryGrantsRequest, QueryGrantsResponse } from "cosmjs-types/cosmos/authz/v1beta1/query";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TxResult } from "../../store/database.js";
import {
  CONTRACT_SPEC_UUID,
  contractSpecId,
  contractSpecMsg,
  devAccount,
  execMsg,
  grantMsg,
  msg,
  namedAccount,
  party,
  recordMsg,
  recordSpecMsg,
  revokeMsg,
  SCOPE_SPEC_UUID,
  scopeId,
  scopeMsg,
  scopeSpecId,
  scopeSpecMsg,
  sessionId,
  sessionMsg,
  type TestAccount,
  TestChain,
  url,
} from "../../testdata/fixtures.js";

const { OWNER, SERVICER, AFFILIATE, PROVENANCE } = md.PartyType;

let chain: TestChain;
let alice: TestAccount;
let bob: TestAccount;
let carol: TestAccount;
let erin: TestAccount;

// A second scope spec that needs OWNER and SERVICER; a contract spec that no scope spec lists.
const STRICT_SCOPE_SPEC_UUID = "0c0d0e0f-1111-4222-8333-444455556666";
const strictScopeSpecId = MetadataAddress.forScopeSpecification(STRICT_SCOPE_SPEC_UUID).bytes;
const LONE_CONTRACT_SPEC_UUID = "aaaabbbb-cccc-4ddd-8eee-ffff00001111";
const loneContractSpecId = MetadataAddress.forContractSpecification(LONE_CONTRACT_SPEC_UUID).bytes;

beforeAll(async () => {
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
});
afterAll(() => chain.stop());

/**
 * How the msg server reports a refusal (keeper/msg_server.go since v1.16): a failed Validate* as
 * sdkerrors.ErrInvalidRequest (18), a missing entry as ErrNotFound (38), both with the SDK's
 * description after the reason; Scope.AddOwners / RemoveOwners errors unwrapped (code 1).
 */
const kinds = {
  invalidRequest: { codespace: "sdk", code: 18, suffix: ": invalid request" },
  notFound: { codespace: "sdk", code: 38, suffix: ": not found" },
  unauthorized: { codespace: "sdk", code: 4, suffix: ": unauthorized" },
  plain: { codespace: "undefined", code: 1, suffix: "" },
} as const;

function expectRefusal(
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

function expectSuccess(result: TxResult): void {
  expect({ code: result.code, log: result.log }).toEqual({ code: 0, log: "" });
}

function scopeQuery(uuid: string) {
  return chain.query(
    "/provenance.metadata.v1.Query/Scope",
    md.ScopeRequestSchema,
    { scopeId: uuid, includeSessions: true, includeRecords: true },
    md.ScopeResponseSchema,
  );
}

/** A new scope owned by alice (OWNER) with one session and no records. */
async function aliceScope(extra: Parameters<typeof scopeMsg>[3] = {}) {
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

const addr = (bytes: Uint8Array) => MetadataAddress.fromBytes(bytes).toString();

describe("MsgWriteScopeRequest", () => {
  it("needs the scope specification to exist", async () => {
    const missing = MetadataAddress.forScopeSpecification(randomUUID()).bytes;
    const refused = await chain.deliver(
      [alice],
      [scopeMsg(randomUUID(), [party(alice.address)], [alice.address], { specificationId: missing })],
    );
    expectRefusal(refused, `scope specification ${addr(missing)} not found`);
    expectSuccess(await chain.deliver([alice], [scopeMsg(randomUUID(), [party(alice.address)], [alice.address])]));
  });

  it("needs an owner for every role the scope specification lists", async () => {
    const refused = await chain.deliver(
      [alice],
      [scopeMsg(randomUUID(), [party(alice.address)], [alice.address], { specificationId: strictScopeSpecId })],
    );
    expectRefusal(refused, "missing roles required by spec: SERVICER need 1 have 0");
    const accepted = await chain.deliver(
      [alice],
      [
        scopeMsg(randomUUID(), [party(alice.address), party(bob.address, SERVICER)], [alice.address], {
          specificationId: strictScopeSpecId,
        }),
      ],
    );
    expectSuccess(accepted);
  });

  it("lets anyone create a scope, but only all existing owners change it", async () => {
    const uuid = randomUUID();
    // Bob creates a scope that alice owns: no owner signature is needed for a new scope.
    expectSuccess(await chain.deliver([bob], [scopeMsg(uuid, [party(alice.address)], [bob.address])]));
    const change = scopeMsg(uuid, [party(alice.address)], [bob.address], { dataAccess: [bob.address] });
    expectRefusal(await chain.deliver([bob], [change]), `missing signature: ${alice.address}`);
    expectSuccess(
      await chain.deliver(
        [alice],
        [scopeMsg(uuid, [party(alice.address)], [alice.address], { dataAccess: [bob.address] })],
      ),
    );
    expect(scopeQuery(uuid).scope?.scope?.dataAccess).toEqual([bob.address]);
  });

  it("accepts an authz grant from an owner in place of the owner's signature, until it is revoked", async () => {
    const uuid = randomUUID();
    expectSuccess(await chain.deliver([alice], [scopeMsg(uuid, [party(alice.address)], [alice.address])]));
    expectSuccess(await chain.deliver([alice], [grantMsg(alice.address, bob.address, url("MsgWriteScopeRequest"))]));
    const change = scopeMsg(uuid, [party(alice.address)], [bob.address], { dataAccess: [carol.address] });
    expectSuccess(await chain.deliver([bob], [change]));
    expectSuccess(await chain.deliver([alice], [revokeMsg(alice.address, bob.address, url("MsgWriteScopeRequest"))]));
    const again = scopeMsg(uuid, [party(alice.address)], [bob.address], { dataAccess: [] });
    expectRefusal(await chain.deliver([bob], [again]), `missing signature: ${alice.address}`);
  });

  it("with require_party_rollup, needs the required owners and the spec's roles to sign, not the optional ones", async () => {
    const uuid = randomUUID();
    const owners = [party(alice.address, OWNER), party(bob.address, SERVICER, true)];
    expectSuccess(await chain.deliver([bob], [scopeMsg(uuid, owners, [bob.address], { requirePartyRollup: true })]));
    const byBob = scopeMsg(uuid, owners, [bob.address], { requirePartyRollup: true, dataAccess: [carol.address] });
    expectRefusal(await chain.deliver([bob], [byBob]), `missing required signature: ${alice.address} (OWNER)`);
    const byAlice = scopeMsg(uuid, owners, [alice.address], { requirePartyRollup: true, dataAccess: [carol.address] });
    expectSuccess(await chain.deliver([alice], [byAlice]));
  });

  it("allows optional owners only with require_party_rollup", async () => {
    const optionalOwner = [party(alice.address), party(bob.address, SERVICER, true)];
    const refused = await chain.submit([alice], [scopeMsg(randomUUID(), optionalOwner, [alice.address])]);
    expect(refused.checkTx).toMatchObject({
      code: 1,
      log: "parties can only be optional when require_party_rollup = true",
    });
    const accepted = scopeMsg(randomUUID(), optionalOwner, [alice.address], { requirePartyRollup: true });
    expectSuccess(await chain.deliver([alice], [accepted]));
  });

  it("moves the value owner only with the current value owner's signature, which is then all it needs", async () => {
    const uuid = randomUUID();
    const owners = [party(alice.address)];
    expectSuccess(
      await chain.deliver([alice], [scopeMsg(uuid, owners, [alice.address], { valueOwnerAddress: carol.address })]),
    );
    const denom = `nft/${MetadataAddress.forScope(uuid).toString()}`;
    expect(chain.balance(carol.address, denom)).toBe(1n);
    const byBob = scopeMsg(uuid, owners, [bob.address], { valueOwnerAddress: bob.address });
    expectRefusal(
      await chain.deliver([bob], [byBob]),
      `missing signature from existing value owner "${carol.address}"`,
    );
    // Only the value owner changes, so carol (not an owner) may do it alone.
    const byCarol = scopeMsg(uuid, owners, [carol.address], { valueOwnerAddress: bob.address });
    expectSuccess(await chain.deliver([carol], [byCarol]));
    expect(chain.balance(bob.address, denom)).toBe(1n);
    expect(chain.balance(carol.address, denom)).toBe(0n);
    expect(scopeQuery(uuid).scope?.scope?.valueOwnerAddress).toBe(bob.address);
    const owned = chain.query(
      "/provenance.metadata.v1.Query/ValueOwnership",
      md.ValueOwnershipRequestSchema,
      { address: bob.address },
      md.ValueOwnershipResponseSchema,
    );
    expect(owned.scopeUuids).toContain(uuid);
  });

  it("lets a grantee of the current value owner move the value owner", async () => {
    const uuid = randomUUID();
    const owners = [party(alice.address)];
    expectSuccess(
      await chain.deliver([alice], [scopeMsg(uuid, owners, [alice.address], { valueOwnerAddress: carol.address })]),
    );
    const move = scopeMsg(uuid, owners, [bob.address], { valueOwnerAddress: bob.address });
    expectRefusal(await chain.deliver([bob], [move]), `missing signature from existing value owner "${carol.address}"`);
    expectSuccess(await chain.deliver([carol], [grantMsg(carol.address, bob.address, url("MsgWriteScopeRequest"))]));
    expectSuccess(await chain.deliver([bob], [move]));
    expect(scopeQuery(uuid).scope?.scope?.valueOwnerAddress).toBe(bob.address);
    expectSuccess(await chain.deliver([carol], [revokeMsg(carol.address, bob.address, url("MsgWriteScopeRequest"))]));
  });

  it("needs a PROVENANCE role for a smart-contract-looking owner and a smart contract for a PROVENANCE role", async () => {
    const asOwner = await chain.deliver(
      [alice],
      [scopeMsg(randomUUID(), [party(alice.address), party(erin.address, AFFILIATE)], [alice.address])],
    );
    expectRefusal(asOwner, `account "${erin.address}" is a smart contract but does not have the PROVENANCE role`);
    const asProvenance = await chain.deliver(
      [alice],
      [scopeMsg(randomUUID(), [party(alice.address), party(bob.address, PROVENANCE)], [alice.address])],
    );
    expectRefusal(asProvenance, `account "${bob.address}" has role PROVENANCE but is not a smart contract`);
    const contractAsProvenance = await chain.deliver(
      [alice],
      [scopeMsg(randomUUID(), [party(alice.address), party(erin.address, PROVENANCE)], [alice.address])],
    );
    expectSuccess(contractAsProvenance);
  });
});

describe("MsgDeleteScopeRequest", () => {
  it("needs the value owner's signature besides the owners'", async () => {
    const { scope } = await aliceScope({ valueOwnerAddress: carol.address });
    const del = (signers: string[]) => msg(md.MsgDeleteScopeRequestSchema, { scopeId: scopeId(scope), signers });
    expectRefusal(
      await chain.deliver([alice], [del([alice.address])]),
      `missing signature from existing value owner "${carol.address}"`,
    );
    expectSuccess(await chain.deliver([alice, carol], [del([alice.address, carol.address])]));
  });

  it("needs every owner and the value owner, and removes records, sessions and the value-owner coin", async () => {
    const { scope, session } = await aliceScope({ valueOwnerAddress: alice.address });
    expectSuccess(await chain.deliver([alice], [recordMsg(scope, session, [alice.address])]));
    const del = (signer: string) => msg(md.MsgDeleteScopeRequestSchema, { scopeId: scopeId(scope), signers: [signer] });
    expectRefusal(await chain.deliver([bob], [del(bob.address)]), `missing signature: ${alice.address}`);
    expectSuccess(await chain.deliver([alice], [del(alice.address)]));
    const after = scopeQuery(scope);
    expect(after.scope?.scope).toBeUndefined();
    expect(after.sessions).toEqual([]);
    expect(after.records).toEqual([]);
    expect(chain.balance(alice.address, `nft/${MetadataAddress.forScope(scope).toString()}`)).toBe(0n);
    expectRefusal(
      await chain.deliver([alice], [del(alice.address)]),
      `scope not found with id ${MetadataAddress.forScope(scope)}`,
    );
  });
});

describe("MsgAddScopeDataAccessRequest and MsgDeleteScopeDataAccessRequest", () => {
  it("adds new data-access addresses with the owners' signatures, refusing duplicates", async () => {
    const { scope } = await aliceScope();
    const add = (signer: string, addresses: string[]) =>
      msg(md.MsgAddScopeDataAccessRequestSchema, { scopeId: scopeId(scope), dataAccess: addresses, signers: [signer] });
    expectRefusal(await chain.deliver([bob], [add(bob.address, [bob.address])]), `missing signature: ${alice.address}`);
    expectSuccess(await chain.deliver([alice], [add(alice.address, [bob.address])]));
    expectRefusal(
      await chain.deliver([alice], [add(alice.address, [bob.address])]),
      `address already exists for data access ${bob.address}`,
    );
    const ownership = chain.query(
      "/provenance.metadata.v1.Query/Ownership",
      md.OwnershipRequestSchema,
      { address: bob.address },
      md.OwnershipResponseSchema,
    );
    expect(ownership.scopeUuids).toContain(scope);
  });

  it("deletes only addresses that have data access", async () => {
    const { scope } = await aliceScope({ dataAccess: [bob.address] });
    const del = (addresses: string[]) =>
      msg(md.MsgDeleteScopeDataAccessRequestSchema, {
        scopeId: scopeId(scope),
        dataAccess: addresses,
        signers: [alice.address],
      });
    expectRefusal(
      await chain.deliver([alice], [del([carol.address])]),
      `address does not exist in scope data access: ${carol.address}`,
    );
    expectSuccess(await chain.deliver([alice], [del([bob.address])]));
    expect(scopeQuery(scope).scope?.scope?.dataAccess).toEqual([]);
  });
});

describe("MsgAddScopeOwnerRequest and MsgDeleteScopeOwnerRequest", () => {
  it("adds an owner (a new role for an address is allowed) but not the same address and role twice", async () => {
    const { scope } = await aliceScope();
    const add = (owner: md.Party) =>
      msg(md.MsgAddScopeOwnerRequestSchema, { scopeId: scopeId(scope), owners: [owner], signers: [alice.address] });
    expectRefusal(
      await chain.deliver([alice], [add(party(alice.address))]),
      `party already exists with address ${alice.address} and role PARTY_TYPE_OWNER`,
      0,
      "plain", // msg_server.go AddScopeOwner returns Scope.AddOwners' error unwrapped
    );
    expectSuccess(await chain.deliver([alice], [add(party(alice.address, SERVICER))]));
    expect(scopeQuery(scope).scope?.scope?.owners.map((o) => o.role)).toEqual([OWNER, SERVICER]);
  });

  it("removes owners, but not the last holder of a role the spec needs", async () => {
    const { scope } = await aliceScope();
    expectSuccess(
      await chain.deliver(
        [alice],
        [
          msg(md.MsgAddScopeOwnerRequestSchema, {
            scopeId: scopeId(scope),
            owners: [party(bob.address, SERVICER)],
            signers: [alice.address],
          }),
        ],
      ),
    );
    const del = (address: string, signers: string[]) =>
      msg(md.MsgDeleteScopeOwnerRequestSchema, { scopeId: scopeId(scope), owners: [address], signers });
    expectRefusal(
      await chain.deliver([alice], [del(carol.address, [alice.address])]),
      `address does not exist in scope owners: ${carol.address}`,
      0,
      "plain", // msg_server.go DeleteScopeOwner returns Scope.RemoveOwners' error unwrapped
    );
    expectRefusal(
      await chain.deliver([alice, bob], [del(alice.address, [alice.address, bob.address])]),
      "missing roles required by spec: OWNER need 1 have 0",
    );
    expectRefusal(
      await chain.deliver([alice], [del(bob.address, [alice.address])]),
      `missing signature: ${bob.address}`,
    );
    expectSuccess(await chain.deliver([alice, bob], [del(bob.address, [alice.address, bob.address])]));
  });
});

describe("MsgWriteSessionRequest", () => {
  it("needs the scope, the contract specification, and the contract spec listed in the scope spec", async () => {
    const noScope = await chain.deliver(
      [alice],
      [sessionMsg(randomUUID(), randomUUID(), [party(alice.address)], [alice.address])],
    );
    expectRefusal(noScope, /^scope not found for scope id scope1/);
    const { scope } = await aliceScope();
    const unknownSpec = MetadataAddress.forContractSpecification(randomUUID()).bytes;
    const noSpec = await chain.deliver(
      [alice],
      [sessionMsg(scope, randomUUID(), [party(alice.address)], [alice.address], { specificationId: unknownSpec })],
    );
    expectRefusal(noSpec, `cannot find contract specification ${addr(unknownSpec)}`);
    const unlisted = await chain.deliver(
      [alice],
      [
        sessionMsg(scope, randomUUID(), [party(alice.address)], [alice.address], {
          specificationId: loneContractSpecId,
        }),
      ],
    );
    expectRefusal(unlisted, `contract spec ${addr(loneContractSpecId)} not listed in scope spec ${addr(scopeSpecId)}`);
    expectSuccess(
      await chain.deliver([alice], [sessionMsg(scope, randomUUID(), [party(alice.address)], [alice.address])]),
    );
  });

  it("needs the contract spec's roles among the session parties and every scope owner's signature", async () => {
    const { scope } = await aliceScope();
    const wrongRoles = await chain.deliver(
      [alice],
      [sessionMsg(scope, randomUUID(), [party(bob.address, SERVICER)], [alice.address])],
    );
    expectRefusal(wrongRoles, "missing roles required by spec: OWNER need 1 have 0");
    const byBob = await chain.deliver([bob], [sessionMsg(scope, randomUUID(), [party(bob.address)], [bob.address])]);
    expectRefusal(byBob, `missing signature: ${alice.address}`);
    expectSuccess(await chain.deliver([alice], [grantMsg(alice.address, bob.address, url("MsgWriteSessionRequest"))]));
    expectSuccess(await chain.deliver([bob], [sessionMsg(scope, randomUUID(), [party(bob.address)], [bob.address])]));
    expectSuccess(await chain.deliver([alice], [revokeMsg(alice.address, bob.address, url("MsgWriteSessionRequest"))]));
  });

  it("with require_party_rollup, needs session parties among the owners and a signer for each role", async () => {
    const uuid = randomUUID();
    const owners = [party(alice.address, OWNER), party(bob.address, SERVICER, true)];
    expectSuccess(
      await chain.deliver([alice], [scopeMsg(uuid, owners, [alice.address], { requirePartyRollup: true })]),
    );
    const outsider = await chain.deliver(
      [alice],
      [sessionMsg(uuid, randomUUID(), [party(carol.address)], [alice.address])],
    );
    expectRefusal(outsider, `not all session parties in scope owners: missing party: ${carol.address} (OWNER)`);
    const bobOnly = await chain.deliver([bob], [sessionMsg(uuid, randomUUID(), [party(alice.address)], [bob.address])]);
    expectRefusal(bobOnly, `missing required signature: ${alice.address} (OWNER)`);
    expectSuccess(
      await chain.deliver([alice], [sessionMsg(uuid, randomUUID(), [party(alice.address)], [alice.address])]),
    );
  });

  it("keeps the specification and audit fields of an existing session, and versions the audit", async () => {
    const { scope, session } = await aliceScope();
    const first = scopeQuery(scope).sessions[0]?.session;
    expect(first?.audit).toMatchObject({ version: 1, createdBy: alice.address, updatedBy: "" });
    const moved = await chain.deliver(
      [alice],
      [sessionMsg(scope, session, [party(alice.address)], [alice.address], { specificationId: loneContractSpecId })],
    );
    expectRefusal(
      moved,
      `cannot update specification identifier. expected ${addr(contractSpecId)}, got ${addr(loneContractSpecId)}`,
    );
    const unnamed = await chain.deliver(
      [alice],
      [sessionMsg(scope, session, [party(alice.address)], [alice.address], { name: "" })],
    );
    expectRefusal(unnamed, "proposed name to existing session must not be empty");
    const forged = await chain.deliver(
      [alice],
      [
        sessionMsg(scope, session, [party(alice.address)], [alice.address], {
          audit: { ...first!.audit!, createdBy: bob.address },
        }),
      ],
    );
    expectRefusal(forged, "attempt to modify created-by audit field, modification not allowed");
    expectSuccess(
      await chain.deliver(
        [alice],
        [sessionMsg(scope, session, [party(alice.address)], [alice.address], { audit: first!.audit! })],
      ),
    );
    expect(scopeQuery(scope).sessions[0]?.session?.audit).toMatchObject({
      version: 2,
      createdBy: alice.address,
      updatedBy: alice.address,
    });
  });
});

describe("MsgWriteRecordRequest", () => {
  it("needs the session and a record specification for the record's name", async () => {
    const { scope, session } = await aliceScope();
    const noSession = await chain.deliver([alice], [recordMsg(scope, randomUUID(), [alice.address])]);
    expectRefusal(noSession, /^session not found for session id session1/);
    const unknownName = await chain.deliver(
      [alice],
      [recordMsg(scope, session, [alice.address], { name: "farewell" })],
    );
    const recSpec = MetadataAddress.forRecordSpecification(CONTRACT_SPEC_UUID, "farewell").toString();
    expectRefusal(
      unknownName,
      `record specification not found for record specification id ${recSpec} (contract spec uuid ${CONTRACT_SPEC_UUID} and record name farewell)`,
    );
    expectSuccess(await chain.deliver([alice], [recordMsg(scope, session, [alice.address])]));
    const stored = scopeQuery(scope).records[0]?.record;
    expect(stored?.specificationId).toEqual(
      MetadataAddress.forRecordSpecification(CONTRACT_SPEC_UUID, "greeting").bytes,
    );
  });

  it("needs the inputs the record specification names, with its type names and source kinds", async () => {
    const { scope, session } = await aliceScope();
    const write = (inputs: NonNullable<Parameters<typeof recordMsg>[3]>["inputs"]) =>
      chain.deliver([alice], [recordMsg(scope, session, [alice.address], { inputs: inputs ?? [] })]);
    const proposed = {
      name: "name",
      typeName: "io.p8e.Name",
      source: { case: "hash" as const, value: "aGk=" },
      status: md.RecordInputStatus.PROPOSED,
    };
    expectRefusal(await write([]), "missing input [name]");
    expectRefusal(await write([proposed, { ...proposed, name: "extra" }]), "extra input [extra]");
    expectRefusal(await write([proposed, proposed]), "input name name provided twice");
    expectRefusal(
      await write([{ ...proposed, typeName: "io.p8e.Other" }]),
      "input name has TypeName io.p8e.Other but spec calls for io.p8e.Name",
    );
    const missingRecord = MetadataAddress.forRecord(scope, "nothing-here").bytes;
    const asRecord = {
      ...proposed,
      source: { case: "recordId" as const, value: missingRecord },
      status: md.RecordInputStatus.RECORD,
    };
    expectRefusal(await write([asRecord]), `input name source record id ${addr(missingRecord)} not found`);
    expectSuccess(await write([proposed]));
    const existing = MetadataAddress.forRecord(scope, "greeting").bytes;
    expectRefusal(
      await write([{ ...asRecord, source: { case: "recordId", value: existing } }]),
      "input name has source type record but spec calls for hash",
    );
  });

  it("checks a record input against the record the specification names", async () => {
    const { scope, session } = await aliceScope();
    expectSuccess(await chain.deliver([alice], [recordMsg(scope, session, [alice.address])]));
    const greeting = MetadataAddress.forRecord(scope, "greeting").bytes;
    expectSuccess(
      await chain.deliver(
        [alice],
        [
          recordSpecMsg(alice.address, "reply", {
            inputs: [{ name: "previous", typeName: "io.p8e.Greeting", source: { case: "recordId", value: greeting } }],
          }),
        ],
      ),
    );
    const reply = (source: md.RecordInput["source"], status: md.RecordInputStatus) =>
      chain.deliver(
        [alice],
        [
          recordMsg(scope, session, [alice.address], {
            name: "reply",
            inputs: [{ name: "previous", typeName: "io.p8e.Greeting", source, status }],
          }),
        ],
      );
    expectRefusal(
      await reply({ case: "hash", value: "aGk=" }, md.RecordInputStatus.PROPOSED),
      "input previous has source type hash but spec calls for record",
    );
    expectSuccess(
      await chain.deliver(
        [alice],
        [
          recordMsg(scope, session, [alice.address], {
            name: "list",
            inputs: [],
            outputs: [{ hash: "bA==", status: md.ResultStatus.PASS }],
          }),
        ],
      ),
    );
    const other = MetadataAddress.forRecord(scope, "list").bytes;
    expectRefusal(
      await reply({ case: "recordId", value: other }, md.RecordInputStatus.RECORD),
      `input previous has source value ${addr(other)} but spec calls for ${addr(greeting)}`,
    );
    expectSuccess(await reply({ case: "recordId", value: greeting }, md.RecordInputStatus.RECORD));
  });

  it("needs one output for a RECORD and at least one for a RECORD_LIST", async () => {
    const { scope, session } = await aliceScope();
    const pass = { hash: "aA==", status: md.ResultStatus.PASS };
    expectRefusal(
      await chain.deliver([alice], [recordMsg(scope, session, [alice.address], { outputs: [pass, pass] })]),
      "invalid output count (expected: 1, got: 2)",
    );
    expectRefusal(
      await chain.deliver(
        [alice],
        [recordMsg(scope, session, [alice.address], { name: "list", inputs: [], outputs: [] })],
      ),
      "invalid output count (expected > 0, got: 0)",
    );
    expectSuccess(
      await chain.deliver(
        [alice],
        [recordMsg(scope, session, [alice.address], { name: "list", inputs: [], outputs: [pass, pass] })],
      ),
    );
  });

  it("needs the session parties to sign and the responsible roles among them", async () => {
    const { scope, session } = await aliceScope();
    expectRefusal(
      await chain.deliver([bob], [recordMsg(scope, session, [bob.address])]),
      `missing signature: ${alice.address}`,
    );
    expectRefusal(
      await chain.deliver([alice], [recordMsg(scope, session, [alice.address], { name: "serviced", inputs: [] })]),
      "missing roles required by spec: SERVICER need 1 have 0",
    );
    // A MsgWriteSessionRequest grant also covers MsgWriteRecordRequest (its parent type).
    expectSuccess(await chain.deliver([alice], [grantMsg(alice.address, bob.address, url("MsgWriteSessionRequest"))]));
    expectSuccess(await chain.deliver([bob], [recordMsg(scope, session, [bob.address])]));
    expectSuccess(await chain.deliver([alice], [revokeMsg(alice.address, bob.address, url("MsgWriteSessionRequest"))]));
  });

  it("with require_party_rollup, needs the required scope owners and a signer for each responsible role", async () => {
    const uuid = randomUUID();
    const session = randomUUID();
    const owners = [party(alice.address, OWNER), party(bob.address, SERVICER, true)];
    expectSuccess(
      await chain.deliver(
        [alice],
        [
          scopeMsg(uuid, owners, [alice.address], { requirePartyRollup: true }),
          sessionMsg(uuid, session, [party(alice.address), party(bob.address, SERVICER, true)], [alice.address]),
        ],
      ),
    );
    expectRefusal(
      await chain.deliver([bob], [recordMsg(uuid, session, [bob.address])]),
      `missing required signature: ${alice.address} (OWNER)`,
    );
    const serviced = (signers: TestAccount[]) =>
      chain.deliver(signers, [
        recordMsg(
          uuid,
          session,
          signers.map((a) => a.address),
          { name: "serviced", inputs: [] },
        ),
      ]);
    expectRefusal(await serviced([alice]), "missing signers for roles required by spec: SERVICER need 1 have 0");
    expectSuccess(await serviced([alice, bob]));
    expectSuccess(await chain.deliver([alice], [recordMsg(uuid, session, [alice.address])]));
  });

  it("keeps a record's name and specification id, and deletes a session its last record leaves", async () => {
    const { scope, session } = await aliceScope();
    expectSuccess(await chain.deliver([alice], [recordMsg(scope, session, [alice.address])]));
    expectRefusal(
      await chain.deliver([alice], [recordMsg(scope, session, [alice.address], { name: "Greeting" })]),
      "the Name field of records cannot be changed",
    );
    const wrongSpec = MetadataAddress.forRecordSpecification(LONE_CONTRACT_SPEC_UUID, "greeting").bytes;
    expectRefusal(
      await chain.deliver([alice], [recordMsg(randomUUID(), session, [alice.address], { specificationId: wrongSpec })]),
      /^scope not found with id scope1/,
    );
    expectRefusal(
      await chain.deliver([alice], [recordMsg(scope, session, [alice.address], { specificationId: wrongSpec })]),
      "the SpecificationId of records cannot be changed",
    );
    const next = randomUUID();
    expectSuccess(
      await chain.deliver(
        [alice],
        [sessionMsg(scope, next, [party(alice.address)], [alice.address]), recordMsg(scope, next, [alice.address])],
      ),
    );
    const sessions = scopeQuery(scope).sessions.map((s) => addr(s.session!.sessionId));
    expect(sessions).toEqual([MetadataAddress.forSession(scope, next).toString()]);
  });
});

describe("MsgDeleteRecordRequest", () => {
  it("needs the scope owners and removes the session with its last record", async () => {
    const { scope, session } = await aliceScope();
    expectSuccess(await chain.deliver([alice], [recordMsg(scope, session, [alice.address])]));
    const del = (signer: string) =>
      msg(md.MsgDeleteRecordRequestSchema, {
        recordId: MetadataAddress.forRecord(scope, "greeting").bytes,
        signers: [signer],
      });
    expectRefusal(await chain.deliver([bob], [del(bob.address)]), `missing signature: ${alice.address}`);
    const deleted = await chain.deliver([alice], [del(alice.address)]);
    expectSuccess(deleted);
    expect(deleted.events.map((e) => e.type)).toEqual(
      expect.arrayContaining([
        "provenance.metadata.v1.EventRecordDeleted",
        "provenance.metadata.v1.EventSessionDeleted",
      ]),
    );
    const after = scopeQuery(scope);
    expect(after.records).toEqual([]);
    expect(after.sessions).toEqual([]);
    expect(sessionId(scope, session)).toHaveLength(33);
    expectRefusal(await chain.deliver([alice], [del(alice.address)]), /^record not found with id record1/);
  });
});

describe("specification Msgs", () => {
  it("lets anyone create a contract specification, and only its owners change it", async () => {
    const uuid = randomUUID();
    expectSuccess(await chain.deliver([bob], [contractSpecMsg(bob.address, [OWNER], [bob.address], uuid)]));
    expectRefusal(
      await chain.deliver([carol], [contractSpecMsg(carol.address, [OWNER], [carol.address], uuid)]),
      `missing signature: ${bob.address}`,
    );
    expectSuccess(await chain.deliver([bob], [contractSpecMsg(bob.address, [OWNER, SERVICER], [bob.address], uuid)]));
  });

  it("needs the contract specification and its owners' signatures to write a record specification", async () => {
    const uuid = randomUUID();
    const missing = await chain.deliver([bob], [recordSpecMsg(bob.address, "x", { contractSpecUuid: uuid })]);
    expectRefusal(
      missing,
      /^contract specification not found with id contractspec1\w+ \(uuid [0-9a-f-]{36}\) required for adding or updating record specification with id recspec1/,
      0,
      "notFound", // msg_server.go WriteRecordSpecification: ErrNotFound
    );
    expectSuccess(await chain.deliver([bob], [contractSpecMsg(bob.address, [OWNER], [bob.address], uuid)]));
    expectRefusal(
      await chain.deliver([carol], [recordSpecMsg(carol.address, "x", { contractSpecUuid: uuid })]),
      `missing signature: ${bob.address}`,
    );
    expectSuccess(await chain.deliver([bob], [recordSpecMsg(bob.address, "x", { contractSpecUuid: uuid })]));
  });

  it("checks that a scope specification's contract specifications exist and only its owners change it", async () => {
    const uuid = randomUUID();
    const unknown = MetadataAddress.forContractSpecification(randomUUID()).bytes;
    expectRefusal(
      await chain.deliver([bob], [scopeSpecMsg(bob.address, [OWNER], [unknown], { uuid })]),
      `no contract specification found with id ${addr(unknown)}`,
    );
    expectSuccess(await chain.deliver([bob], [scopeSpecMsg(bob.address, [OWNER], [contractSpecId], { uuid })]));
    expectRefusal(
      await chain.deliver([carol], [scopeSpecMsg(carol.address, [OWNER], [], { uuid })]),
      `missing signature: ${bob.address}`,
    );
  });

  it("adds a contract specification to a scope specification once and removes it only if present", async () => {
    const uuid = randomUUID();
    const id = MetadataAddress.forScopeSpecification(uuid).bytes;
    expectSuccess(await chain.deliver([bob], [scopeSpecMsg(bob.address, [OWNER], [], { uuid })]));
    const link = (
      schema:
        | typeof md.MsgAddContractSpecToScopeSpecRequestSchema
        | typeof md.MsgDeleteContractSpecFromScopeSpecRequestSchema,
      signer: string,
    ) => msg(schema, { contractSpecificationId: contractSpecId, scopeSpecificationId: id, signers: [signer] });
    expectRefusal(
      await chain.deliver([bob], [link(md.MsgDeleteContractSpecFromScopeSpecRequestSchema, bob.address)]),
      `contract specification ${addr(contractSpecId)} not found in scope specification ${addr(id)}`,
      0,
      "notFound", // msg_server.go DeleteContractSpecFromScopeSpec: ErrNotFound
    );
    expectRefusal(
      await chain.deliver([carol], [link(md.MsgAddContractSpecToScopeSpecRequestSchema, carol.address)]),
      `missing signature: ${bob.address}`,
    );
    expectSuccess(await chain.deliver([bob], [link(md.MsgAddContractSpecToScopeSpecRequestSchema, bob.address)]));
    expectRefusal(
      await chain.deliver([bob], [link(md.MsgAddContractSpecToScopeSpecRequestSchema, bob.address)]),
      `scope spec ${addr(id)} already contains contract spec ${addr(contractSpecId)}`,
    );
    // A MsgWriteScopeSpecificationRequest grant covers linking too.
    expectSuccess(
      await chain.deliver([bob], [grantMsg(bob.address, carol.address, url("MsgWriteScopeSpecificationRequest"))]),
    );
    expectSuccess(
      await chain.deliver([carol], [link(md.MsgDeleteContractSpecFromScopeSpecRequestSchema, carol.address)]),
    );
  });

  it("refuses to delete specifications still in use, and deletes them otherwise", async () => {
    const del = (
      schema:
        | typeof md.MsgDeleteScopeSpecificationRequestSchema
        | typeof md.MsgDeleteContractSpecificationRequestSchema,
      id: Uint8Array,
    ) => msg(schema, { specificationId: id, signers: [alice.address] });
    expectRefusal(
      await chain.deliver([alice], [del(md.MsgDeleteScopeSpecificationRequestSchema, scopeSpecId)]),
      /one or more scopes use scope specification/,
    );
    expectRefusal(
      await chain.deliver([alice], [del(md.MsgDeleteContractSpecificationRequestSchema, contractSpecId)]),
      /one or more scope specifications list contract specification/,
    );
    const recSpec = MetadataAddress.forRecordSpecification(LONE_CONTRACT_SPEC_UUID, "gone").bytes;
    expectSuccess(
      await chain.deliver(
        [alice],
        [recordSpecMsg(alice.address, "gone", { contractSpecUuid: LONE_CONTRACT_SPEC_UUID })],
      ),
    );
    const deleted = await chain.deliver(
      [alice],
      [del(md.MsgDeleteContractSpecificationRequestSchema, loneContractSpecId)],
    );
    expectSuccess(deleted);
    expect(deleted.events.map((e) => e.type)).toContain("provenance.metadata.v1.EventRecordSpecificationDeleted");
    const after = chain.query(
      "/provenance.metadata.v1.Query/RecordSpecification",
      md.RecordSpecificationRequestSchema,
      { specificationId: MetadataAddress.fromBytes(recSpec).toString() },
      md.RecordSpecificationResponseSchema,
    );
    expect(after.recordSpecification?.specification).toBeUndefined();
    const delRecSpec = msg(md.MsgDeleteRecordSpecificationRequestSchema, {
      specificationId: recSpec,
      signers: [alice.address],
    });
    expectRefusal(
      await chain.deliver([alice], [delRecSpec]),
      `record specification not found with id ${addr(recSpec)}`,
      0,
      "notFound", // msg_server.go DeleteRecordSpecification: ErrNotFound
    );
  });
});

describe("authz Msgs", () => {
  it("refuses grants to oneself, for unknown Msg types, or already expired", async () => {
    const self = await chain.submit([alice], [grantMsg(alice.address, alice.address, url("MsgWriteScopeRequest"))]);
    expect(self.checkTx).toMatchObject({ code: 7, codespace: "authz" });
    const unknown = await chain.deliver([alice], [grantMsg(alice.address, bob.address, "/no.such.Msg")]);
    expect(unknown).toMatchObject({ code: 29, codespace: "sdk" });
    const expired = await chain.deliver(
      [alice],
      [grantMsg(alice.address, bob.address, url("MsgWriteScopeRequest"), new Date(Date.now() - 60_000))],
    );
    expect(expired).toMatchObject({ code: 3, codespace: "authz" });
    const revokeNothing = await chain.deliver(
      [alice],
      [revokeMsg(alice.address, carol.address, url("MsgWriteScopeRequest"))],
    );
    expect(revokeNothing).toMatchObject({ code: 2, codespace: "authz" });
  });

  it("stops honouring a grant once it expires", async () => {
    const { scope } = await aliceScope();
    expectSuccess(
      await chain.deliver(
        [alice],
        [grantMsg(alice.address, carol.address, url("MsgAddScopeDataAccessRequest"), new Date(Date.now() + 400))],
      ),
    );
    const add = (address: string) =>
      msg(md.MsgAddScopeDataAccessRequestSchema, {
        scopeId: scopeId(scope),
        dataAccess: [address],
        signers: [carol.address],
      });
    expectSuccess(await chain.deliver([carol], [add(bob.address)]));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expectRefusal(await chain.deliver([carol], [add(carol.address)]), `missing signature: ${alice.address}`);
  });

  it("executes a granter's Msgs for the grantee with MsgExec, and lists the grants", async () => {
    const { scope } = await aliceScope();
    const inner = msg(md.MsgAddScopeDataAccessRequestSchema, {
      scopeId: scopeId(scope),
      dataAccess: [carol.address],
      signers: [alice.address],
    });
    const denied = await chain.deliver([bob], [execMsg(bob.address, [inner])]);
    expect(denied).toMatchObject({ code: 2, codespace: "authz" });
    expect(denied.log).toMatch(/failed to get grant with given granter/);
    expectSuccess(
      await chain.deliver([alice], [grantMsg(alice.address, bob.address, url("MsgAddScopeDataAccessRequest"))]),
    );
    expectSuccess(await chain.deliver([bob], [execMsg(bob.address, [inner])]));
    expect(scopeQuery(scope).scope?.scope?.dataAccess).toEqual([carol.address]);
    const grants = chain.devnet.query(
      "/cosmos.authz.v1beta1.Query/Grants",
      QueryGrantsRequest.encode({ granter: alice.address, grantee: bob.address, msgTypeUrl: "" }).finish(),
    );
    const listed = QueryGrantsResponse.decode(grants.value).grants.map(
      (g) => GenericAuthorization.decode(g.authorization!.value).msg,
    );
    expect(listed).toContain(url("MsgAddScopeDataAccessRequest"));
  });
});

describe("MsgWriteScopeRequest fields", () => {
  it("derives the scope id from scope_uuid and refuses a different embedded id", async () => {
    const uuid = randomUUID();
    const viaUuid = msg(md.MsgWriteScopeRequestSchema, {
      scope: create(md.ScopeSchema, { specificationId: scopeSpecId, owners: [party(alice.address)] }),
      scopeUuid: uuid,
      specUuid: SCOPE_SPEC_UUID,
      signers: [alice.address],
    });
    expectSuccess(await chain.deliver([alice], [viaUuid]));
    expect(scopeQuery(uuid).scope?.scope?.scopeId).toEqual(scopeId(uuid));
    const conflicting = msg(md.MsgWriteScopeRequestSchema, {
      scope: create(md.ScopeSchema, {
        scopeId: scopeId(randomUUID()),
        specificationId: scopeSpecId,
        owners: [party(alice.address)],
      }),
      scopeUuid: uuid,
      signers: [alice.address],
    });
    expect((await chain.submit([alice], [conflicting])).checkTx.log).toMatch(
      /^msg\.Scope\.ScopeId \[scope1\w+\] is different from the one created from msg\.ScopeUuid/,
    );
  });
});
