import { describe, expect, it } from "vitest";
import { PartyType } from "./gen/io/provenance/scope/contract/specification_pb.js";
import { PartyType as ChainPartyType } from "./gen/provenance/metadata/v1/specification_pb.js";
import { partyTypeFromChain, partyTypeToChain } from "./party-type.js";

const roles = Object.values(PartyType).filter((v): v is PartyType => typeof v === "number");
const chainRoles = Object.values(ChainPartyType).filter((v): v is ChainPartyType => typeof v === "number");

describe("partyTypeToChain()", () => {
  for (const role of roles.filter((r) => r !== PartyType.NONE)) {
    it(`maps ${PartyType[role]} to the chain role of the same name`, () => {
      const chain = partyTypeToChain(role);
      expect(ChainPartyType[chain]).toBe(PartyType[role]);
      expect(partyTypeFromChain(chain)).toBe(role);
    });
  }
  it("refuses NONE and unknown values", () => {
    expect(() => partyTypeToChain(PartyType.NONE)).toThrow(/NONE has no provenance.metadata.v1.PartyType/);
    expect(() => partyTypeToChain(9 as PartyType)).toThrow(/9 has no/);
  });
});

describe("partyTypeFromChain()", () => {
  it("refuses roles p8e does not have", () => {
    for (const role of chainRoles.filter((r) => r === 0 || r >= 12)) {
      expect(() => partyTypeFromChain(role)).toThrow(/has no p8e PartyType counterpart/);
    }
  });
});
