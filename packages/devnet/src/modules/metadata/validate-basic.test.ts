import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { MetadataAddress } from "@p8e/spec-model";
import * as md from "@p8e/spec-model/metadata";
import { describe, expect, it } from "vitest";
import { validatePartiesBasic } from "./basic-common.js";
import { validateRecordBasic, validateScopeBasic, validateSessionBasic } from "./basic-entries.js";
import {
  validateContractSpecificationBasic,
  validateGenericPartyTypeUsage,
  validateRecordSpecificationBasic,
  validateScopeSpecificationBasic,
} from "./basic-specs.js";
import {
  validateAddScopeOwner,
  validateContractSpecScopeSpecLink,
  validateDeleteScope,
  validateDeleteScopeOwner,
  validateScopeDataAccess,
  validateWriteRecord,
  validateWriteSession,
} from "./validate-basic.js";

const ALICE = "tp1kh7w87hptaqynsyyh009z9z6zrp0zklj69gd45";
const BOB = "tp1ckpj8frd8kraytcehwxw80tqqnuc7msfp87cfm";
const MAINNET = "pb1g4z8k7hm6hj5fa7s780slnxjvq2dnpgpmyepz9";
const SCOPE = "91978ba2-5f35-459a-86a7-feca1b0512e0";
const SESSION = "5803f8bc-6067-4eb5-951f-2121671c2ec0";
const SPEC = "def6bc0a-c9dd-4874-948f-5206e6060a84";

const party = (address: string, role = md.PartyType.OWNER, optional = false) =>
  create(md.PartySchema, { address, role, optional });

/** Runs `check` and returns its error message, or "ok". */
function outcome(check: () => void): string {
  try {
    check();
    return "ok";
  } catch (error) {
    return (error as Error).message;
  }
}

describe("validatePartiesBasic()", () => {
  it.each([
    ["a valid party", [party(ALICE)], "ok"],
    ["no parties", [], "at least one party is required"],
    ["an empty address", [party("")], "missing party address"],
    [
      "a mainnet address on a testnet chain",
      [party(MAINNET)],
      `invalid party address [${MAINNET}]: invalid Bech32 prefix; expected tp, got pb`,
    ],
    ["an unspecified role", [party(ALICE, md.PartyType.UNSPECIFIED)], `invalid party type for party ${ALICE}`],
    [
      "role 9, which the chain leaves unused",
      [party(ALICE, 9 as md.PartyType)],
      `invalid party type for party ${ALICE}`,
    ],
    [
      "the same address and role twice",
      [party(ALICE), party(ALICE, md.PartyType.OWNER, true)],
      `duplicate parties not allowed: address = ${ALICE}, role = OWNER, indexes: 0, 1`,
    ],
    ["the same address with two roles", [party(ALICE), party(ALICE, md.PartyType.SERVICER)], "ok"],
  ])("checks %s", (_name, parties, expected) => {
    expect(outcome(() => validatePartiesBasic("tp", parties))).toBe(expected);
  });
});

const scope = (init: MessageInitShape<typeof md.ScopeSchema> = {}) =>
  create(md.ScopeSchema, {
    scopeId: MetadataAddress.forScope(SCOPE).bytes,
    specificationId: MetadataAddress.forScopeSpecification(SPEC).bytes,
    owners: [party(ALICE)],
    ...init,
  });

