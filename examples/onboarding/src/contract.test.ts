import { create, equals } from "@bufbuild/protobuf";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import { checkContracts, describeContract, PartyType, setExecutionTime } from "@p8e/contract-annotations";
import { describe, expect, it } from "vitest";
import {
  FundingSchema,
  LoanApplicationSchema,
  OnboardingContract,
  OnboardingScopeSpecification,
  ServicingTermsSchema,
} from "./index.js";

const application = create(LoanApplicationSchema, {
  loanId: "L-1",
  borrowerName: "Ada Lovelace",
  amountMinor: 250_000_00n,
  currency: "USD",
});
const servicing = create(ServicingTermsSchema, { loanId: "L-1", servicerName: "Servicer Co", feeBasisPoints: 25 });

describe("OnboardingContract", () => {
  it("records a normalized application in the first session", () => {
    const contract = new OnboardingContract(undefined, undefined);
    const recorded = contract.apply(
      create(LoanApplicationSchema, {
        loanId: " L-1 ",
        borrowerName: "Ada Lovelace ",
        amountMinor: 250_000_00n,
        currency: "usd",
      }),
    );
    expect(equals(LoanApplicationSchema, recorded, application)).toBe(true);
    expect(() => contract.apply(create(LoanApplicationSchema, { ...application, amountMinor: 0n }))).toThrow(
      "amount_minor must be positive",
    );
    expect(() => contract.apply(create(LoanApplicationSchema, { ...application, currency: "dollars" }))).toThrow(
      'currency "dollars" is not an ISO 4217 code',
    );
  });

  it("lets the servicer accept the applied loan on bounded terms", () => {
    const contract = new OnboardingContract(application, undefined);
    expect(equals(ServicingTermsSchema, contract.acceptServicing(application, servicing), servicing)).toBe(true);
    expect(() =>
      contract.acceptServicing(application, create(ServicingTermsSchema, { ...servicing, loanId: "L-2" })),
    ).toThrow('the servicing terms is for loan "L-2", not "L-1"');
    expect(() =>
      contract.acceptServicing(application, create(ServicingTermsSchema, { ...servicing, feeBasisPoints: 1001 })),
    ).toThrow("fee_basis_points 1001 is above the maximum of 1000");
  });

  it("boards the funded loan at the execution time, never the ambient clock", () => {
    const contract = new OnboardingContract(application, servicing);
    const funding = create(FundingSchema, { loanId: "L-1", amountMinor: 200_000_00n });
    expect(() => contract.board(application, servicing, funding)).toThrow(/outside an execution/);
    setExecutionTime(contract, new Date("2025-01-02T03:04:05Z"));
    const boarding = contract.board(application, servicing, funding);
    expect(boarding).toMatchObject({
      loanId: "L-1",
      servicerName: "Servicer Co",
      fundedMinor: 200_000_00n,
      currency: "USD",
    });
    expect(timestampDate(boarding.boardedAt!).toISOString()).toBe("2025-01-02T03:04:05.000Z");
    expect(() =>
      contract.board(application, servicing, create(FundingSchema, { loanId: "L-1", amountMinor: 250_000_01n })),
    ).toThrow("funded amount 25000001 must be positive and at most 25000000");
  });

  it("declares functions of two parties over records of earlier sessions", () => {
    const d = describeContract(OnboardingContract);
    expect(d.participants).toEqual([PartyType.ORIGINATOR, PartyType.SERVICER]);
    expect(d.constructorRecords.map((r) => [r.name, r.optional])).toEqual([
      ["application", true],
      ["servicing", true],
    ]);
    expect(
      d.functions.map((f) => [
        f.name,
        PartyType[f.invokedBy],
        f.output.name,
        f.skipIfRecordExists,
        f.parameters.map((p) => `${p.kind}:${p.name}`),
      ]),
    ).toEqual([
      ["apply", "ORIGINATOR", "application", "application", ["input:application"]],
      ["acceptServicing", "SERVICER", "servicing", "servicing", ["record:application", "input:terms"]],
      ["board", "ORIGINATOR", "boarding", undefined, ["record:application", "record:servicing", "input:funding"]],
    ]);
  });

  it("passes the publishing checks with its scope specification", () => {
    expect(() => checkContracts([OnboardingContract], [OnboardingScopeSpecification])).not.toThrow();
  });
});
