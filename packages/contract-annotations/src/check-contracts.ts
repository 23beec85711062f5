import { PartyType } from "@p8e/spec-model";
import type { ContractClass, ScopeSpecificationClass } from "./decorators.js";
import { type ContractDescriptor, describeContract } from "./describe-contract.js";
import { describeScopeSpecification, type ScopeSpecificationDescriptor } from "./describe-scope-specification.js";
import { ContractAnnotationsError, type ContractIssue, isContractAnnotationsError } from "./errors.js";

/** What `checkContracts()` found valid: every contract and scope specification, described. */
export interface CheckedContracts {
  readonly contracts: readonly ContractDescriptor[];
  readonly scopeSpecifications: readonly ScopeSpecificationDescriptor[];
}

/**
 * The publishing check (upstream's `p8eCheck`) over a set of contracts and the scope specifications
 * they are published with: each contract and scope specification passes its own checks, scope
 * specification names and UUIDs are unique, every name in a contract's `@ScopeSpecification` is
 * defined exactly once, and the roles of each scope specification take part in every contract
 * that names it.
 * @throws {ContractAnnotationsError} with every issue found.
 */
export function checkContracts(
  contracts: readonly ContractClass[],
  scopeSpecifications: readonly ScopeSpecificationClass[],
): CheckedContracts {
  const issues: ContractIssue[] = [];
  const collect = <T>(run: () => T): T | undefined => {
    try {
      return run();
    } catch (error) {
      if (!isContractAnnotationsError(error)) throw error;
      issues.push(...error.issues);
      return undefined;
    }
  };

  const specs: ScopeSpecificationDescriptor[] = [];
  for (const specClass of scopeSpecifications) {
    const spec = collect(() => describeScopeSpecification(specClass));
    if (spec === undefined) continue;
    const sameName = specs.find((s) => s.name === spec.name);
    if (sameName !== undefined) {
      issues.push({
        code: "duplicate-scope-specification",
        message: `${spec.specificationClass.name} and ${sameName.specificationClass.name} both define scope specification "${spec.name}"`,
      });
      continue;
    }
    const sameUuid = specs.find((s) => s.uuid === spec.uuid);
    if (sameUuid !== undefined) {
      issues.push({
        code: "duplicate-scope-specification",
        message: `${spec.specificationClass.name} and ${sameUuid.specificationClass.name} both use scope specification UUID ${spec.uuid}`,
      });
      continue;
    }
    specs.push(spec);
  }

  const described: ContractDescriptor[] = [];
  for (const contractClass of contracts) {
    const contract = collect(() => describeContract(contractClass));
    if (contract === undefined) continue;
    for (const name of contract.scopeSpecifications) {
      const spec = specs.find((s) => s.name === name);
      if (spec === undefined) {
        issues.push({
          code: "undefined-scope-specification",
          message: `${contract.name} @ScopeSpecification names "${name}", which no @ScopeSpecificationDefinition defines`,
        });
        continue;
      }
      const missing = spec.partiesInvolved.filter((role) => !contract.participants.includes(role));
      if (missing.length > 0) {
        issues.push({
          code: "invalid-participant",
          message: `${contract.name} runs in scope specification "${name}", whose roles [${missing.map((r) => PartyType[r]).join(", ")}] are not among its participants; a scope specification's roles take part in all of its contracts`,
        });
      }
    }
    described.push(contract);
  }

  if (issues.length > 0) throw ContractAnnotationsError.fromIssues(issues);
  return { contracts: described, scopeSpecifications: specs };
}
