/**
 * The chain side of contract specifications, derived as upstream's publisher (p8e-gradle-plugin)
 * derives it: the metadata module's ContractSpecification, RecordSpecifications and
 * ScopeSpecification, the contract-spec ↔ scope-spec links, and the Msgs that write them. Every
 * function is pure: it reads a ContractSpec (and the scope specification declarations, owners
 * and signers) and returns `@p8e/spec-model/metadata` messages that pass the module's stateless
 * validation.
 * @module
 */

export {
  addContractSpecToScopeSpecMsgs,
  contractSpecification,
  type OwnerOptions,
  recordSpecifications,
  type ScopeSpecificationLink,
  type SignerOptions,
  type SpecificationMsgs,
  scopeSpecification,
  scopeSpecificationLinks,
  specificationMsgs,
  writeContractSpecificationMsg,
  writeRecordSpecificationMsgs,
  writeScopeSpecificationMsg,
} from "./chain-specifications.js";