describe("validateScopeBasic()", () => {
  it.each([
    ["a valid scope", scope(), "ok"],
    [
      "a session id as scope id",
      scope({ scopeId: MetadataAddress.forSession(SCOPE, SESSION).bytes }),
      // VerifyMetadataAddressHasType
      `invalid scope id "${MetadataAddress.forSession(SCOPE, SESSION)}": wrong type`,
    ],
    [
      "a truncated scope id",
      scope({ scopeId: MetadataAddress.forScope(SCOPE).bytes.subarray(0, 10) }),
      `invalid scope metadata address MetadataAddress{${[...MetadataAddress.forScope(SCOPE).bytes.subarray(0, 10)].map((b) => `0x${b.toString(16)}`).join(", ")}}: incorrect address length (expected: 17, actual: 10)`,
    ],
    [
      "a contract spec as scope spec",
      scope({ specificationId: MetadataAddress.forContractSpecification(SPEC).bytes }),
      `invalid scope specification id "${MetadataAddress.forContractSpecification(SPEC)}": wrong type`,
    ],
    ["no owners", scope({ owners: [] }), "invalid scope owners: at least one party is required"],
    [
      "an optional owner without rollup",
      scope({ owners: [party(ALICE, md.PartyType.OWNER, true)] }),
      "parties can only be optional when require_party_rollup = true",
    ],
    [
      "an optional owner with rollup",
      scope({ owners: [party(ALICE, md.PartyType.OWNER, true)], requirePartyRollup: true }),
      "ok",
    ],
    [
      "an empty data-access address",
      scope({ dataAccess: [""] }),
      "invalid address in data access on scope: empty address string is not allowed",
    ],
    [
      "a bad value owner",
      scope({ valueOwnerAddress: MAINNET }),
      "invalid value owner address on scope: invalid Bech32 prefix; expected tp, got pb",
    ],
    ["a good value owner and data access", scope({ valueOwnerAddress: BOB, dataAccess: [BOB] }), "ok"],
  ])("checks %s", (_name, value, expected) => {
    expect(outcome(() => validateScopeBasic("tp", value))).toBe(expected);
  });
});

const session = (init: MessageInitShape<typeof md.SessionSchema> = {}) =>
  create(md.SessionSchema, {
    sessionId: MetadataAddress.forSession(SCOPE, SESSION).bytes,
    specificationId: MetadataAddress.forContractSpecification(SPEC).bytes,
    parties: [party(ALICE)],
    ...init,
  });

describe("validateSessionBasic()", () => {
  it.each([
    ["a valid session", session(), "ok"],
    [
      "a scope id as session id",
      session({ sessionId: MetadataAddress.forScope(SCOPE).bytes }),
      "invalid session identifier (expected: session, got scope)",
    ],
    ["no parties", session({ parties: [] }), "at least one party is required"],
    [
      "a scope spec as specification",
      session({ specificationId: MetadataAddress.forScopeSpecification(SPEC).bytes }),
      "invalid contract specification identifier (expected: contractspec, got scopespec)",
    ],
    [
      "an audit message of 201 characters",
      session({ audit: create(md.AuditFieldsSchema, { message: "m".repeat(201) }) }),
      "session audit message exceeds maximum length (expected < 200 got: 201)",
    ],
  ])("checks %s", (_name, value, expected) => {
    expect(outcome(() => validateSessionBasic("tp", value))).toBe(expected);
  });
});

const input = (init: MessageInitShape<typeof md.RecordInputSchema> = {}) =>
  create(md.RecordInputSchema, {
    name: "in",
    typeName: "T",
    source: { case: "hash", value: "aA==" },
    status: md.RecordInputStatus.PROPOSED,
    ...init,
  });
const record = (init: MessageInitShape<typeof md.RecordSchema> = {}) =>
  create(md.RecordSchema, {
    name: "greeting",
    sessionId: MetadataAddress.forSession(SCOPE, SESSION).bytes,
    process: { processId: { case: "hash", value: "aA==" }, name: "P", method: "m" },
    inputs: [input()],
    outputs: [{ hash: "aA==", status: md.ResultStatus.PASS }],
    ...init,
  } as MessageInitShape<typeof md.RecordSchema>);

