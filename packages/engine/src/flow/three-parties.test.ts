import { StringValueSchema } from "@bufbuild/protobuf/wkt";
import { PartyType } from "@p8e/contract-annotations";
import { bundleContract } from "@p8e/contract-annotations/bundle";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { input } from "../session/session-options.js";
import { DealScopeSpecification, dealScopeSpecUuid, SyndicateContract } from "../testdata/deal-contracts.js";
import { dealEntry } from "../testdata/entries.js";
import { createTestEnvironment, type TestEnvironment } from "../testing/index.js";

let env: TestEnvironment;

beforeAll(async () => {
  env = await createTestEnvironment({
    parties: ["originator", "servicer", "investor"],
    stores: "per-party",
    policies: { servicer: () => "approve", investor: () => "approve" },
  });
}, 60_000);

afterAll(async () => {
  await env?.close();
});

describe("Party with three parties", { timeout: 60_000 }, () => {
  it("gathers both counterparties' signatures and memorializes", async () => {
    const { specHash } = await env.publish({
      contract: SyndicateContract,
      bundle: await bundleContract(dealEntry),
      scopeSpecifications: [DealScopeSpecification],
    });
    const [originator, servicer, investor] = ["originator", "servicer", "investor"].map((n) => env.party(n));
    const state = await originator!.flow.invoke({
      spec: specHash,
      scopeSpecUuid: dealScopeSpecUuid,
      participants: [
        originator!.participant(PartyType.ORIGINATOR),
        servicer!.participant(PartyType.SERVICER),
        investor!.participant(PartyType.INVESTOR),
      ],
      inputs: { deal: input(StringValueSchema, { value: "syndicated 1000" }) },
    });
    const deadline = Date.now() + 20_000;
    let current = state;
    while (current.status !== "COMPLETE" && current.status !== "ERROR" && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      current = (await originator!.flow.get(state.executionUuid))!;
    }
    expect(current.error).toBeUndefined();
    expect(current.status).toBe("COMPLETE");
    const signers = (await originator!.flow.answers(state.executionUuid))
      .filter((a) => a.accepted)
      .map((a) => a.signer);
    expect(signers.sort()).toEqual([servicer!.address, investor!.address].sort());
    expect(current.result?.signatures).toHaveLength(3);
    expect((await originator!.engine.verify(current.scope)).verified).toBe(true);
  });
});
