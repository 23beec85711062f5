import { create } from "@bufbuild/protobuf";
import { MetadataAddress } from "@p8e/spec-model";
import {
  ContractSpecificationSchema,
  DefinitionType,
  PartyType,
  RecordSpecificationSchema,
  ScopeSpecificationSchema,
} from "@p8e/spec-model/metadata";
import { describe, expect, it } from "vitest";
import { isMemorializerError } from "./errors.js";
import { type ChainSpecifications, specPublishingMsgs } from "./spec-publishing-msgs.js";
import { testParty } from "./testdata/envelopes.js";
import { metadataTypeUrls } from "./type-urls.js";

const signer = testParty("publisher", 1).address;
const contractUuid = "def6bc0a-c9dd-4874-948f-5206e6060a84";
const scopeUuid = "dc83ea70-eacd-40fe-9adf-1cf6148bf8a2";

const contractSpec = create(ContractSpecificationSchema, {
  specificationId: MetadataAddress.forContractSpecification(contractUuid).bytes,
  ownerAddresses: [signer],
  partiesInvolved: [PartyType.OWNER],
  source: { case: "hash", value: "3va8CsndSHSUj1IG5gYKhA==" },
  className: "io.p8e.test.HelloContract",
});
const recordSpec = (name: string) =>
  create(RecordSpecificationSchema, {
    specificationId: MetadataAddress.forRecordSpecification(contractUuid, name).bytes,
    name,
    typeName: "io.p8e.test.Greeting",
    resultType: DefinitionType.PROPOSED,
    responsibleParties: [PartyType.OWNER],
  });
const scopeSpec = (contractSpecIds: Uint8Array[] = []) =>
  create(ScopeSpecificationSchema, {
    specificationId: MetadataAddress.forScopeSpecification(scopeUuid).bytes,
    ownerAddresses: [signer],
    partiesInvolved: [PartyType.OWNER],
    contractSpecIds,
  });
const link = {
  contractSpecificationId: MetadataAddress.forContractSpecification(contractUuid),
  scopeSpecificationId: MetadataAddress.forScopeSpecification(scopeUuid).toString(),
};
const wanted: ChainSpecifications = {
  contractSpecifications: [contractSpec],
  recordSpecifications: [recordSpec("greeting"), recordSpec("farewell")],
  scopeSpecifications: [scopeSpec()],
  links: [link],
};

describe("specPublishingMsgs()", () => {
  it("publishes everything, contract spec first and links last, when the chain has nothing", () => {
    const msgs = specPublishingMsgs(wanted, {}, { signer });
    expect(msgs.map((m) => m.typeUrl)).toEqual([
      metadataTypeUrls.writeContractSpecification,
      metadataTypeUrls.writeRecordSpecification,
      metadataTypeUrls.writeRecordSpecification,
      metadataTypeUrls.writeScopeSpecification,
      metadataTypeUrls.addContractSpecToScopeSpec,
    ]);
    expect(msgs.every((m) => m.value.signers.join() === signer)).toBe(true);
  });

  it("sends nothing when the chain already has every specification and link", () => {
    const existing: ChainSpecifications = {
      contractSpecifications: [contractSpec],
      recordSpecifications: [recordSpec("farewell"), recordSpec("greeting")],
      scopeSpecifications: [scopeSpec([MetadataAddress.forContractSpecification(contractUuid).bytes])],
    };
    expect(specPublishingMsgs(wanted, existing, { signer })).toEqual([]);
  });

  it("sends only the missing record specification and link", () => {
    const existing: ChainSpecifications = {
      contractSpecifications: [contractSpec],
      recordSpecifications: [recordSpec("greeting")],
      scopeSpecifications: [scopeSpec()],
    };
    const msgs = specPublishingMsgs(wanted, existing, { signer });
    expect(msgs.map((m) => m.typeUrl)).toEqual([
      metadataTypeUrls.writeRecordSpecification,
      metadataTypeUrls.addContractSpecToScopeSpec,
    ]);
    const [first] = msgs;
    if (first?.typeUrl !== metadataTypeUrls.writeRecordSpecification)
      throw new Error("expected WriteRecordSpecification");
    expect(first.value.specification?.name).toBe("farewell");
  });

  it("needs no link when a new scope specification already lists the contract spec", () => {
    const listing = {
      ...wanted,
      scopeSpecifications: [scopeSpec([MetadataAddress.forContractSpecification(contractUuid).bytes])],
    };
    expect(specPublishingMsgs(listing, {}, { signer }).map((m) => m.typeUrl)).not.toContain(
      metadataTypeUrls.addContractSpecToScopeSpec,
    );
  });

  it("writes each specification once even when it is wanted twice", () => {
    const twice = {
      contractSpecifications: [contractSpec, contractSpec],
      links: [link, link],
      scopeSpecifications: [scopeSpec()],
    };
    expect(specPublishingMsgs(twice, {}, { signer })).toHaveLength(3);
  });

  it("refuses a link to a scope specification that is neither on chain nor published", () => {
    try {
      specPublishingMsgs({ links: [link] }, {}, { signer });
      expect.unreachable();
    } catch (error) {
      expect(isMemorializerError(error) && error.code).toBe("invalid-argument");
      expect((error as Error).message).toMatch(/neither on chain nor being published/);
    }
  });

  it("refuses an id of the wrong kind", () => {
    const wrong = { links: [{ ...link, contractSpecificationId: link.scopeSpecificationId }] };
    expect(() => specPublishingMsgs(wrong, {}, { signer })).toThrow(
      /is a scopeSpecification address, not a contractSpecification/,
    );
  });
});
