import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { ContractSpecSchema, contractSpecId, MetadataAddress, PartyType } from "./index.js";

// The README example, run as a test.
describe("README", () => {
  it("runs the example", () => {
    const scope = MetadataAddress.forScope("91978ba2-5f35-459a-86a7-feca1b0512e0");
    expect(scope.toString()).toBe("scope1qzge0zaztu65tx5x5llv5xc9ztsqxlkwel");

    const spec = create(ContractSpecSchema, { partiesInvolved: [PartyType.OWNER] });
    const id = contractSpecId(spec);
    expect(id.address.toString()).toMatch(/^contractspec1/);
    expect(id.hashBase64).toHaveLength(24);

    const record = MetadataAddress.fromBech32("record1q2ge0zaztu65tx5x5llv5xc9ztsw42dq2jdvmdazuwzcaddhh8gmu3mcze3");
    expect(record.kind).toBe("record");
    expect(record.primaryUuid).toBe("91978ba2-5f35-459a-86a7-feca1b0512e0");
  });
});
