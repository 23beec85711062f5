// Where the decorators put what they declare. Metadata is keyed by class constructor in
// module-private WeakMaps, so nothing is added to user classes and nothing leaks.
import type { DescMessage } from "@bufbuild/protobuf";
import type { PartyType } from "@p8e/spec-model";
import type { ContractAnnotationsErrorCode } from "./errors.js";

/** A decorated parameter, as declared. */
export interface DeclaredParameter {
  readonly kind: "record" | "input";
  readonly name: string;
  readonly schema: DescMessage;
  readonly optional: boolean;
  readonly list: boolean;
}

export interface DeclaredMethod {
  invokedBy?: { readonly role: PartyType };
  output?: { readonly name: string; readonly schema: DescMessage };
  skipIfRecordExists?: string;
  readonly parameters: Map<number, DeclaredParameter[]>;
}

export interface DeclaredProblem {
  readonly code: ContractAnnotationsErrorCode;
  readonly message: string;
}

export interface DeclaredContract {
  participants?: readonly PartyType[];
  scopeSpecifications?: readonly string[];
  readonly constructorParameters: Map<number, DeclaredParameter[]>;
  /** Decorated methods in the order their decorators ran, which is source order. */
  readonly methods: Map<string, DeclaredMethod>;
  /** Misuse noticed while decorating, reported by the checks. */
  readonly problems: DeclaredProblem[];
}

export interface ScopeSpecificationOptions {
  readonly uuid: string;
  readonly name: string;
  readonly description: string;
  readonly partiesInvolved: readonly PartyType[];
  readonly websiteUrl?: string;
  readonly iconUrl?: string;
}

export interface DeclaredScopeSpecification {
  readonly definitions: ScopeSpecificationOptions[];
}

// biome-ignore lint/complexity/noBannedTypes: keys are arbitrary class constructors.
type ClassKey = Function;

const contracts = new WeakMap<ClassKey, DeclaredContract>();
const scopeSpecifications = new WeakMap<ClassKey, DeclaredScopeSpecification>();

/** The declarations of one class (not its ancestors), created on first use. */
export function declaredContract(cls: ClassKey): DeclaredContract {
  let declared = contracts.get(cls);
  if (declared === undefined) {
    declared = { constructorParameters: new Map(), methods: new Map(), problems: [] };
    contracts.set(cls, declared);
  }
  return declared;
}

/** The declarations of one class if it has any. */
export function findDeclaredContract(cls: ClassKey): DeclaredContract | undefined {
  return contracts.get(cls);
}

/** The declarations of one method, created on first use. */
export function declaredMethod(cls: ClassKey, method: string): DeclaredMethod {
  const declared = declaredContract(cls);
  let entry = declared.methods.get(method);
  if (entry === undefined) {
    entry = { parameters: new Map() };
    declared.methods.set(method, entry);
  }
  return entry;
}

/** The scope specification declarations of one class, created on first use. */
export function declaredScopeSpecification(cls: ClassKey): DeclaredScopeSpecification {
  let declared = scopeSpecifications.get(cls);
  if (declared === undefined) {
    declared = { definitions: [] };
    scopeSpecifications.set(cls, declared);
  }
  return declared;
}

/** The scope specification declarations of one class if it has any. */
export function findDeclaredScopeSpecification(cls: ClassKey): DeclaredScopeSpecification | undefined {
  return scopeSpecifications.get(cls);
}
