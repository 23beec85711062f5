import { StringValueSchema } from "@bufbuild/protobuf/wkt";
import { PartyType } from "@p8e/contract-annotations";
import { bundleContract } from "@p8e/contract-annotations/bundle";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { input } from "../session/session-options.js";
import { DealContract, DealScopeSpecification, dealScopeSpecUuid } from "../testdata/deal-contracts.js";
import { dealEntry } from "../testdata/entries.js";
import { createTestEnvironment, type PublishedContract, type TestEnvironment } from "../testing/index.js";
import type { EnvelopeState } from "./party.js";

let env: TestEnvironment;
let deal: PublishedContract;

beforeAll(async () => {
  env = await createTestEnvironment({
    parties: ["originator", "servicer"],
    stores: "per-party",
    policies: { servicer: (request) => (request.contract.endsWith("DealContract") ? "approve" : "hold") },
  });
  deal = await env.publish({
    contract: DealContract,
    bundle: await bundleContract(dealEntry),
    scopeSpecifications: [DealScopeSpecification],
  });
}, 60_000);

afterAll(async () => {
  await env?.close();
});

/** Waits until the party's envelope reaches one of `statuses`. */
async function until(
  party: string,
  executionUuid: string,
  statuses: readonly string[],
  timeoutMs = 15_000,
): Promise<EnvelopeState> {
  const flow = env.party(party).flow;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await flow.get(executionUuid);
    if (state !== undefined && statuses.includes(state.status)) return state;
    if (Date.now() > deadline)
      throw new Error(`${party}'s ${executionUuid} is ${state?.status ?? "unknown"}, not ${statuses.join("/")}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function participants() {
  return [
    env.party("originator").participant(PartyType.ORIGINATOR),
    env.party("servicer").participant(PartyType.SERVICER),
  ];
}

describe("Party (two parties, a store each)", { timeout: 60_000 }, () => {
  it("completes: request mailed, servicer approves, answer merged, memorialized", async () => {
    const originator = env.party("originator");
    const state = await originator.flow.invoke({
      spec: deal.specHash,
      scopeSpecUuid: dealScopeSpecUuid,
      participants: participants(),
      inputs: { deal: input(StringValueSchema, { value: "100 at 5%" }) },
    });
    expect(state.status).toBe("FRAGMENT");
    const done = await until("originator", state.executionUuid, ["COMPLETE", "ERROR"]);
    expect(done.error).toBeUndefined();
    expect(done.status).toBe("COMPLETE");
    expect(Object.keys(done.times)).toEqual(["CREATED", "FRAGMENT", "SIGNED", "CHAINCODE", "COMPLETE"]);
    const answers = await originator.flow.answers(state.executionUuid);
    expect(answers).toEqual([expect.objectContaining({ accepted: true, signer: env.party("servicer").address })]);
    const servicerSide = await until("servicer", state.executionUuid, ["COMPLETE"]);
    expect(Object.keys(servicerSide.times)).toEqual(["INBOX", "EXECUTED", "OUTBOX", "COMPLETE"]);
    const view = await originator.memorializer.query.scope(done.scope);
    expect(view?.scope.owners.map((o) => o.address).sort()).toEqual(
      [originator.address, env.party("servicer").address].sort(),
    );
    expect((await originator.engine.verify(done.scope)).verified).toBe(true);
  });
});
