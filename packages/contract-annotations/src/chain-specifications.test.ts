import { createHash } from "node:crypto";
import { create } from "@bufbuild/protobuf";
import { bech32Encode } from "@p8e/hashing-crypto";
import { ContractSpecSchema, MetadataAddress, toCanonicalBinary, uuidFromBytes } from "@p8e/spec-model";
import {
  PartyType as ChainPartyType,
  DefinitionType,
  MsgWriteRecordSpecificationRequestSchema,
} from "@p8e/spec-model/metadata";
import { describe, expect, it } from "vitest";
import * as chain from "./chain.js";
import * as p8e from "./index.js";
import { LoanContract, LoanScopeSpecification } from "./testdata/loan-contract.js";
import {
  validateContractSpecification,
  validateRecordSpecification,
  validateScopeSpecification,
} from "./testdata/validate-basic.js";

const bundleHash = "n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=";
const spec = p8e.dehydrate(LoanContract, { bundleHash });
const owner = bech32Encode("tp", new Uint8Array(20).fill(7));
const signer = bech32Encode("tp", new Uint8Array(20).fill(9));

// The spec id computed independently of @p8e/spec-model: SHA-256 of the encoding, first 16 bytes.
const idBytes = createHash("sha256").update(toCanonicalBinary(ContractSpecSchema, spec)).digest().subarray(0, 16);
const specUuid = uuidFromBytes(idBytes);

describe("contractSpecification()", () => {
  it("derives the chain's ContractSpecification as upstream's publisher does", () => {
    const s = chain.contractSpecification(spec, { ownerAddresses: [owner] });
    expect(s.specificationId).toEqual(Uint8Array.of(0x03, ...idBytes));
    expect(s.description?.name).toBe("LoanContract");
    expect(s.description?.description).toBe("io.p8e.testing.LoanContract");
    expect(s.ownerAddresses).toEqual([owner]);
    expect(s.partiesInvolved).toEqual([ChainPartyType.ORIGINATOR, ChainPartyType.SERVICER]);
    expect(s.source).toEqual({ case: "hash", value: Buffer.from(idBytes).toString("base64") });
    expect(s.className).toBe("io.p8e.testing.LoanContract");
    validateContractSpecification(s);
  });

  it("refuses owners that are not account addresses of one chain", () => {
    for (const ownerAddresses of [
      [],
      ["tp1notbech32"],
      [bech32Encode("tp", new Uint8Array(16))],
      [owner, bech32Encode("pb", new Uint8Array(20))],
    ]) {
      expect(() => chain.contractSpecification(spec, { ownerAddresses })).toThrow(
        expect.objectContaining({ code: "invalid-address" }),
      );
    }
  });

  it("refuses a ContractSpec the chain could not accept", () => {
    const noDefinition = create(ContractSpecSchema, { partiesInvolved: spec.partiesInvolved });
    expect(() => chain.contractSpecification(noDefinition, { ownerAddresses: [owner] })).toThrow(
      expect.objectContaining({ code: "invalid-contract-spec", message: "ContractSpec has no definition" }),
    );
    const noParties = create(ContractSpecSchema, { ...spec, partiesInvolved: [] });
    expect(() => chain.contractSpecification(noParties, { ownerAddresses: [owner] })).toThrow(
      /has no parties_involved/,
    );
    const noneRole = create(ContractSpecSchema, { ...spec, partiesInvolved: [p8e.PartyType.NONE] });
    expect(() => chain.contractSpecification(noneRole, { ownerAddresses: [owner] })).toThrow(
      /parties_involved: NONE is not a role the chain knows/,
    );
  });
});

describe("recordSpecifications()", () => {
  it("derives one RecordSpecification per function output", () => {
    const records = chain.recordSpecifications(spec);
    expect(records.map((r) => r.name)).toEqual(["amount", "approved"]);
    const [amount, approved] = records;
    expect(amount!.specificationId).toEqual(MetadataAddress.forRecordSpecification(specUuid, "amount").bytes);
    expect(amount!.inputs.map((i) => [i.name, i.typeName, i.source])).toEqual([
      ["requested", "google.protobuf.Int64Value", { case: "hash", value: bundleHash }],
      ["borrower", "google.protobuf.StringValue", { case: "hash", value: bundleHash }],
    ]);
    expect(amount!.typeName).toBe("google.protobuf.Int64Value");
    expect(amount!.resultType).toBe(DefinitionType.PROPOSED);
    expect(amount!.responsibleParties).toEqual([ChainPartyType.ORIGINATOR]);
    expect(approved!.responsibleParties).toEqual([ChainPartyType.SERVICER]);
    for (const r of records) validateRecordSpecification(r);
  });
});