describe("validateRecordBasic()", () => {
  it.each([
    ["a valid record", record(), "ok"],
    [
      "a record id as session",
      record({ sessionId: MetadataAddress.forRecord(SCOPE, "x").bytes }),
      "invalid record identifier (expected: session, got record)",
    ],
    [
      "a contract spec as specification",
      record({ specificationId: MetadataAddress.forContractSpecification(SPEC).bytes }),
      "invalid record specification identifier (expected: recspec, got contractspec)",
    ],
    [
      "an input without a name",
      record({ inputs: [input({ name: "" })] }),
      "invalid record input: missing required name",
    ],
    [
      "an input without status",
      record({ inputs: [input({ status: md.RecordInputStatus.UNSPECIFIED })] }),
      "invalid record input: invalid record input status, status unknown or missing",
    ],
    [
      "an input without a source",
      record({ inputs: [input({ source: { case: undefined } })] }),
      "invalid record input: missing required record input source",
    ],
    [
      "a hash input with RECORD status",
      record({ inputs: [input({ status: md.RecordInputStatus.RECORD })] }),
      "invalid record input: hash specifier only applies to proposed inputs",
    ],
    [
      "a record-id input with PROPOSED status",
      record({ inputs: [input({ source: { case: "recordId", value: MetadataAddress.forRecord(SCOPE, "x").bytes } })] }),
      "invalid record input: record id must be used with Record type inputs",
    ],
    [
      "a record-id input that is a scope",
      record({
        inputs: [
          input({
            source: { case: "recordId", value: MetadataAddress.forScope(SCOPE).bytes },
            status: md.RecordInputStatus.RECORD,
          }),
        ],
      }),
      "invalid record input: invalid record id address (found scope, expected record)",
    ],
    [
      "a record-id input with RECORD status",
      record({
        inputs: [
          input({
            source: { case: "recordId", value: MetadataAddress.forRecord(SCOPE, "x").bytes },
            status: md.RecordInputStatus.RECORD,
          }),
        ],
      }),
      "ok",
    ],
    [
      "an input without a type name",
      record({ inputs: [input({ typeName: "" })] }),
      "invalid record input: missing type name",
    ],
    [
      "an output without status",
      record({
        outputs: [{ hash: "aA==", status: md.ResultStatus.UNSPECIFIED }].map((o) => create(md.RecordOutputSchema, o)),
      }),
      "invalid record output: invalid record output status, status unspecified",
    ],
    [
      "a PASS output without hash",
      record({ outputs: [create(md.RecordOutputSchema, { status: md.ResultStatus.PASS })] }),
      "invalid record output: missing required hash",
    ],
    [
      "a SKIP output without hash",
      record({ outputs: [create(md.RecordOutputSchema, { status: md.ResultStatus.SKIP })] }),
      "ok",
    ],
    ["no name", record({ name: "" }), "invalid/missing name for record"],
    [
      "a process without method",
      record({ process: create(md.ProcessSchema, { processId: { case: "hash", value: "aA==" }, name: "P" }) }),
      "invalid record process: missing required method",
    ],
    [
      "a process without id",
      record({ process: create(md.ProcessSchema, { name: "P", method: "m" }) }),
      "invalid record process: missing required process id",
    ],
  ])("checks %s", (_name, value, expected) => {
    expect(outcome(() => validateRecordBasic(value))).toBe(expected);
  });
});

