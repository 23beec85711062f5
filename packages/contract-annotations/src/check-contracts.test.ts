import { describe, expect, it } from "vitest";
import * as p8e from "./index.js";
import { LoanContract, LoanScopeSpecification } from "./testdata/loan-contract.js";

const { PartyType } = p8e;

function failure(run: () => unknown): p8e.ContractAnnotationsError {
  try {
    run();
  } catch (error) {
    if (p8e.isContractAnnotationsError(error)) return error;
    throw error;
  }
  throw new Error("passed its checks");
}

function scopeSpecification(
  options: p8e.ScopeSpecificationDefinitionOptions,
  name = "Spec",
): p8e.ScopeSpecificationClass {
  @p8e.ScopeSpecificationDefinition(options)
  class Spec extends p8e.P8eScopeSpecification {}
  Object.defineProperty(Spec, "name", { value: name });
  return Spec;
}

const valid = {
  uuid: "5b3a5c8e-4f0e-4b7e-9a39-0d1c2b3a4f5e",
  name: "io.p8e.testing.loan",
  description: "Loans.",
  partiesInvolved: [PartyType.ORIGINATOR],
};

describe("describeScopeSpecification()", () => {
  it("describes a definition, filling absent URLs with empty strings", () => {
    expect(p8e.describeScopeSpecification(LoanScopeSpecification)).toEqual({
      specificationClass: LoanScopeSpecification,
      uuid: "5b3a5c8e-4f0e-4b7e-9a39-0d1c2b3a4f5e",
      name: "io.p8e.testing.loan",
      description: "Loans for the contract-annotations tests.",
      partiesInvolved: [PartyType.ORIGINATOR],
      websiteUrl: "https://provenance.io",
      iconUrl: "",
    });
  });

  it("requires exactly one definition", () => {
    class None extends p8e.P8eScopeSpecification {}
    expect(() => p8e.describeScopeSpecification(None)).toThrow(
      expect.objectContaining({
        code: "invalid-scope-specification",
        message: "None has 0 @ScopeSpecificationDefinition decorators; it needs exactly one",
      }),
    );
    @p8e.ScopeSpecificationDefinition(valid)
    @p8e.ScopeSpecificationDefinition(valid)
    class Two extends p8e.P8eScopeSpecification {}
    expect(() => p8e.describeScopeSpecification(Two)).toThrow(/Two has 2 @ScopeSpecificationDefinition decorators/);
  });

  it("refuses a class that does not extend P8eScopeSpecification", () => {
    class Plain {}
    expect(() => p8e.describeScopeSpecification(Plain as unknown as p8e.ScopeSpecificationClass)).toThrow(
      expect.objectContaining({ code: "not-a-scope-specification" }),
    );
  });

  it("refuses what the chain would refuse", () => {
    const spec = scopeSpecification(
      {
        uuid: "not-a-uuid",
        name: "",
        description: "d".repeat(5001),
        partiesInvolved: [PartyType.OWNER, PartyType.OWNER, PartyType.NONE],
        websiteUrl: "ftp://example.com",
        iconUrl: "data:image/png;base64,AAAA",
      },
      "Bad",
    );
    const error = failure(() => p8e.describeScopeSpecification(spec));
    expect(error.code).toBe("invalid-scope-specification");
    expect(error.issues.map((i) => i.message)).toEqual([
      'Bad @ScopeSpecificationDefinition: uuid "not-a-uuid" is not a UUID',
      'Bad @ScopeSpecificationDefinition: name "" must not be empty or blank',
      "Bad @ScopeSpecificationDefinition: description is longer than 5000 bytes",
      'Bad @ScopeSpecificationDefinition: websiteUrl "ftp://example.com" must be an http(s) or data URL',
      "Bad @ScopeSpecificationDefinition: partiesInvolved lists OWNER twice",
      "Bad @ScopeSpecificationDefinition: NONE is not a role the chain knows",
    ]);
    const empty = scopeSpecification({ ...valid, partiesInvolved: [] }, "Empty");
    expect(() => p8e.describeScopeSpecification(empty)).toThrow(/partiesInvolved must list at least one role/);
  });
});

describe("checkContracts()", () => {
  it("passes contracts whose scope specifications are all defined", () => {
    const checked = p8e.checkContracts([LoanContract], [LoanScopeSpecification]);
    expect(checked.contracts.map((c) => c.fullName)).toEqual(["io.p8e.testing.LoanContract"]);
    expect(checked.scopeSpecifications.map((s) => s.name)).toEqual(["io.p8e.testing.loan"]);
  });

  it("requires every scope specification name to be defined", () => {
    const error = failure(() => p8e.checkContracts([LoanContract], []));
    expect(error.code).toBe("undefined-scope-specification");
    expect(error.message).toBe(
      'LoanContract @ScopeSpecification names "io.p8e.testing.loan", which no @ScopeSpecificationDefinition defines',
    );
  });

  it("requires each scope specification name and UUID to be defined once", () => {
    const sameName = scopeSpecification({ ...valid, uuid: "9a6a1f43-5a49-4c05-9f0b-bf3b8c1e2d7a" }, "SameName");
    const sameUuid = scopeSpecification({ ...valid, name: "other" }, "SameUuid");
    const error = failure(() => p8e.checkContracts([LoanContract], [LoanScopeSpecification, sameName, sameUuid]));
    expect(error.issues).toEqual([
      {
        code: "duplicate-scope-specification",
        message: 'SameName and LoanScopeSpecification both define scope specification "io.p8e.testing.loan"',
      },
      {
        code: "duplicate-scope-specification",
        message:
          "SameUuid and LoanScopeSpecification both use scope specification UUID 5b3a5c8e-4f0e-4b7e-9a39-0d1c2b3a4f5e",
      },
    ]);
  });

  it("requires a scope specification's roles to take part in its contracts", () => {
    const owners = scopeSpecification({ ...valid, partiesInvolved: [PartyType.ORIGINATOR, PartyType.OWNER] }, "Owners");
    const error = failure(() => p8e.checkContracts([LoanContract], [owners]));
    expect(error.code).toBe("invalid-participant");
    expect(error.message).toMatch(
      /^LoanContract runs in scope specification "io.p8e.testing.loan", whose roles \[OWNER\]/,
    );
  });

  it("collects the problems of every contract and scope specification", () => {
    class Broken extends p8e.P8eContract {}
    const bad = scopeSpecification({ ...valid, uuid: "x" }, "BadUuid");
    const error = failure(() => p8e.checkContracts([LoanContract, Broken], [bad]));
    expect(error.issues.map((i) => i.code)).toEqual([
      "invalid-scope-specification",
      "undefined-scope-specification",
      "no-participants",
      "no-scope-specification",
    ]);
  });
});
