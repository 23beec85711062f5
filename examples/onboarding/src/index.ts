/**
 * The multi-party onboarding contract of the P8e examples: an ORIGINATOR applies with a loan, a
 * SERVICER accepts servicing it, and the ORIGINATOR funds and boards it, in sessions of one scope
 * of the scope specification `io.p8e.examples.onboarding`. The bundler helpers live behind
 * `@p8e/example-onboarding/bundle`.
 * @module
 */

export {
  type Boarding,
  BoardingSchema,
  type Funding,
  FundingSchema,
  type LoanApplication,
  LoanApplicationSchema,
  maxFeeBasisPoints,
  OnboardingContract,
  OnboardingScopeSpecification,
  onboardingScopeSpecificationName,
  type ServicingTerms,
  ServicingTermsSchema,
} from "./contract.js";