describe("validateWriteSession() and validateWriteRecord()", () => {
  it("derives ids from session_id_components and checks both parts are given", () => {
    const components = create(md.SessionIdComponentsSchema, {
      scopeIdentifier: { case: "scopeUuid", value: SCOPE },
      sessionUuid: SESSION,
    });
    const fromComponents = create(md.MsgWriteSessionRequestSchema, {
      session: session({ sessionId: new Uint8Array() }),
      sessionIdComponents: components,
      signers: [ALICE],
    });
    expect(outcome(() => validateWriteSession("tp", fromComponents))).toBe("ok");
    expect(fromComponents.session?.sessionId).toEqual(MetadataAddress.forSession(SCOPE, SESSION).bytes);
    const half = create(md.MsgWriteSessionRequestSchema, {
      session: session({ sessionId: new Uint8Array() }),
      sessionIdComponents: { sessionUuid: SESSION },
      signers: [ALICE],
    });
    expect(outcome(() => validateWriteSession("tp", half))).toBe(
      "invalid session id components: session uuid provided but missing scope uuid or addr",
    );
  });

  it("needs at least one signer and a record name to derive the record spec from contract_spec_uuid", () => {
    expect(outcome(() => validateWriteRecord(create(md.MsgWriteRecordRequestSchema, { record: record() })))).toBe(
      "at least one signer is required",
    );
    const unnamed = create(md.MsgWriteRecordRequestSchema, {
      record: record({ name: " " }),
      contractSpecUuid: SPEC,
      signers: [ALICE],
    });
    expect(outcome(() => validateWriteRecord(unnamed))).toBe("empty record name");
    const named = create(md.MsgWriteRecordRequestSchema, {
      record: record(),
      contractSpecUuid: SPEC,
      signers: [ALICE],
    });
    expect(outcome(() => validateWriteRecord(named))).toBe("ok");
    expect(named.record?.specificationId).toEqual(MetadataAddress.forRecordSpecification(SPEC, "greeting").bytes);
  });
});

const scopeSpec = (init: MessageInitShape<typeof md.ScopeSpecificationSchema> = {}) =>
  create(md.ScopeSpecificationSchema, {
    specificationId: MetadataAddress.forScopeSpecification(SPEC).bytes,
    description: { name: "S" },
    ownerAddresses: [ALICE],
    partiesInvolved: [md.PartyType.OWNER],
    contractSpecIds: [MetadataAddress.forContractSpecification(SPEC).bytes],
    ...init,
  } as MessageInitShape<typeof md.ScopeSpecificationSchema>);

describe("validateScopeSpecificationBasic()", () => {
  it.each([
    ["a valid scope spec", scopeSpec(), "ok"],
    [
      "a scope id",
      scopeSpec({ specificationId: MetadataAddress.forScope(SPEC).bytes }),
      "invalid scope specification id prefix (expected: scopespec, got scope)",
    ],
    [
      "an empty description name",
      scopeSpec({ description: create(md.DescriptionSchema, {}) }),
      "description (ScopeSpecification.Description) Name cannot be empty",
    ],
    [
      "a website url without protocol",
      scopeSpec({ description: create(md.DescriptionSchema, { name: "S", websiteUrl: "example.com" }) }),
      "url (ScopeSpecification.Description) WebsiteUrl must use the http, https, or data protocol",
    ],
    ["no owners", scopeSpec({ ownerAddresses: [] }), "the ScopeSpecification must have at least one owner"],
    [
      "no parties involved",
      scopeSpec({ partiesInvolved: [] }),
      "the ScopeSpecification must have at least one party involved",
    ],
    [
      "a record spec among the contract specs",
      scopeSpec({ contractSpecIds: [MetadataAddress.forRecordSpecification(SPEC, "r").bytes] }),
      "invalid contract specification id prefix at index 0 (expected: contractspec, got recspec)",
    ],
  ])("checks %s", (_name, value, expected) => {
    expect(outcome(() => validateScopeSpecificationBasic("tp", value))).toBe(expected);
  });
});

const contractSpec = (init: MessageInitShape<typeof md.ContractSpecificationSchema> = {}) =>
  create(md.ContractSpecificationSchema, {
    specificationId: MetadataAddress.forContractSpecification(SPEC).bytes,
    ownerAddresses: [ALICE],
    partiesInvolved: [md.PartyType.OWNER],
    source: { case: "hash", value: "aA==" },
    className: "io.p8e.C",
    ...init,
  });

