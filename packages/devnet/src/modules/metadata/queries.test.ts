import { create, toBinary } from "@bufbuild/protobuf";
import { MetadataAddress } from "@p8e/spec-model";
import * as md from "@p8e/spec-model/metadata";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CONTRACT_SPEC_UUID,
  contractSpecMsg,
  devAccount,
  party,
  recordMsg,
  recordSpecMsg,
  SCOPE_SPEC_UUID,
  scopeMsg,
  scopeSpecMsg,
  sessionMsg,
  type TestAccount,
  TestChain,
} from "../../testdata/fixtures.js";

const Q = (method: string) => `/provenance.metadata.v1.Query/${method}`;
const SCOPES = [
  "0a000000-0000-4000-8000-000000000001",
  "0a000000-0000-4000-8000-000000000002",
  "0a000000-0000-4000-8000-000000000003",
];
const SESSION = "0b000000-0000-4000-8000-000000000001";

let chain: TestChain;
let alice: TestAccount;

beforeAll(async () => {
  alice = await devAccount("alice");
  chain = await TestChain.start();
  const result = await chain.deliver(
    [alice],
    [
      contractSpecMsg(alice.address),
      recordSpecMsg(alice.address),
      recordSpecMsg(alice.address, "list", { resultType: md.DefinitionType.RECORD_LIST, inputs: [] }),
      scopeSpecMsg(alice.address),
      ...SCOPES.flatMap((scope) => [
        scopeMsg(scope, [party(alice.address)], [alice.address], { valueOwnerAddress: alice.address }),
        sessionMsg(scope, SESSION, [party(alice.address)], [alice.address]),
        recordMsg(scope, SESSION, [alice.address]),
      ]),
    ],
  );
  expect(result.code).toBe(0);
});
afterAll(() => chain.stop());

