// Msg server tests of the specification Msgs and of metadata signers through authz grants.
import { randomUUID } from "node:crypto";
import { MetadataAddress } from "@p8e/spec-model";
import * as md from "@p8e/spec-model/metadata";
import { GenericAuthorization } from "cosmjs-types/cosmos/authz/v1beta1/authz";
import { QueryGrantsRequest, QueryGrantsResponse } from "cosmjs-types/cosmos/authz/v1beta1/query";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  contractSpecId,
  contractSpecMsg,
  execMsg,
  grantMsg,
  msg,
  recordSpecMsg,
  revokeMsg,
  scopeId,
  scopeSpecId,
  scopeSpecMsg,
  url,
} from "../../testdata/fixtures.js";
import {
  addr,
  alice,
  aliceScope,
  bob,
  carol,
  chain,
  expectRefusal,
  expectSuccess,
  LONE_CONTRACT_SPEC_UUID,
  loneContractSpecId,
  OWNER,
  SERVICER,
  scopeQuery,
  startMsgServerChain,
} from "../../testdata/msg-server-chain.js";

beforeAll(startMsgServerChain);
afterAll(() => chain.stop());

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
    await aliceScope(); // a scope that uses the scope specification
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