describe("validateContractSpecificationBasic()", () => {
  it.each([
    ["a valid contract spec", contractSpec(), "ok"],
    ["no owners", contractSpec({ ownerAddresses: [] }), "invalid owner addresses count (expected > 0 got: 0)"],
    [
      "a bad owner",
      contractSpec({ ownerAddresses: [MAINNET] }),
      "invalid owner address at index 0: invalid Bech32 prefix; expected tp, got pb",
    ],
    ["no parties", contractSpec({ partiesInvolved: [] }), "invalid parties involved count (expected > 0 got: 0)"],
    ["no source", contractSpec({ source: { case: undefined } }), "a source (resource id or hash) is required"],
    ["an empty hash source", contractSpec({ source: { case: "hash", value: "" } }), "source hash cannot be empty"],
    [
      "a resource id that is any metadata address",
      contractSpec({ source: { case: "resourceId", value: MetadataAddress.forScope(SCOPE).bytes } }),
      "ok",
    ],
    ["no class name", contractSpec({ className: "" }), "class name cannot be empty"],
    [
      "a class name of 1001 characters",
      contractSpec({ className: "c".repeat(1001) }),
      "class name exceeds maximum length (expected <= 1000 got: 1001)",
    ],
  ])("checks %s", (_name, value, expected) => {
    expect(outcome(() => validateContractSpecificationBasic("tp", value))).toBe(expected);
  });
});

const recordSpec = (init: MessageInitShape<typeof md.RecordSpecificationSchema> = {}) =>
  create(md.RecordSpecificationSchema, {
    specificationId: MetadataAddress.forRecordSpecification(SPEC, "greeting").bytes,
    name: "greeting",
    inputs: [
      create(md.InputSpecificationSchema, { name: "in", typeName: "T", source: { case: "hash", value: "aA==" } }),
    ],
    typeName: "T",
    resultType: md.DefinitionType.RECORD,
    responsibleParties: [md.PartyType.OWNER],
    ...init,
  });

describe("validateRecordSpecificationBasic()", () => {
  it.each([
    ["a valid record spec", recordSpec(), "ok"],
    [
      "an id for another name",
      recordSpec({ name: "other" }),
      `invalid record specification id value (expected: ${MetadataAddress.forRecordSpecification(SPEC, "other")}, got ${MetadataAddress.forRecordSpecification(SPEC, "greeting")})`,
    ],
    ["no name", recordSpec({ name: "" }), "record specification name cannot be empty"],
    [
      "an input without a source",
      recordSpec({ inputs: [create(md.InputSpecificationSchema, { name: "in", typeName: "T" })] }),
      "invalid input specification at index 0: input specification source is required",
    ],
    [
      "an input sourced from a session",
      recordSpec({
        inputs: [
          create(md.InputSpecificationSchema, {
            name: "in",
            typeName: "T",
            source: { case: "recordId", value: MetadataAddress.forSession(SCOPE, SESSION).bytes },
          }),
        ],
      }),
      "invalid input specification at index 0: invalid input specification source record id prefix (expected: record, got session)",
    ],
    ["no type name", recordSpec({ typeName: "" }), "record specification type name cannot be empty"],
    [
      "no responsible parties",
      recordSpec({ responsibleParties: [] }),
      "invalid responsible parties count (expected > 0 got: 0)",
    ],
    [
      "an unspecified result type",
      recordSpec({ resultType: md.DefinitionType.UNSPECIFIED }),
      "record specification result type cannot be unspecified",
    ],
  ])("checks %s", (_name, value, expected) => {
    expect(outcome(() => validateRecordSpecificationBasic(value))).toBe(expected);
  });
});

describe("validateGenericPartyTypeUsage()", () => {
  it("needs description text when a generic party type is involved", () => {
    expect(outcome(() => validateGenericPartyTypeUsage([md.PartyType.OWNER], undefined))).toBe("ok");
    expect(
      outcome(() =>
        validateGenericPartyTypeUsage(
          [md.PartyType.GENERIC_1],
          create(md.DescriptionSchema, { name: "x", description: " " }),
        ),
      ),
    ).toBe(
      "parties involved include generic party type GENERIC_1: a description with non-blank description text is required",
    );
    expect(
      outcome(() =>
        validateGenericPartyTypeUsage(
          [md.PartyType.GENERIC_2],
          create(md.DescriptionSchema, { name: "x", description: "GENERIC_2 is the lender" }),
        ),
      ),
    ).toBe("ok");
  });
});

