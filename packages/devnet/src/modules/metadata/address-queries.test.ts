// Query/GetByAddr, the object store locator queries, Query/AccountData and a bad ScopeNetAssetValues
// id, against a running devnet, as provenance-io/provenance v1.30.0 x/metadata/keeper/query_server.go
// answers them through baseapp's gRPC query path (handleQueryGRPC → gRPCErrorToSDKError).
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
const SCOPE = "0d000000-0000-4000-8000-000000000001";
const SESSION = "0e000000-0000-4000-8000-000000000001";
const RECORD_NAME = "greeting"; // the fixtures' record and record specification

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
      scopeSpecMsg(alice.address),
      scopeMsg(SCOPE, [party(alice.address)], [alice.address], { valueOwnerAddress: alice.address }),
      sessionMsg(SCOPE, SESSION, [party(alice.address)], [alice.address]),
      recordMsg(SCOPE, SESSION, [alice.address]),
    ],
  );
  expect(result.code).toBe(0);
});
afterAll(() => chain.stop());

/** The raw ABCI answer to a metadata query. */
function raw<Req extends Parameters<typeof create>[0]>(method: string, schema: Req, request: object) {
  return chain.devnet.query(Q(method), toBinary(schema, create(schema, request as never)));
}

describe("Query/GetByAddr (keeper GetByAddr)", () => {
  it("sorts stored entries and specifications by kind and lists everything else as not found", () => {
    const addrs = [
      MetadataAddress.forRecord(SCOPE, RECORD_NAME).toString(),
      MetadataAddress.forScope(SCOPE).toString(),
      MetadataAddress.forSession(SCOPE, SESSION).toString(),
      MetadataAddress.forScopeSpecification(SCOPE_SPEC_UUID).toString(),
      MetadataAddress.forContractSpecification(CONTRACT_SPEC_UUID).toString(),
      MetadataAddress.forRecordSpecification(CONTRACT_SPEC_UUID, RECORD_NAME).toString(),
      MetadataAddress.forScope("0d000000-0000-4000-8000-0000000000ff").toString(),
      alice.address,
      "not an address",
    ];
    const found = chain.query(Q("GetByAddr"), md.GetByAddrRequestSchema, { addrs }, md.GetByAddrResponseSchema);
    expect(found.scopes.map((s) => s.valueOwnerAddress)).toEqual([alice.address]);
    expect(found.sessions.map((s) => s.sessionId)).toEqual([MetadataAddress.forSession(SCOPE, SESSION).bytes]);
    expect(found.records.map((r) => r.name)).toEqual([RECORD_NAME]);
    expect(found.scopeSpecs).toHaveLength(1);
    expect(found.contractSpecs).toHaveLength(1);
    expect(found.recordSpecs.map((r) => r.name)).toEqual([RECORD_NAME]);
    expect(found.notFound).toEqual(addrs.slice(6));
  });

  it("refuses an empty request as the keeper's wrapped invalid request", () => {
    expect(raw("GetByAddr", md.GetByAddrRequestSchema, {})).toMatchObject({
      code: 18,
      codespace: "sdk",
      log: "empty request: invalid request: invalid request",
    });
  });
});

describe("object store locator queries (keeper OSLocatorParams, OSLocator, OSLocatorsByURI, OSLocatorsByScope, OSAllLocators)", () => {
  it("answers the default locator params and an empty list of all locators", () => {
    const params = chain.query(
      Q("OSLocatorParams"),
      md.OSLocatorParamsRequestSchema,
      { includeRequest: true },
      md.OSLocatorParamsResponseSchema,
    );
    expect(params.params?.maxUriLength).toBe(2048); // types.DefaultMaxURILength
    expect(params.request?.includeRequest).toBe(true);
    const all = chain.query(
      Q("OSAllLocators"),
      md.OSAllLocatorsRequestSchema,
      { pagination: { countTotal: true } },
      md.OSAllLocatorsResponseSchema,
    );
    expect(all.locators).toEqual([]);
    expect(all.pagination?.total).toBe(0n);
  });

  it("finds no locator for an account or a URI, with the module's registered errors as unknown request", () => {
    expect(raw("OSLocator", md.OSLocatorRequestSchema, { owner: alice.address })).toMatchObject({
      code: 6,
      codespace: "sdk",
      log: "no locator bound to address: unknown request",
    });
    expect(raw("OSLocator", md.OSLocatorRequestSchema, { owner: "tp1nope" })).toMatchObject({
      code: 6,
      log: "address does not match an existing account: unknown request",
    });
    expect(raw("OSLocatorsByURI", md.OSLocatorsByURIRequestSchema, { uri: "https://eos.example" })).toMatchObject({
      code: 6,
      log: "No records found.: unknown request",
    });
  });

  it("lists no locators for an existing scope and refuses a missing or unnamed one", () => {
    const listed = chain.query(
      Q("OSLocatorsByScope"),
      md.OSLocatorsByScopeRequestSchema,
      { scopeId: SCOPE },
      md.OSLocatorsByScopeResponseSchema,
    );
    expect(listed.locators).toEqual([]);
    const missing = "0d000000-0000-4000-8000-0000000000ff";
    expect(raw("OSLocatorsByScope", md.OSLocatorsByScopeRequestSchema, { scopeId: missing })).toMatchObject({
      code: 18,
      log: `scope [${missing}] not found: invalid request: invalid request`,
    });
    expect(raw("OSLocatorsByScope", md.OSLocatorsByScopeRequestSchema, {})).toMatchObject({
      code: 18,
      log: "scope id cannot be empty: invalid request: invalid request",
    });
  });
});

describe("Query/AccountData (keeper AccountData)", () => {
  it("answers a scope's (empty) account data, from raw bytes or the ASCII of a bech32 address", () => {
    const scope = MetadataAddress.forScope(SCOPE);
    for (const metadataAddr of [scope.bytes, new TextEncoder().encode(scope.toString())]) {
      const answer = raw("AccountData", md.AccountDataRequestSchema, { metadataAddr });
      expect(answer).toMatchObject({ code: 0 });
      expect(answer.value).toEqual(new Uint8Array()); // AccountDataResponse{value: ""}
    }
  });

  it("refuses an address that is not a scope, and bytes that are no address", () => {
    const session = MetadataAddress.forSession(SCOPE, SESSION).bytes;
    expect(raw("AccountData", md.AccountDataRequestSchema, { metadataAddr: session })).toMatchObject({
      code: 18,
      log: "metadata address is not a scope id: invalid request: invalid request",
    });
    // MetadataAddress.Unmarshal fails while the request is decoded: a plain error, wrapped once.
    expect(raw("AccountData", md.AccountDataRequestSchema, { metadataAddr: Uint8Array.of(0xff, 1) })).toMatchObject({
      code: 18,
      log: "invalid metadata address type: 255: invalid request",
    });
  });
});

describe("Query/ScopeNetAssetValues with a bad id (keeper ScopeNetAssetValues)", () => {
  it("is invalid request: the keeper's fmt.Errorf is no gRPC status, so gRPCErrorToSDKError wraps it", () => {
    const bad = raw("ScopeNetAssetValues", md.QueryScopeNetAssetValuesRequestSchema, { id: SCOPE });
    expect(bad).toMatchObject({ code: 18, codespace: "sdk" });
    expect(bad.log).toMatch(/^error extracting scope address: .+: invalid request$/);
  });
});
