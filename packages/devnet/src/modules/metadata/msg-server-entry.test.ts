// Msg server tests of the session and record Msgs.
import { randomUUID } from "node:crypto";
import { MetadataAddress } from "@p8e/spec-model";
import * as md from "@p8e/spec-model/metadata";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CONTRACT_SPEC_UUID,
  contractSpecId,
  grantMsg,
  msg,
  party,
  recordMsg,
  recordSpecMsg,
  revokeMsg,
  scopeMsg,
  scopeSpecId,
  sessionId,
  sessionMsg,
  type TestAccount,
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
