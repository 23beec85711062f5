/**
 * Contract specifications for P8e: the decorators a contract class is declared with
 * (`@Participants`, `@ScopeSpecification`, `@Function`, `@Record`, `@Input`,
 * `@SkipIfRecordExists`, `@ScopeSpecificationDefinition`), the checks upstream's annotation
 * processor and `p8eCheck` make, and `dehydrate()`, which turns a contract class into its
 * ContractSpec deterministically.
 *
 * The chain-side derivations (ContractSpecification, RecordSpecification, ScopeSpecification and
 * their Msgs) live behind `@p8e/contract-annotations/chain`; the bundler behind
 * `@p8e/contract-annotations/bundle`, so that contract code never pulls it in.
 * @module
 */

export { PartyType } from "@p8e/spec-model";
export { type CheckedContracts, checkContracts } from "./check-contracts.js";
export {
  type ContractClass,
  type ContractClassDecorator,
  Function,
  type FunctionDecorator,
  Input,
  type InputDecorator,
  type MethodDecorator,
  Participants,
  Record,
  type RecordDecorator,
  type RecordOptions,
  type RecordValue,
  ScopeSpecification,
  type ScopeSpecificationClass,
  type ScopeSpecificationClassDecorator,
  ScopeSpecificationDefinition,
  type ScopeSpecificationDefinitionOptions,
  SkipIfRecordExists,
} from "./decorators.js";
export { type DehydrateOptions, dehydrate, isBundleHash } from "./dehydrate.js";
export {
  type ContractDescriptor,
  checkFunctionOutput,
  describeContract,
  type FunctionDescriptor,
  type FunctionParameter,
  type InputParameter,
  isContractClass,
  type RecordParameter,
} from "./describe-contract.js";
export {
  describeScopeSpecification,
  isScopeSpecificationClass,
  type ScopeSpecificationDescriptor,
} from "./describe-scope-specification.js";
export {
  ContractAnnotationsError,
  type ContractAnnotationsErrorCode,
  type ContractIssue,
  isContractAnnotationsError,
} from "./errors.js";
// Symbols above are for contract authors and publishers.
// Symbols below are for the engine and other hosts of contract bundles.
export { hostModules, isHostModule } from "./host-modules.js";
export { P8eContract, setExecutionTime } from "./p8e-contract.js";
export { P8eScopeSpecification } from "./p8e-scope-specification.js";