describe("metadata queries", () => {
  it("Sessions finds a scope's sessions, one session by uuid, or the session of a record by name", () => {
    const byScope = chain.query(
      Q("Sessions"),
      md.SessionsRequestSchema,
      { scopeId: SCOPES[0]!, includeScope: true, includeRecords: true },
      md.SessionsResponseSchema,
    );
    expect(byScope.sessions.map((s) => s.sessionIdInfo?.sessionUuid)).toEqual([SESSION]);
    expect(byScope.scope?.scope?.valueOwnerAddress).toBe(alice.address);
    expect(byScope.records.map((r) => r.record?.name)).toEqual(["greeting"]);
    const byRecordName = chain.query(
      Q("Sessions"),
      md.SessionsRequestSchema,
      { scopeId: SCOPES[1]!, recordName: "greeting" },
      md.SessionsResponseSchema,
    );
    expect(byRecordName.sessions[0]?.session?.sessionId).toEqual(MetadataAddress.forSession(SCOPES[1]!, SESSION).bytes);
    const missing = chain.query(
      Q("Sessions"),
      md.SessionsRequestSchema,
      { scopeId: SCOPES[0]!, sessionId: "0b000000-0000-4000-8000-0000000000ff" },
      md.SessionsResponseSchema,
    );
    expect(missing.sessions[0]?.session).toBeUndefined();
    expect(missing.sessions[0]?.sessionIdInfo?.sessionUuid).toBe("0b000000-0000-4000-8000-0000000000ff");
  });

  it("Records finds records by address, by scope and name, with their sessions", () => {
    const recordAddr = MetadataAddress.forRecord(SCOPES[2]!, "greeting").toString();
    const byAddr = chain.query(
      Q("Records"),
      md.RecordsRequestSchema,
      { recordAddr, includeSessions: true, includeScope: true },
      md.RecordsResponseSchema,
    );
    expect(byAddr.records.map((r) => r.recordIdInfo?.recordAddr)).toEqual([recordAddr]);
    expect(byAddr.sessions).toHaveLength(1);
    expect(byAddr.scope?.scopeIdInfo?.scopeUuid).toBe(SCOPES[2]);
    const byName = chain.query(
      Q("Records"),
      md.RecordsRequestSchema,
      { scopeId: SCOPES[2]!, name: "GREETING " },
      md.RecordsResponseSchema,
    );
    expect(byName.records[0]?.record?.name).toBe("greeting");
    const withoutInfo = chain.query(
      Q("Records"),
      md.RecordsRequestSchema,
      { scopeId: SCOPES[2]!, excludeIdInfo: true },
      md.RecordsResponseSchema,
    );
    expect(withoutInfo.records[0]?.recordIdInfo).toBeUndefined();
  });

  it("the *All queries page through everything by offset and key", () => {
    const first = chain.query(
      Q("ScopesAll"),
      md.ScopesAllRequestSchema,
      { pagination: { limit: 2n, countTotal: true } },
      md.ScopesAllResponseSchema,
    );
    expect(first.scopes).toHaveLength(2);
    expect(first.pagination?.total).toBe(3n);
    const second = chain.query(
      Q("ScopesAll"),
      md.ScopesAllRequestSchema,
      { pagination: { key: first.pagination!.nextKey, limit: 2n } },
      md.ScopesAllResponseSchema,
    );
    expect(second.scopes).toHaveLength(1);
    expect(second.pagination?.nextKey).toEqual(new Uint8Array());
    const uuids = [...first.scopes, ...second.scopes].map((s) => s.scopeIdInfo?.scopeUuid).sort();
    expect(uuids).toEqual([...SCOPES].sort());
    expect(
      chain.query(Q("SessionsAll"), md.SessionsAllRequestSchema, {}, md.SessionsAllResponseSchema).sessions,
    ).toHaveLength(3);
    expect(
      chain.query(Q("RecordsAll"), md.RecordsAllRequestSchema, {}, md.RecordsAllResponseSchema).records,
    ).toHaveLength(3);
    expect(
      chain.query(
        Q("ScopeSpecificationsAll"),
        md.ScopeSpecificationsAllRequestSchema,
        {},
        md.ScopeSpecificationsAllResponseSchema,
      ).scopeSpecifications,
    ).toHaveLength(1);
    expect(
      chain.query(
        Q("ContractSpecificationsAll"),
        md.ContractSpecificationsAllRequestSchema,
        {},
        md.ContractSpecificationsAllResponseSchema,
      ).contractSpecifications,
    ).toHaveLength(1);
    expect(
      chain.query(
        Q("RecordSpecificationsAll"),
        md.RecordSpecificationsAllRequestSchema,
        {},
        md.RecordSpecificationsAllResponseSchema,
      ).recordSpecifications,
    ).toHaveLength(2);
  });

  it("answers the specification queries by uuid or address, with linked specifications on request", () => {
    const scopeSpec = chain.query(
      Q("ScopeSpecification"),
      md.ScopeSpecificationRequestSchema,
      { specificationId: SCOPE_SPEC_UUID, includeContractSpecs: true, includeRecordSpecs: true },
      md.ScopeSpecificationResponseSchema,
    );
    expect(scopeSpec.scopeSpecification?.specification?.ownerAddresses).toEqual([alice.address]);
    expect(scopeSpec.contractSpecs.map((c) => c.contractSpecIdInfo?.contractSpecUuid)).toEqual([CONTRACT_SPEC_UUID]);
    expect(scopeSpec.recordSpecs.map((r) => r.specification?.name).sort()).toEqual(["greeting", "list"]);
    const viaRecSpec = MetadataAddress.forRecordSpecification(CONTRACT_SPEC_UUID, "list").toString();
    const contractSpec = chain.query(
      Q("ContractSpecification"),
      md.ContractSpecificationRequestSchema,
      { specificationId: viaRecSpec, includeRecordSpecs: true },
      md.ContractSpecificationResponseSchema,
    );
    expect(contractSpec.contractSpecification?.specification?.className).toBe("io.p8e.HelloWorld");
    expect(contractSpec.recordSpecifications).toHaveLength(2);
    const forContract = chain.query(
      Q("RecordSpecificationsForContractSpecification"),
      md.RecordSpecificationsForContractSpecificationRequestSchema,
      { specificationId: CONTRACT_SPEC_UUID },
      md.RecordSpecificationsForContractSpecificationResponseSchema,
    );
    expect(forContract.contractSpecificationAddr).toBe(
      MetadataAddress.forContractSpecification(CONTRACT_SPEC_UUID).toString(),
    );
    expect(forContract.recordSpecifications).toHaveLength(2);
    const byName = chain.query(
      Q("RecordSpecification"),
      md.RecordSpecificationRequestSchema,
      { specificationId: CONTRACT_SPEC_UUID, name: "greeting", includeRequest: true },
      md.RecordSpecificationResponseSchema,
    );
    expect(byName.recordSpecification?.specification?.typeName).toBe("io.p8e.Greeting");
    expect(byName.request?.name).toBe("greeting");
  });

  it("refuses malformed ids as InvalidArgument, which CosmJS reports as a failed query", () => {
    const bad = chain.devnet.query(
      Q("Scope"),
      toBinary(
        md.ScopeRequestSchema,
        create(md.ScopeRequestSchema, { scopeId: MetadataAddress.forSession(SCOPES[0]!, SESSION).toString() }),
      ),
    );
    expect(bad).toMatchObject({ code: 18, codespace: "sdk" });
    expect(bad.log).toMatch(
      /^rpc error: code = InvalidArgument desc = address \[session1\w+\] is not a scope address: invalid request$/,
    );
    const empty = chain.devnet.query(
      Q("Records"),
      toBinary(md.RecordsRequestSchema, create(md.RecordsRequestSchema, {})),
    );
    expect(empty.log).toBe("rpc error: code = InvalidArgument desc = empty request parameters: invalid request");
    const unknownPath = chain.devnet.query("/provenance.marker.v1.Query/Marker", new Uint8Array());
    expect(unknownPath).toMatchObject({ code: 6, codespace: "sdk" });
  });
});
