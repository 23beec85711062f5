import { isUuid, PartyType, partyTypeToChain } from "@p8e/spec-model";
import type { ScopeSpecificationClass } from "./decorators.js";
import { ContractAnnotationsError, type ContractIssue } from "./errors.js";
import { chainLength, maxDescriptionLength, nameProblem, urlProblem } from "./limits.js";
import { P8eScopeSpecification } from "./p8e-scope-specification.js";
import { findDeclaredScopeSpecification } from "./registry.js";

/** A checked `@ScopeSpecificationDefinition`. */
export interface ScopeSpecificationDescriptor {
  /** The class that declares it. */
  readonly specificationClass: ScopeSpecificationClass;
  /** The fixed scope specification UUID, lowercase. */
  readonly uuid: string;
  /** The name contracts use in `@ScopeSpecification`; also the chain description's name. */
  readonly name: string;
  /** The chain description's text. */
  readonly description: string;
  /** The roles every scope of this specification must have among its owners. */
  readonly partiesInvolved: readonly PartyType[];
  /** A website URL, or "" for none. */
  readonly websiteUrl: string;
  /** An icon URL, or "" for none. */
  readonly iconUrl: string;
}

/** True when `value` is a class extending P8eScopeSpecification. */
export function isScopeSpecificationClass(value: unknown): value is ScopeSpecificationClass {
  return typeof value === "function" && value.prototype instanceof P8eScopeSpecification;
}

function roleName(role: unknown): string {
  return typeof role === "number" && PartyType[role] !== undefined ? PartyType[role] : String(role);
}

/**
 * Checks a scope specification class and returns its definition: exactly one
 * `@ScopeSpecificationDefinition` on the class itself, a UUID, a name and description the chain
 * accepts, at least one role, no role twice, and http(s) or data URLs.
 * @throws {ContractAnnotationsError} with every issue found.
 */
export function describeScopeSpecification(specificationClass: ScopeSpecificationClass): ScopeSpecificationDescriptor {
  if (!isScopeSpecificationClass(specificationClass)) {
    const what =
      typeof specificationClass === "function"
        ? (specificationClass as { name: string }).name || "(anonymous class)"
        : typeof specificationClass;
    throw new ContractAnnotationsError(
      "not-a-scope-specification",
      `${what} is not a scope specification class: it must extend P8eScopeSpecification`,
    );
  }
  const label = specificationClass.name || "(anonymous scope specification class)";
  const definitions = findDeclaredScopeSpecification(specificationClass)?.definitions ?? [];
  if (definitions.length !== 1) {
    throw new ContractAnnotationsError(
      "invalid-scope-specification",
      `${label} has ${definitions.length} @ScopeSpecificationDefinition decorators; it needs exactly one`,
    );
  }
  const definition = definitions[0]!;
  const issues: ContractIssue[] = [];
  const report = (message: string): void => {
    issues.push({ code: "invalid-scope-specification", message: `${label} @ScopeSpecificationDefinition: ${message}` });
  };

  if (typeof definition.uuid !== "string" || !isUuid(definition.uuid)) {
    report(`uuid ${JSON.stringify(definition.uuid)} is not a UUID`);
  }
  const nameWhy = nameProblem(definition.name);
  if (nameWhy !== undefined) report(`name ${JSON.stringify(definition.name)} ${nameWhy}`);
  if (typeof definition.description !== "string") {
    report(`description must be a string, got ${typeof definition.description}`);
  } else if (chainLength(definition.description) > maxDescriptionLength) {
    report(`description is longer than ${maxDescriptionLength} bytes`);
  }
  for (const key of ["websiteUrl", "iconUrl"] as const) {
    const why = urlProblem(definition[key]);
    if (why !== undefined) report(`${key} ${JSON.stringify(definition[key])} ${why}`);
  }
  const partiesInvolved: PartyType[] = [];
  if (!Array.isArray(definition.partiesInvolved) || definition.partiesInvolved.length === 0) {
    report("partiesInvolved must list at least one role");
  } else {
    for (const role of definition.partiesInvolved) {
      try {
        if (typeof role !== "number" || PartyType[role] === undefined) throw new Error("unknown");
        partyTypeToChain(role);
      } catch {
        report(`${roleName(role)} is not a role the chain knows`);
        continue;
      }
      if (partiesInvolved.includes(role)) report(`partiesInvolved lists ${roleName(role)} twice`);
      else partiesInvolved.push(role);
    }
  }
  if (issues.length > 0) throw ContractAnnotationsError.fromIssues(issues);
  return {
    specificationClass,
    uuid: definition.uuid.toLowerCase(),
    name: definition.name,
    description: definition.description,
    partiesInvolved,
    websiteUrl: definition.websiteUrl ?? "",
    iconUrl: definition.iconUrl ?? "",
  };
}
