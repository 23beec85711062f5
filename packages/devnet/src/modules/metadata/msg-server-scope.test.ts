// Msg server tests of the scope Msgs: write, delete, data access, owners.
import { randomUUID } from "node:crypto";
import { create } from "@bufbuild/protobuf";
import { MetadataAddress } from "@p8e/spec-model";
import * as md from "@p8e/spec-model/metadata";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  grantMsg,
  msg,
  party,
  recordMsg,
  revokeMsg,
  SCOPE_SPEC_UUID,
  scopeId,
  scopeMsg,
  scopeSpecId,
  url,
} from "../../testdata/fixtures.js";
import {
  AFFILIATE,
  addr,
  alice,
  aliceScope,
  bob,
  carol,
  chain,
  erin,
  expectRefusal,
  expectSuccess,
  OWNER,
  PROVENANCE,
  SERVICER,
  scopeQuery,
  startMsgServerChain,
  strictScopeSpecId,
} from "../../testdata/msg-server-chain.js";

beforeAll(startMsgServerChain);
afterAll(() => chain.stop());

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
