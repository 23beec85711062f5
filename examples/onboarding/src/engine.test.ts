// Onboarding's single-invoker steps on the engine: what each party may run on its own, and what
// the engine refuses. Completing a step needs the other party's signature (the multi-party flow).
import { PartyType } from "@p8e/contract-annotations";
import { input, isEngineError } from "@p8e/engine";
import { createTestEnvironment, type PublishedContract, type TestEnvironment } from "@p8e/engine/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleOnboarding } from "./bundle.js";
import {
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
  env = await createTestEnvironment({ parties: ["originator", "servicer"] });
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
