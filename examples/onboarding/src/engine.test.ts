// Onboarding on the engine: its single-invoker steps (what each party may run on its own, and
// what the engine refuses), then the whole onboarding across two parties, each with its own
// object store, through the multi-party flow.
import { PartyType } from "@p8e/contract-annotations";
import type { EnvelopeState, Party } from "@p8e/engine";
import { input, isEngineError } from "@p8e/engine";
import { createTestEnvironment, type PublishedContract, type TestEnvironment } from "@p8e/engine/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleOnboarding } from "./bundle.js";
import {
  BoardingSchema,
  FundingSchema,
  LoanApplicationSchema,
  OnboardingContract,
  OnboardingScopeSpecification,
  ServicingTermsSchema,
} from "./index.js";

let env: TestEnvironment;
let onboarding: PublishedContract;
const scopeSpecUuid = "e6d091d6-4df0-449a-95c1-e35ce30a4509";

beforeAll(async () => {
  env = await createTestEnvironment({
    parties: ["originator", "servicer"],
    stores: "per-party",
    policies: { originator: () => "approve", servicer: () => "approve" },
  });
  onboarding = await env.publish({
    contract: OnboardingContract,
    bundle: await bundleOnboarding(),
    scopeSpecifications: [OnboardingScopeSpecification],
  });
}, 60_000);

afterAll(async () => {
  await env?.close();
});

function participants() {
  return [
    env.party("originator").participant(PartyType.ORIGINATOR),
    env.party("servicer").participant(PartyType.SERVICER),
  ];
}

const application = input(LoanApplicationSchema, {
  loanId: "loan-1",
  borrowerName: "Ada Lovelace",
  amountMinor: 250_000n,
  currency: "usd",
});

describe("OnboardingContract on the engine", { timeout: 60_000 }, () => {
  it("runs the originator's application and leaves the servicer's signature to collect", async () => {
    const originator = env.party("originator");
    const result = await originator.engine.run({
      spec: onboarding.specHash,
      scopeSpecUuid,
      participants: participants(),
      inputs: { application },
    });
    expect(result.status).toBe("needs-signatures");
    if (result.status !== "needs-signatures") return;
    expect(result.missing).toEqual([env.party("servicer").address]);
    expect(result.outcomes.map((o) => [o.function, o.result, o.reason])).toEqual([
      ["apply", "PASS", undefined],
      ["acceptServicing", "SKIP", "SERVICER invokes it; the invoker is ORIGINATOR"],
      ["board", "SKIP", "input application is missing"],
    ]);
  });

  it("fails the application of a bad currency, naming the function and the reason", async () => {
    const result = await env.party("originator").engine.run({
      spec: onboarding.specHash,
      scopeSpecUuid,
      participants: participants(),
      inputs: {
        application: input(LoanApplicationSchema, {
          loanId: "loan-2",
          borrowerName: "B",
          amountMinor: 1n,
          currency: "dollars",
        }),
      },
    });
    expect(result.status).toBe("failed");
    if (result.status !== "failed") return;
    expect(result.failure).toEqual({ function: "apply", reason: 'currency "dollars" is not an ISO 4217 code' });
  });

  it("refuses the servicer's terms from the originator, naming function, role and invoker", async () => {
    const refused = await env
      .party("originator")
      .engine.package({
        spec: onboarding.specHash,
        scopeSpecUuid,
        participants: participants(),
        inputs: { terms: input(ServicingTermsSchema, { loanId: "loan-1", servicerName: "S", feeBasisPoints: 50 }) },
      })
      .catch((e: unknown) => e);
    expect(isEngineError(refused) && refused.code).toBe("invalid-session");
    expect(String(refused)).toContain(
      'input "terms" is for acceptServicing, which SERVICER invokes; you are ORIGINATOR',
    );
  });

  it("skips a function whose role the invoker lacks even when an envelope carries its input", async () => {
    const originator = env.party("originator");
    const envelope = await originator.engine.package({
      spec: onboarding.specHash,
      scopeSpecUuid,
      participants: participants(),
      inputs: { application },
    });
    // Forge what packaging refuses: a proposed input for the SERVICER's function.
    const accept = envelope.contract!.considerations.find((c) => c.considerationName === "acceptServicing")!;
    const apply = envelope.contract!.considerations.find((c) => c.considerationName === "apply")!;
    accept.inputs.push({ ...apply.inputs[0]!, name: "terms", classname: ServicingTermsSchema.typeName });
    const result = await originator.engine.execute(envelope);
    expect(result.outcomes.find((o) => o.function === "acceptServicing")).toMatchObject({
      result: "SKIP",
      reason: "SERVICER invokes it; the invoker is ORIGINATOR",
    });
  });

  it("refuses a funding input before anything exists to fund", async () => {
    const result = await env.party("originator").engine.run({
      spec: onboarding.specHash,
      scopeSpecUuid,
      participants: participants(),
      inputs: { application, funding: input(FundingSchema, { loanId: "loan-1", amountMinor: 1n }) },
    });
    expect(result.outcomes.find((o) => o.function === "board")).toMatchObject({
      result: "SKIP",
      reason: "input application is missing",
    });
  });
});

async function completed(flow: Party, state: EnvelopeState): Promise<EnvelopeState> {
  const deadline = Date.now() + 20_000;
  let current = state;
  while (current.status !== "COMPLETE" && current.status !== "ERROR" && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    current = (await flow.get(state.executionUuid))!;
  }
  expect(current.error).toBeUndefined();
  expect(current.status).toBe("COMPLETE");
  return current;
}

describe("OnboardingContract across two parties", { timeout: 90_000 }, () => {
  it("applies, accepts servicing and boards, each step signed by both, and the scope verifies", async () => {
    const originator = env.party("originator");
    const servicer = env.party("servicer");
    const applied = await completed(
      originator.flow,
      await originator.flow.invoke({
        spec: onboarding.specHash,
        scopeSpecUuid,
        participants: participants(),
        inputs: { application },
      }),
    );
    const serviced = await completed(
      servicer.flow,
      await servicer.flow.invoke({
        spec: onboarding.specHash,
        scope: applied.scope,
        participants: participants(),
        inputs: {
          terms: input(ServicingTermsSchema, { loanId: "loan-1", servicerName: "Servicing Co", feeBasisPoints: 25 }),
        },
      }),
    );
    expect(serviced.scope).toBe(applied.scope);
    const boarded = await completed(
      originator.flow,
      await originator.flow.invoke({
        spec: onboarding.specHash,
        scope: applied.scope,
        participants: participants(),
        inputs: { funding: input(FundingSchema, { loanId: "loan-1", amountMinor: 250_000n }) },
      }),
    );
    const records = await servicer.engine.hydrate(boarded.scope, { schemas: [BoardingSchema] });
    expect(records.get("boarding", BoardingSchema)).toMatchObject({
      loanId: "loan-1",
      servicerName: "Servicing Co",
      fundedMinor: 250_000n,
      currency: "USD",
      feeBasisPoints: 25,
    });
    const report = await servicer.engine.verify(boarded.scope);
    expect(report.verified).toBe(true);
  });
});