describe("scopeSpecification()", () => {
  it("derives the chain's ScopeSpecification from its definition", () => {
    const s = chain.scopeSpecification(LoanScopeSpecification, { ownerAddresses: [owner] });
    expect(s.specificationId).toEqual(
      MetadataAddress.forScopeSpecification("5b3a5c8e-4f0e-4b7e-9a39-0d1c2b3a4f5e").bytes,
    );
    expect(s.description).toMatchObject({
      name: "io.p8e.testing.loan",
      description: "Loans for the contract-annotations tests.",
      websiteUrl: "https://provenance.io",
      iconUrl: "",
    });
    expect(s.partiesInvolved).toEqual([ChainPartyType.ORIGINATOR]);
    expect(s.contractSpecIds).toEqual([]);
    validateScopeSpecification(s);
    const linked = chain.scopeSpecification(LoanScopeSpecification, {
      ownerAddresses: [owner],
      contractSpecIds: [MetadataAddress.forContractSpecification(specUuid)],
    });
    expect(linked.contractSpecIds).toEqual([Uint8Array.of(0x03, ...idBytes)]);
    expect(() =>
      chain.scopeSpecification(LoanScopeSpecification, {
        ownerAddresses: [owner],
        contractSpecIds: [MetadataAddress.forScopeSpecification(specUuid)],
      }),
    ).toThrow(expect.objectContaining({ code: "invalid-address" }));
  });
});

describe("scopeSpecificationLinks()", () => {
  it("pairs the contract spec with each scope specification it names", () => {
    const links = chain.scopeSpecificationLinks(LoanContract, spec, [LoanScopeSpecification]);
    expect(links).toHaveLength(1);
    expect(links[0]!.contractSpecificationId.bytes).toEqual(Uint8Array.of(0x03, ...idBytes));
    expect(links[0]!.scopeSpecificationId.primaryUuid).toBe("5b3a5c8e-4f0e-4b7e-9a39-0d1c2b3a4f5e");
    expect(links[0]!.scopeSpecificationName).toBe("io.p8e.testing.loan");
  });

  it("refuses a name without a definition and a spec of another contract", () => {
    expect(() => chain.scopeSpecificationLinks(LoanContract, spec, [])).toThrow(
      expect.objectContaining({ code: "undefined-scope-specification" }),
    );
    @p8e.Participants([p8e.PartyType.ORIGINATOR])
    @p8e.ScopeSpecification(["io.p8e.testing.loan"])
    class Other extends p8e.P8eContract {}
    expect(() => chain.scopeSpecificationLinks(Other, spec, [LoanScopeSpecification])).toThrow(
      expect.objectContaining({
        code: "invalid-contract-spec",
        message: "ContractSpec is the spec of io.p8e.testing.LoanContract, not of Other",
      }),
    );
  });
});

describe("specificationMsgs()", () => {
  it("builds every Msg that publishes the contract, in the order the chain needs", () => {
    const msgs = chain.specificationMsgs({
      contract: LoanContract,
      spec,
      scopeSpecifications: [LoanScopeSpecification],
      ownerAddresses: [owner],
      signers: [signer],
    });
    expect(msgs.contractSpecification.signers).toEqual([signer]);
    expect(msgs.contractSpecification.specification?.className).toBe("io.p8e.testing.LoanContract");
    expect(msgs.recordSpecifications.map((m) => [m.specification?.name, m.contractSpecUuid, m.signers])).toEqual([
      ["amount", specUuid, [signer]],
      ["approved", specUuid, [signer]],
    ]);
    expect(msgs.scopeSpecifications.map((m) => m.specification?.description?.name)).toEqual(["io.p8e.testing.loan"]);
    expect(msgs.scopeSpecifications[0]!.specification?.contractSpecIds).toEqual([]);
    expect(msgs.links.map((m) => [m.contractSpecificationId, m.scopeSpecificationId, m.signers])).toEqual([
      [
        Uint8Array.of(0x03, ...idBytes),
        MetadataAddress.forScopeSpecification("5b3a5c8e-4f0e-4b7e-9a39-0d1c2b3a4f5e").bytes,
        [signer],
      ],
    ]);
    expect(msgs.recordSpecifications[0]!.$typeName).toBe(MsgWriteRecordSpecificationRequestSchema.typeName);
  });

  it("refuses Msgs without signers", () => {
    expect(() => chain.writeRecordSpecificationMsgs(spec, { signers: [] })).toThrow(
      expect.objectContaining({ code: "invalid-address", message: "signers must list at least one account address" }),
    );
  });
});
