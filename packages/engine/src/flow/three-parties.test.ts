import { clone, create, toBinary } from "@bufbuild/protobuf";
import { anyPack, StringValueSchema } from "@bufbuild/protobuf/wkt";
import { PartyType } from "@p8e/contract-annotations";
import { bundleContract } from "@p8e/contract-annotations/bundle";
import { EnvelopeSchema } from "@p8e/spec-model";
import { ScopeResponseSchema } from "@p8e/spec-model/metadata";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { input } from "../session/session-options.js";
import {
  DealContract,
  DealScopeSpecification,
  dealScopeSpecUuid,
  SyndicateContract,
} from "../testdata/deal-contracts.js";
import { dealEntry } from "../testdata/entries.js";
import { eventually } from "../testdata/eventually.js";
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

/** Polls the party's envelope until it is COMPLETE or ERROR (or 20 s pass). */
async function settled(party: string, executionUuid: string) {
  const deadline = Date.now() + 20_000;
  let current = (await env.party(party).flow.get(executionUuid))!;
  while (current.status !== "COMPLETE" && current.status !== "ERROR" && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    current = (await env.party(party).flow.get(executionUuid))!;
  }
  return current;
}

/** All three parties in their roles. */
function everyone() {
  return [
    env.party("originator").participant(PartyType.ORIGINATOR),
    env.party("servicer").participant(PartyType.SERVICER),
    env.party("investor").participant(PartyType.INVESTOR),
  ];
}

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
      participants: everyone(),
      inputs: { deal: input(StringValueSchema, { value: "syndicated 1000" }) },
    });
    const current = await settled("originator", state.executionUuid);
    expect(current.error).toBeUndefined();
    expect(current.status).toBe("COMPLETE");
    const signers = (await originator!.flow.answers(state.executionUuid))
      .filter((a) => a.accepted)
      .map((a) => a.signer);
    expect(signers.sort()).toEqual([servicer!.address, investor!.address].sort());
    expect(current.result?.signatures).toHaveLength(3);
    expect((await originator!.engine.verify(current.scope)).verified).toBe(true);
  });

  it("asks a scope owner who is not a recital of the next contract to sign it too", async () => {
    const bundle = await bundleContract(dealEntry);
    const syndicate = await env.publish({
      contract: SyndicateContract,
      bundle,
      scopeSpecifications: [DealScopeSpecification],
    });
    const deal = await env.publish({ contract: DealContract, bundle, scopeSpecifications: [DealScopeSpecification] });
    const [originator, servicer, investor] = ["originator", "servicer", "investor"].map((n) => env.party(n));
    // The scope is made with all three as recitals, so all three own it.
    const first = await originator!.flow.invoke({
      spec: syndicate.specHash,
      scopeSpecUuid: dealScopeSpecUuid,
      participants: everyone(),
      inputs: { deal: input(StringValueSchema, { value: "syndicated 2000" }) },
    });
    const made = await settled("originator", first.executionUuid);
    expect([made.status, made.error]).toEqual(["COMPLETE", undefined]);
    // The next contract names only the originator and the servicer; the investor still owns the scope.
    const second = await originator!.flow.invoke({
      spec: deal.specHash,
      scope: made.scope,
      participants: [originator!.participant(PartyType.ORIGINATOR), servicer!.participant(PartyType.SERVICER)],
      inputs: { deal: input(StringValueSchema, { value: "repriced" }) },
    });
    const done = await settled("originator", second.executionUuid);
    expect([done.status, done.error]).toEqual(["COMPLETE", undefined]);
    expect(done.result?.contract?.recitals).toHaveLength(2);
    const signers = (await originator!.flow.answers(second.executionUuid))
      .filter((a) => a.accepted)
      .map((a) => a.signer);
    expect(signers.sort()).toEqual([servicer!.address, investor!.address].sort());
    expect((await investor!.flow.get(second.executionUuid))?.side).toBe("counterparty");
    expect((await originator!.engine.verify(done.scope)).verified).toBe(true);
  });

  it("refuses a request whose scope snapshot falsely names this party an owner", async () => {
    const deal = await env.publish({
      contract: DealContract,
      bundle: await bundleContract(dealEntry),
      scopeSpecifications: [DealScopeSpecification],
    });
    const [originator, servicer, investor] = ["originator", "servicer", "investor"].map((n) => env.party(n));
    const state = await originator!.flow.invoke({
      spec: deal.specHash,
      scopeSpecUuid: dealScopeSpecUuid,
      participants: [originator!.participant(PartyType.ORIGINATOR), servicer!.participant(PartyType.SERVICER)],
      inputs: { deal: input(StringValueSchema, { value: "not the investor's" }) },
    });
    const made = await settled("originator", state.executionUuid);
    expect(made.status).toBe("COMPLETE");
    // The originator asks the investor to sign for that scope, with a snapshot that says the investor owns it.
    const forged = clone(EnvelopeSchema, made.input);
    forged.executionUuid!.value = crypto.randomUUID();
    forged.scope = anyPack(
      ScopeResponseSchema,
      create(ScopeResponseSchema, { scope: { scope: { owners: [{ address: investor!.address }] } } }),
    );
    await originator!.eos.sendMail(toBinary(EnvelopeSchema, forged), {
      type: "FRAGMENT_REQUEST",
      to: [investor!.keys.encryption.publicKey],
    });
    // And one whose snapshot is not a ScopeResponse at all.
    const garbled = clone(EnvelopeSchema, forged);
    garbled.executionUuid!.value = crypto.randomUUID();
    garbled.scope = {
      $typeName: "google.protobuf.Any",
      typeUrl: "type.googleapis.com/x.Y",
      value: new Uint8Array([0xff]),
    };
    await originator!.eos.sendMail(toBinary(EnvelopeSchema, garbled), {
      type: "FRAGMENT_REQUEST",
      to: [investor!.keys.encryption.publicKey],
    });
    const dead = await eventually(async () => {
      const items = await investor!.eos.deadMail();
      return items.length >= 2 ? items : undefined;
    }, "both forged requests to be set aside");
    for (const item of dead)
      expect(item.reason).toBe("FRAGMENT_REQUEST names this party in no recital, and it owns no such scope");
    expect(await investor!.flow.get(forged.executionUuid!.value)).toBeUndefined();
  });
});
