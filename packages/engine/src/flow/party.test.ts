import { StringValueSchema } from "@bufbuild/protobuf/wkt";
import { PartyType } from "@p8e/contract-annotations";
import { bundleContract } from "@p8e/contract-annotations/bundle";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { input } from "../session/session-options.js";
import { DealScopeSpecification, dealScopeSpecUuid } from "../testdata/deal-contracts.js";
import { dealEnvironment } from "../testdata/deal-environment.js";
import { dealEntry } from "../testdata/entries.js";
import { eventually } from "../testdata/eventually.js";
import type { PublishedContract, TestEnvironment } from "../testing/index.js";
import type { EnvelopeState } from "./party.js";

let env: TestEnvironment;
let deal: PublishedContract;
let holdAll = false;
let rejectAll = false;

beforeAll(async () => {
  // The servicer approves, unless a test makes it hold requests (for a decision by hand) or reject them.
  ({ env, deal } = await dealEnvironment({
    servicer: () => (holdAll ? "hold" : rejectAll ? { reject: "not at that rate" } : "approve"),
  }));
}, 60_000);

afterAll(async () => {
  await env?.close();
});

/** Waits until the party's envelope reaches one of `statuses`. */
function until(party: string, executionUuid: string, statuses: readonly string[]): Promise<EnvelopeState> {
  return eventually(
    async () => {
      const state = await env.party(party).flow.get(executionUuid);
      return state !== undefined && statuses.includes(state.status) ? state : undefined;
    },
    `${party}'s ${executionUuid} to be ${statuses.join("/")}`,
  );
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

function proposal(value: string, extra: { expiresAt?: Date } = {}) {
  return {
    spec: deal.specHash,
    scopeSpecUuid: dealScopeSpecUuid,
    participants: participants(),
    inputs: { deal: input(StringValueSchema, { value }) },
    ...extra,
  };
}

/** Makes the servicer's policy hold (or reject) every request until the test ends. */
function servicerPolicy(policy: "hold" | "reject"): void {
  holdAll = policy === "hold";
  rejectAll = policy === "reject";
}

describe("Party refusals and endings", { timeout: 60_000 }, () => {
  afterEach(() => {
    holdAll = false;
    rejectAll = false;
  });

  it("ends in CONTRACT_REJECTED when the servicer's policy rejects, on both sides", async () => {
    const originator = env.party("originator");
    servicerPolicy("reject");
    const state = await originator.flow.invoke(proposal("200 at 9%"));
    await until("servicer", state.executionUuid, ["ERROR"]);
    const ended = await until("originator", state.executionUuid, ["ERROR"]);
    expect(ended.error?.type).toBe("CONTRACT_REJECTED");
    expect(ended.error?.message).toContain("not at that rate");
    expect((await env.party("servicer").flow.get(state.executionUuid))?.error?.type).toBe("CONTRACT_REJECTED");
  });

  it("expires an execution not complete in time, on both sides, and refuses a late approval", async () => {
    const originator = env.party("originator");
    const servicer = env.party("servicer");
    servicerPolicy("hold");
    const state = await originator.flow.invoke(proposal("300 at 1%", { expiresAt: new Date(Date.now() + 1500) }));
    await until("servicer", state.executionUuid, ["INBOX"]);
    const ended = await until("originator", state.executionUuid, ["ERROR"]);
    expect(ended.error?.type).toBe("TTL_TIMEOUT");
    expect((await until("servicer", state.executionUuid, ["ERROR"])).error?.type).toBe("TTL_TIMEOUT");
    await expect(servicer.flow.approve(state.executionUuid)).rejects.toThrow("not a request awaiting approval");
  });

  it("lets the invoker cancel; the servicer learns of it and cannot approve after", async () => {
    const originator = env.party("originator");
    const servicer = env.party("servicer");
    servicerPolicy("hold");
    const state = await originator.flow.invoke(proposal("400 at 2%"));
    await until("servicer", state.executionUuid, ["INBOX"]);
    await expect(servicer.flow.cancel(state.executionUuid)).rejects.toThrow("only the invoker can cancel");
    const cancelled = await originator.flow.cancel(state.executionUuid, "changed my mind");
    expect(cancelled.error).toEqual({ type: "CONTRACT_CANCELLED", message: "changed my mind" });
    const told = await until("servicer", state.executionUuid, ["ERROR"]);
    expect(told.error?.type).toBe("CONTRACT_CANCELLED");
    await expect(servicer.flow.approve(state.executionUuid)).rejects.toThrow("not a request awaiting approval");
  });

  it("approves by hand a request the policy held", async () => {
    const originator = env.party("originator");
    const servicer = env.party("servicer");
    servicerPolicy("hold");
    const state = await originator.flow.invoke(proposal("500 at 3%"));
    await until("servicer", state.executionUuid, ["INBOX"]);
    const watched: string[] = [];
    const controller = new AbortController();
    const watching = (async () => {
      for await (const change of originator.flow.watch({
        executionUuid: state.executionUuid,
        signal: controller.signal,
      })) {
        watched.push(change.status);
        if (change.status === "COMPLETE") controller.abort();
      }
    })();
    expect((await servicer.flow.list({ status: "INBOX" })).map((s) => s.executionUuid)).toContain(state.executionUuid);
    await servicer.flow.approve(state.executionUuid);
    await until("originator", state.executionUuid, ["COMPLETE"]);
    await watching;
    // The last signature's merge is the SIGNED write itself, then each later status.
    expect(watched).toEqual(["SIGNED", "CHAINCODE", "COMPLETE"]);
  });
});

describe("Party checks before asking the policy", { timeout: 60_000 }, () => {
  /** The private deal contract, on chain, and in the originator's store for the originator only. */
  async function privateContract() {
    const { PrivateDealContract } = await import("../testdata/deal-contracts.js");
    const publishable = {
      contract: PrivateDealContract,
      bundle: await bundleContract(dealEntry),
      scopeSpecifications: [DealScopeSpecification],
    };
    return { publishable, stored: await env.publish(publishable, { readers: [] }) };
  }

  it("answers CONTRACT_INVOCATION when the counterparty cannot load the contract", async () => {
    const { stored } = await privateContract();
    const state = await env.party("originator").flow.invoke({
      spec: stored.specHash,
      scopeSpecUuid: dealScopeSpecUuid,
      participants: participants(),
      inputs: { deal: input(StringValueSchema, { value: "only I can read this" }) },
    });
    const ended = await until("originator", state.executionUuid, ["ERROR"]);
    expect(ended.error?.type).toBe("CONTRACT_INVOCATION");
    expect(ended.error?.message).toContain("the request cannot be executed: loading contract spec");
    // It was retried for objectWaitMs (5 s) first, in case the contract was still replicating.
    const servicerSide = (await env.party("servicer").flow.get(state.executionUuid))!;
    expect(servicerSide.times.ERROR!.getTime() - servicerSide.times.INBOX!.getTime()).toBeGreaterThanOrEqual(4_900);
  });

  it("waits for a contract that reaches the counterparty's store after the request", async () => {
    // Direct delivery can put a request into the servicer's store before the objects it names
    // arrive by replication; here the contract is shared with the servicer only after the request.
    const { publishable, stored } = await privateContract();
    const state = await env.party("originator").flow.invoke({
      spec: stored.specHash,
      scopeSpecUuid: dealScopeSpecUuid,
      participants: participants(),
      inputs: { deal: input(StringValueSchema, { value: "shared late" }) },
    });
    await until("servicer", state.executionUuid, ["INBOX"]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await env.party("servicer").flow.get(state.executionUuid))?.status).toBe("INBOX");
    await env.party("originator").engine.storeContract(publishable.bundle, stored.spec, {
      audience: [env.party("servicer").keys.encryption.publicKey],
    });
    const done = await until("originator", state.executionUuid, ["COMPLETE", "ERROR"]);
    expect([done.status, done.error]).toEqual(["COMPLETE", undefined]);
  });
});
