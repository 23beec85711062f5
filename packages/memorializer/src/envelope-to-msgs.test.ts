import { create } from "@bufbuild/protobuf";
import { ContractSpecSchema, DefinitionSpec_Type, MetadataAddress } from "@p8e/spec-model";
import { envelopeHash, parseSessionContext } from "@p8e/spec-model/engine";
import {
  PartyType as ChainPartyType,
  type MsgWriteRecordRequest,
  RecordInputStatus,
  RecordSpecificationSchema,
  ResultStatus,
  ScopeSchema,
} from "@p8e/spec-model/metadata";
import { describe, expect, it } from "vitest";
import { envelopeAddresses, envelopeToMsgs, invokerAddressOf } from "./envelope-to-msgs.js";
import { isMemorializerError } from "./errors.js";
import type { MetadataMsg } from "./metadata-msg.js";
import { defaults, ExecutionResult_Result, PartyType, testEnvelope, testParty } from "./testdata/envelopes.js";
import { metadataTypeUrls } from "./type-urls.js";

const originator = testParty("originator", PartyType.ORIGINATOR);
const owner = testParty("owner", PartyType.OWNER);
const servicer = testParty("servicer", PartyType.SERVICER);
const auditor = testParty("auditor", PartyType.AFFILIATE);

const greet = {
  name: "greet",
  result: ExecutionResult_Result.PASS,
  output: { name: "greeting", hash: "z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5=", classname: "io.p8e.test.Greeting" },
  inputs: [{ name: "name", hash: "ZGF2ZQ==", classname: "io.p8e.test.Name" }],
};

function records(msgs: readonly MetadataMsg[]): MsgWriteRecordRequest[] {
  return msgs.flatMap((m) => (m.typeUrl === metadataTypeUrls.writeRecord ? [m.value] : []));
}

function expectInvalid(run: () => unknown, pattern: RegExp): void {
  try {
    run();
  } catch (error) {
    expect(isMemorializerError(error) && error.code).toBe("invalid-envelope");
    expect((error as Error).message).toMatch(pattern);
    return;
  }
  expect.unreachable("expected an invalid-envelope error");
}

describe("envelopeAddresses()", () => {
  it("derives the scope, session, contract spec and scope spec addresses", () => {
    const addresses = envelopeAddresses(
      testEnvelope({ invoker: originator, parties: [originator], considerations: [] }),
    );
    expect(addresses.scope.toString()).toBe("scope1qzge0zaztu65tx5x5llv5xc9ztsqxlkwel");
    expect(addresses.session.toString()).toBe("session1qxge0zaztu65tx5x5llv5xc9zts9sqlch3sxwn44j50jzgt8rshvqyfrjcr");
    expect(addresses.contractSpecification.toString()).toBe("contractspec1q000d0q2e8w5say53afqdesxp2zqzkr4fn");
    expect(addresses.scopeSpecification?.toString()).toBe("scopespec1qnwg86nsatx5pl56muw0v9ytlz3qu3jx6m");
  });

  it("refuses a spec hash shorter than 16 bytes", () => {
    const envelope = testEnvelope({ invoker: originator, parties: [originator], considerations: [], specHash: "AAEC" });
    expectInvalid(() => envelopeAddresses(envelope), /has 3 bytes, need 16/);
  });

  it("refuses a session UUID that is not a UUID", () => {
    const envelope = testEnvelope({
      invoker: originator,
      parties: [originator],
      considerations: [],
      sessionUuid: "nope",
    });
    expectInvalid(() => envelopeAddresses(envelope), /ref.session_uuid "nope" is not a UUID/);
  });
});

