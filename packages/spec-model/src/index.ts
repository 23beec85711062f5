/**
 * The P8e data model: the p8e contract model (specs, contracts, envelopes) generated from
 * `proto/io/provenance/scope/contract`, plus MetadataAddress, spec ids, party-type mapping and the
 * canonical encoding that every hash is taken over.
 *
 * The object-store API, the Provenance metadata module and the DIME header live behind the
 * subpaths `@p8e/spec-model/objectstore`, `@p8e/spec-model/metadata` and `@p8e/spec-model/encryption`,
 * because their names (UUID, PublicKey, Record, PartyType…) overlap with the contract model's.
 * @module
 */

export { toCanonicalBinary } from "./canonical.js";
export { isSpecModelError, SpecModelError, type SpecModelErrorCode } from "./errors.js";
export * from "./gen/io/provenance/scope/contract/common_pb.js";
export * from "./gen/io/provenance/scope/contract/contract_pb.js";
export * from "./gen/io/provenance/scope/contract/envelope_pb.js";
export * from "./gen/io/provenance/scope/contract/index_pb.js";
export * from "./gen/io/provenance/scope/contract/public_key_pb.js";
export * from "./gen/io/provenance/scope/contract/specification_pb.js";
export * from "./gen/io/provenance/scope/contract/util_pb.js";
export { publicKeyFromMessage, publicKeyToMessage, signingAndEncryptionKeys } from "./keys.js";
export { MetadataAddress, type MetadataAddressKind, normalizeRecordName } from "./metadata-address.js";
export { partyTypeFromChain, partyTypeToChain } from "./party-type.js";
export { type ContractSpecId, contractSpecClassname, contractSpecId, contractSpecIdFromBytes } from "./spec-id.js";
export { isUuid, uuidFromBytes, uuidToBytes } from "./uuid.js";