describe("ValidateBasic of the scope and link Msgs", () => {
  const scopeId = MetadataAddress.forScope(SCOPE).bytes;
  const contractSpecId = MetadataAddress.forContractSpecification(SPEC).bytes;
  const scopeSpecId = MetadataAddress.forScopeSpecification(SPEC).bytes;
  it.each([
    [
      "a data-access change",
      () =>
        validateScopeDataAccess(
          "tp",
          create(md.MsgAddScopeDataAccessRequestSchema, { scopeId, dataAccess: [BOB], signers: [ALICE] }),
        ),
      "ok",
    ],
    [
      "a data-access change without addresses",
      () =>
        validateScopeDataAccess("tp", create(md.MsgDeleteScopeDataAccessRequestSchema, { scopeId, signers: [ALICE] })),
      "at least one data access address is required",
    ],
    [
      "a data-access change on a session id",
      () =>
        validateScopeDataAccess(
          "tp",
          create(md.MsgAddScopeDataAccessRequestSchema, {
            scopeId: MetadataAddress.forSession(SCOPE, SESSION).bytes,
            dataAccess: [BOB],
            signers: [ALICE],
          }),
        ),
      `address is not a scope id: ${MetadataAddress.forSession(SCOPE, SESSION)}`,
    ],
    [
      "a new owner",
      () =>
        validateAddScopeOwner(
          "tp",
          create(md.MsgAddScopeOwnerRequestSchema, { scopeId, owners: [party(BOB)], signers: [ALICE] }),
        ),
      "ok",
    ],
    [
      "a new owner without role",
      () =>
        validateAddScopeOwner(
          "tp",
          create(md.MsgAddScopeOwnerRequestSchema, {
            scopeId,
            owners: [party(BOB, md.PartyType.UNSPECIFIED)],
            signers: [ALICE],
          }),
        ),
      `invalid owners: invalid party type for party ${BOB}`,
    ],
    [
      "an owner removal",
      () =>
        validateDeleteScopeOwner(
          "tp",
          create(md.MsgDeleteScopeOwnerRequestSchema, { scopeId, owners: [BOB], signers: [ALICE] }),
        ),
      "ok",
    ],
    [
      "an owner removal of a bad address",
      () =>
        validateDeleteScopeOwner(
          "tp",
          create(md.MsgDeleteScopeOwnerRequestSchema, { scopeId, owners: [MAINNET], signers: [ALICE] }),
        ),
      `owner address is invalid: ${MAINNET}`,
    ],
    [
      "a scope deletion",
      () => validateDeleteScope(create(md.MsgDeleteScopeRequestSchema, { scopeId, signers: [ALICE] })),
      "ok",
    ],
    [
      "a scope deletion without signers",
      () => validateDeleteScope(create(md.MsgDeleteScopeRequestSchema, { scopeId })),
      "at least one signer is required",
    ],
    [
      "a spec link",
      () =>
        validateContractSpecScopeSpecLink(
          create(md.MsgAddContractSpecToScopeSpecRequestSchema, {
            contractSpecificationId: contractSpecId,
            scopeSpecificationId: scopeSpecId,
            signers: [ALICE],
          }),
        ),
      "ok",
    ],
    [
      "a spec link with the ids swapped",
      () =>
        validateContractSpecScopeSpecLink(
          create(md.MsgAddContractSpecToScopeSpecRequestSchema, {
            contractSpecificationId: scopeSpecId,
            scopeSpecificationId: contractSpecId,
            signers: [ALICE],
          }),
        ),
      `address is not a contract specification id: ${MetadataAddress.forScopeSpecification(SPEC)}`,
    ],
  ])("checks %s", (_name, check, expected) => {
    expect(outcome(check)).toBe(expected);
  });
});