describe("envelopeToMsgs()", () => {
  it("writes a new scope, a new session and a record for a PASS result, in that order", () => {
    const envelope = testEnvelope({ invoker: originator, parties: [originator, servicer], considerations: [greet] });
    const msgs = envelopeToMsgs(envelope);
    expect(msgs.map((m) => m.typeUrl)).toEqual([
      metadataTypeUrls.writeScope,
      metadataTypeUrls.writeSession,
      metadataTypeUrls.writeRecord,
    ]);
    const [scopeMsg, sessionMsg, recordMsg] = msgs;
    if (scopeMsg?.typeUrl !== metadataTypeUrls.writeScope) throw new Error("first Msg is not WriteScope");
    expect(MetadataAddress.fromBytes(scopeMsg.value.scope!.scopeId).toString()).toBe(
      "scope1qzge0zaztu65tx5x5llv5xc9ztsqxlkwel",
    );
    expect(MetadataAddress.fromBytes(scopeMsg.value.scope!.specificationId).primaryUuid).toBe(defaults.scopeSpecUuid);
    expect(scopeMsg.value.scope!.owners.map((o) => [o.address, o.role])).toEqual([
      [originator.address, ChainPartyType.ORIGINATOR],
      [servicer.address, ChainPartyType.SERVICER],
    ]);
    expect(scopeMsg.value.scope!.valueOwnerAddress).toBe(originator.address);
    expect(scopeMsg.value.signers).toEqual([originator.address]);

    if (sessionMsg?.typeUrl !== metadataTypeUrls.writeSession) throw new Error("second Msg is not WriteSession");
    const session = sessionMsg.value.session!;
    expect(MetadataAddress.fromBytes(session.specificationId).toString()).toBe(
      "contractspec1q000d0q2e8w5say53afqdesxp2zqzkr4fn",
    );
    expect(session.name).toBe(defaults.classname);
    expect(session.parties).toHaveLength(2);
    const context = parseSessionContext(session.context);
    expect(context.executionUuid?.value).toBe(envelope.executionUuid?.value);
    expect(context.envelopeHash).toBe(envelopeHash(envelope));

    if (recordMsg?.typeUrl !== metadataTypeUrls.writeRecord) throw new Error("third Msg is not WriteRecord");
    const record = recordMsg.value.record!;
    expect(record.name).toBe("greeting");
    expect(record.sessionId).toEqual(session.sessionId);
    expect(record.process).toMatchObject({
      processId: { case: "hash", value: defaults.bundleHash },
      name: "io.p8e.test.Greeting",
      method: "greet",
    });
    expect(record.inputs.map((i) => [i.name, i.typeName, i.source.case, i.source.value, i.status])).toEqual([
      ["name", "io.p8e.test.Name", "hash", "ZGF2ZQ==", RecordInputStatus.PROPOSED],
    ]);
    expect(record.outputs.map((o) => [o.hash, o.status])).toEqual([[greet.output.hash, ResultStatus.PASS]]);
    expect(record.specificationId).toHaveLength(0);
  });

  it("makes the invoker the value owner only when it is a party, else the first OWNER, ORIGINATOR or party", () => {
    const valueOwner = (invoker: typeof owner, parties: (typeof owner)[]) => {
      const [msg] = envelopeToMsgs(testEnvelope({ invoker, parties, considerations: [] }), { signatureCheck: "none" });
      if (msg?.typeUrl !== metadataTypeUrls.writeScope) throw new Error("expected WriteScope");
      return msg.value.scope!.valueOwnerAddress;
    };
    expect(valueOwner(servicer, [originator, servicer, owner])).toBe(servicer.address);
    expect(valueOwner(auditor, [servicer, originator, owner])).toBe(owner.address);
    expect(valueOwner(auditor, [servicer, originator])).toBe(originator.address);
    expect(valueOwner(auditor, [servicer, testParty("investor", PartyType.INVESTOR)])).toBe(servicer.address);
  });

  it("puts the data-access keys' addresses on a new scope", () => {
    const envelope = testEnvelope({
      invoker: originator,
      parties: [originator],
      considerations: [],
      dataAccess: [auditor, auditor],
    });
    const [msg] = envelopeToMsgs(envelope);
    if (msg?.typeUrl !== metadataTypeUrls.writeScope) throw new Error("expected WriteScope");
    expect(msg.value.scope!.dataAccess).toEqual([auditor.address]);
  });

  it("adds only the data access an existing scope lacks, never the value owner", () => {
    const snapshot = create(ScopeSchema, { dataAccess: [owner.address], valueOwnerAddress: servicer.address });
    const envelope = testEnvelope({
      invoker: originator,
      parties: [originator],
      considerations: [],
      newScope: false,
      snapshot,
      dataAccess: [owner, servicer, auditor],
    });
    const msgs = envelopeToMsgs(envelope);
    expect(msgs.map((m) => m.typeUrl)).toEqual([metadataTypeUrls.addScopeDataAccess, metadataTypeUrls.writeSession]);
    const [add] = msgs;
    if (add?.typeUrl !== metadataTypeUrls.addScopeDataAccess) throw new Error("expected AddScopeDataAccess");
    expect(add.value.dataAccess).toEqual([auditor.address]);
    expect(MetadataAddress.fromBytes(add.value.scopeId).toString()).toBe("scope1qzge0zaztu65tx5x5llv5xc9ztsqxlkwel");
  });

  it("sends no scope Msg for an existing scope that already has all the data access", () => {
    const snapshot = create(ScopeSchema, { dataAccess: [auditor.address] });
    const envelope = testEnvelope({
      invoker: originator,
      parties: [originator],
      considerations: [greet],
      newScope: false,
      newSession: false,
      snapshot,
      dataAccess: [auditor],
    });
    expect(envelopeToMsgs(envelope).map((m) => m.typeUrl)).toEqual([metadataTypeUrls.writeRecord]);
  });

  it("follows the chain's view of scope and session over the envelope's flags", () => {
    const envelope = testEnvelope({ invoker: originator, parties: [originator], considerations: [greet] });
    const chainScope = create(ScopeSchema, {
      owners: [{ address: originator.address, role: ChainPartyType.ORIGINATOR }],
    });
    const msgs = envelopeToMsgs(envelope, { scope: chainScope, sessionExists: true });
    expect(msgs.map((m) => m.typeUrl)).toEqual([metadataTypeUrls.writeRecord]);
    const fresh = testEnvelope({
      invoker: originator,
      parties: [originator],
      considerations: [],
      newScope: false,
      newSession: false,
    });
    expect(envelopeToMsgs(fresh, { scope: null, sessionExists: false }).map((m) => m.typeUrl)).toEqual([
      metadataTypeUrls.writeScope,
      metadataTypeUrls.writeSession,
    ]);
  });

  it("writes records for PASS results only, not for SKIP or FAIL", () => {
    const skipped = {
      ...greet,
      name: "skipped",
      result: ExecutionResult_Result.SKIP,
      output: { ...greet.output, name: "other" },
    };
    const failed = {
      ...greet,
      name: "failed",
      result: ExecutionResult_Result.FAIL,
      output: { ...greet.output, name: "third" },
    };
    const envelope = testEnvelope({
      invoker: originator,
      parties: [originator],
      considerations: [skipped, greet, failed],
    });
    expect(records(envelopeToMsgs(envelope)).map((r) => r.record!.name)).toEqual(["greeting"]);
  });

  it("sends an input that is an existing record as its record id with status RECORD", () => {
    const envelope = testEnvelope({
      invoker: originator,
      parties: [originator],
      contractInputs: [{ name: "profile", classname: "io.p8e.test.Profile", hash: "cHJvZmlsZQ==" }],
      considerations: [
        { ...greet, inputs: [...greet.inputs, { name: "profile", hash: "", classname: "io.p8e.test.Profile" }] },
      ],
    });
    const [record] = records(envelopeToMsgs(envelope));
    const input = record!.record!.inputs.find((i) => i.name === "profile")!;
    expect(input.status).toBe(RecordInputStatus.RECORD);
    expect(input.source.case).toBe("recordId");
    expect(
      MetadataAddress.fromBytes(input.source.value as Uint8Array).equals(
        MetadataAddress.forRecord(defaults.scopeUuid, "profile"),
      ),
    ).toBe(true);
    expect(input.typeName).toBe("io.p8e.test.Profile");
  });

  it("points a record input at the scope its contract input comes from", () => {
    const otherScope = "6e1b2a4c-1f0e-4d4f-9a1b-3c5d7e9f0a2b";
    const envelope = testEnvelope({
      invoker: originator,
      parties: [originator],
      contractInputs: [
        { name: "profile", classname: "io.p8e.test.Profile", hash: "cHJvZmlsZQ==", scopeUuid: otherScope },
      ],
      considerations: [{ ...greet, inputs: [{ name: "profile", hash: "", classname: "io.p8e.test.Profile" }] }],
    });
    const input = records(envelopeToMsgs(envelope))[0]!.record!.inputs[0]!;
    expect(MetadataAddress.fromBytes(input.source.value as Uint8Array).primaryUuid).toBe(otherScope);
  });

  it("sends an existing record as its hash with status PROPOSED when told or when the record specification asks", () => {
    const envelope = testEnvelope({
      invoker: originator,
      parties: [originator],
      contractInputs: [{ name: "profile", classname: "io.p8e.test.Profile", hash: "cHJvZmlsZQ==" }],
      considerations: [{ ...greet, inputs: [{ name: "profile", hash: "", classname: "io.p8e.test.Profile" }] }],
    });
    const told = records(envelopeToMsgs(envelope, { existingRecordInputs: "hash" }))[0]!.record!.inputs[0]!;
    expect([told.source.case, told.source.value, told.status]).toEqual([
      "hash",
      "cHJvZmlsZQ==",
      RecordInputStatus.PROPOSED,
    ]);

    const specification = (source: { case: "hash"; value: string } | { case: "recordId"; value: Uint8Array }) =>
      create(RecordSpecificationSchema, {
        name: "greeting",
        inputs: [{ name: "profile", typeName: "io.p8e.test.Profile", source }],
      });
    const byHashSpec = records(
      envelopeToMsgs(envelope, { recordSpecifications: [specification({ case: "hash", value: "x" })] }),
    );
    expect(byHashSpec[0]!.record!.inputs[0]!.status).toBe(RecordInputStatus.PROPOSED);
    const recordId = MetadataAddress.forRecord(defaults.scopeUuid, "profile").bytes;
    const byRecordSpec = records(
      envelopeToMsgs(envelope, {
        existingRecordInputs: "hash",
        recordSpecifications: [specification({ case: "recordId", value: recordId })],
      }),
    );
    expect(byRecordSpec[0]!.record!.inputs[0]!.status).toBe(RecordInputStatus.RECORD);
  });

  it("adds @Record function inputs the consideration does not list, from the ContractSpec", () => {
    const envelope = testEnvelope({
      invoker: originator,
      parties: [originator],
      contractInputs: [
        { name: "profile", classname: "io.p8e.test.Profile", hash: "cHJvZmlsZQ==" },
        { name: "unused", classname: "io.p8e.test.Unused", hash: "dW51c2Vk" },
      ],
      considerations: [greet],
    });
    const contractSpec = create(ContractSpecSchema, {
      functionSpecs: [
        {
          funcName: "greet",
          inputSpecs: [
            { name: "name", type: DefinitionSpec_Type.PROPOSED },
            { name: "profile", type: DefinitionSpec_Type.FACT },
            { name: "absent", type: DefinitionSpec_Type.FACT, optional: true },
          ],
        },
      ],
    });
    const inputs = records(envelopeToMsgs(envelope, { contractSpec }))[0]!.record!.inputs;
    expect(inputs.map((i) => [i.name, i.status])).toEqual([
      ["name", RecordInputStatus.PROPOSED],
      ["profile", RecordInputStatus.RECORD],
    ]);
  });

  it("adds record inputs that the chain's record specification lists", () => {
    const envelope = testEnvelope({
      invoker: originator,
      parties: [originator],
      contractInputs: [{ name: "profile", classname: "io.p8e.test.Profile", hash: "cHJvZmlsZQ==" }],
      considerations: [greet],
    });
    const recordSpecifications = [
      create(RecordSpecificationSchema, {
        name: "Greeting",
        inputs: [
          { name: "name", typeName: "io.p8e.test.Name", source: { case: "hash", value: "h" } },
          { name: "profile", typeName: "io.p8e.test.Profile", source: { case: "hash", value: "h" } },
        ],
      }),
    ];
    const inputs = records(envelopeToMsgs(envelope, { recordSpecifications }))[0]!.record!.inputs;
    expect(inputs.map((i) => [i.name, i.source.case, i.status])).toEqual([
      ["name", "hash", RecordInputStatus.PROPOSED],
      ["profile", "hash", RecordInputStatus.PROPOSED],
    ]);
  });

  it("refuses an input without a hash that no contract input holds", () => {
    const envelope = testEnvelope({
      invoker: originator,
      parties: [originator],
      considerations: [{ ...greet, inputs: [{ name: "ghost", hash: "", classname: "io.p8e.test.Ghost" }] }],
    });
    expectInvalid(() => envelopeToMsgs(envelope), /input ghost of function greet has no hash/);
  });

  it("puts the given signer, not the invoker, into signers", () => {
    const msgs = envelopeToMsgs(testEnvelope({ invoker: originator, parties: [originator], considerations: [greet] }), {
      signer: servicer.address,
    });
    expect(msgs.every((m) => m.value.signers.length === 1 && m.value.signers[0] === servicer.address)).toBe(true);
  });

  it("lists a recital twice only once", () => {
    const [msg] = envelopeToMsgs(
      testEnvelope({ invoker: originator, parties: [originator, originator], considerations: [] }),
    );
    if (msg?.typeUrl !== metadataTypeUrls.writeScope) throw new Error("expected WriteScope");
    expect(msg.value.scope!.owners).toHaveLength(1);
  });

  it("refuses an envelope a party has not signed", () => {
    const envelope = testEnvelope({
      invoker: originator,
      parties: [originator, servicer],
      signers: [originator],
      considerations: [greet],
    });
    expectInvalid(() => envelopeToMsgs(envelope), new RegExp(`not signed by ${servicer.address}`));
    expect(envelopeToMsgs(envelope, { signatureCheck: "none" })).toHaveLength(3);
  });

  it("refuses an envelope whose contract changed after signing", () => {
    const envelope = testEnvelope({ invoker: originator, parties: [originator], considerations: [greet] });
    envelope.contract!.considerations[0]!.result!.output!.hash = "dGFtcGVyZWQ=";
    expectInvalid(() => envelopeToMsgs(envelope), /does not verify/);
    expect(records(envelopeToMsgs(envelope, { signatureCheck: "presence" }))[0]!.record!.outputs[0]!.hash).toBe(
      "dGFtcGVyZWQ=",
    );
  });

  it("requires the current scope owners' signatures too", () => {
    const chainScope = create(ScopeSchema, { owners: [{ address: owner.address, role: ChainPartyType.OWNER }] });
    const envelope = testEnvelope({ invoker: originator, parties: [originator], considerations: [greet] });
    expectInvalid(() => envelopeToMsgs(envelope, { scope: chainScope }), new RegExp(`not signed by ${owner.address}`));
  });

  it("refuses a new scope without a scope specification", () => {
    const envelope = testEnvelope({
      invoker: originator,
      parties: [originator],
      considerations: [],
      scopeSpecUuid: "",
    });
    expectInvalid(() => envelopeToMsgs(envelope), /new scope has no scope_spec_uuid/);
  });

  it("refuses a PASS result without an output hash", () => {
    const envelope = testEnvelope({
      invoker: originator,
      parties: [originator],
      considerations: [{ ...greet, output: { ...greet.output, hash: "" } }],
    });
    expectInvalid(() => envelopeToMsgs(envelope), /output greeting has no hash/);
  });
});

describe("envelopeToMsgs() session context", () => {
  it("writes the context it is given instead, and none for an empty one", () => {
    const envelope = testEnvelope({ invoker: originator, parties: [originator, servicer], considerations: [greet] });
    const sessionOf = (msgs: MetadataMsg[]) => {
      const msg = msgs.find((m) => m.typeUrl === metadataTypeUrls.writeSession);
      if (msg?.typeUrl !== metadataTypeUrls.writeSession) throw new Error("no WriteSession");
      return msg.value.session!;
    };
    expect(sessionOf(envelopeToMsgs(envelope, { sessionContext: new Uint8Array([1, 2]) })).context).toEqual(
      new Uint8Array([1, 2]),
    );
    expect(sessionOf(envelopeToMsgs(envelope, { sessionContext: new Uint8Array() })).context).toHaveLength(0);
  });
});

describe("invokerAddressOf()", () => {
  it("derives the invoker's testnet or mainnet address", () => {
    const envelope = testEnvelope({ invoker: servicer, parties: [servicer], considerations: [] });
    expect(invokerAddressOf(envelope)).toBe(servicer.address);
    expect(invokerAddressOf(envelope, "pb")).toMatch(/^pb1/);
  });
});
