// The onboarding contract and its scope specification: the bundle entry. It imports only the
// host-provided @p8e/contract-annotations and @bufbuild/protobuf, and its own generated types.
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import * as p8e from "@p8e/contract-annotations";
import {
  type Boarding,
  BoardingSchema,
  type Funding,
  FundingSchema,
  type LoanApplication,
  LoanApplicationSchema,
  type ServicingTerms,
  ServicingTermsSchema,
} from "./gen/io/p8e/examples/onboarding/onboarding_pb.js";

export {
  type Boarding,
  BoardingSchema,
  type Funding,
  FundingSchema,
  type LoanApplication,
  LoanApplicationSchema,
  type ServicingTerms,
  ServicingTermsSchema,
};

const { PartyType } = p8e;

/** The name of the scope specification onboarding runs in. */
export const onboardingScopeSpecificationName = "io.p8e.examples.onboarding";

/** The highest servicing fee the contract accepts, in basis points (10%). */
export const maxFeeBasisPoints = 1000;

function required(value: string, field: string): string {
  const trimmed = value.trim();
  if (trimmed === "") throw new Error(`${field} must not be empty`);
  return trimmed;
}

function sameLoan(expected: string, actual: string, what: string): void {
  if (actual.trim() !== expected) throw new Error(`${what} is for loan "${actual}", not "${expected}"`);
}

/**
 * Onboards a loan between two parties across sessions of one scope. The ORIGINATOR applies (once
 * per scope), the SERVICER accepts servicing the applied loan, and the ORIGINATOR funds and boards
 * it. Each later session receives the records of earlier ones through the constructor.
 */
@p8e.Participants([PartyType.ORIGINATOR, PartyType.SERVICER])
@p8e.ScopeSpecification([onboardingScopeSpecificationName])
export class OnboardingContract extends p8e.P8eContract {
  static override readonly package = "io.p8e.examples.onboarding";

  constructor(
    @p8e.Record("application", LoanApplicationSchema, { optional: true })
    readonly application: LoanApplication | undefined,
    @p8e.Record("servicing", ServicingTermsSchema, { optional: true })
    readonly servicing: ServicingTerms | undefined,
  ) {
    super();
  }

  /** Records the loan application, normalized; skipped once the scope has one. */
  @p8e.Function({ invokedBy: PartyType.ORIGINATOR })
  @p8e.Record("application", LoanApplicationSchema)
  @p8e.SkipIfRecordExists("application")
  apply(@p8e.Input("application", LoanApplicationSchema) application: LoanApplication): LoanApplication {
    if (application.amountMinor <= 0n) throw new Error("amount_minor must be positive");
    const currency = application.currency.trim().toUpperCase();
    if (!/^[A-Z]{3}$/.test(currency)) throw new Error(`currency "${application.currency}" is not an ISO 4217 code`);
    return create(LoanApplicationSchema, {
      loanId: required(application.loanId, "loan_id"),
      borrowerName: required(application.borrowerName, "borrower_name"),
      amountMinor: application.amountMinor,
      currency,
    });
  }

  /** Records the servicer's terms for the applied loan; skipped once the scope has them. */
  @p8e.Function({ invokedBy: PartyType.SERVICER })
  @p8e.Record("servicing", ServicingTermsSchema)
  @p8e.SkipIfRecordExists("servicing")
  acceptServicing(
    @p8e.Record("application", LoanApplicationSchema) application: LoanApplication,
    @p8e.Input("terms", ServicingTermsSchema) terms: ServicingTerms,
  ): ServicingTerms {
    sameLoan(application.loanId, terms.loanId, "the servicing terms");
    if (terms.feeBasisPoints > maxFeeBasisPoints) {
      throw new Error(`fee_basis_points ${terms.feeBasisPoints} is above the maximum of ${maxFeeBasisPoints}`);
    }
    return create(ServicingTermsSchema, {
      loanId: application.loanId,
      servicerName: required(terms.servicerName, "servicer_name"),
      feeBasisPoints: terms.feeBasisPoints,
    });
  }

  /** Funds the loan and boards it with the servicer, stamped with the session's execution time. */
  @p8e.Function({ invokedBy: PartyType.ORIGINATOR })
  @p8e.Record("boarding", BoardingSchema)
  board(
    @p8e.Record("application", LoanApplicationSchema) application: LoanApplication,
    @p8e.Record("servicing", ServicingTermsSchema) servicing: ServicingTerms,
    @p8e.Input("funding", FundingSchema) funding: Funding,
  ): Boarding {
    sameLoan(application.loanId, funding.loanId, "the funding");
    if (funding.amountMinor <= 0n || funding.amountMinor > application.amountMinor) {
      throw new Error(`funded amount ${funding.amountMinor} must be positive and at most ${application.amountMinor}`);
    }
    return create(BoardingSchema, {
      loanId: application.loanId,
      servicerName: servicing.servicerName,
      fundedMinor: funding.amountMinor,
      currency: application.currency,
      feeBasisPoints: servicing.feeBasisPoints,
      boardedAt: timestampFromDate(this.currentTime),
    });
  }
}

/** The scope specification for onboarding scopes: every such scope has an ORIGINATOR. */
@p8e.ScopeSpecificationDefinition({
  uuid: "e6d091d6-4df0-449a-95c1-e35ce30a4509",
  name: onboardingScopeSpecificationName,
  description: "Loans onboarded from an originator to a servicer.",
  partiesInvolved: [PartyType.ORIGINATOR],
  websiteUrl: "https://provenance.io",
})
export class OnboardingScopeSpecification extends p8e.P8eScopeSpecification {}
