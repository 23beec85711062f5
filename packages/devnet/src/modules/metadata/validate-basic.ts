// Stateless validation of metadata Msgs (the chain's ValidateBasic), with the chain's wording.
// The entry, specification and party checks it runs are in basic-*.ts, the optional-field
// conversions in convert-fields.ts.
import { create } from "@bufbuild/protobuf";
import {
  type MsgAddContractSpecToScopeSpecRequest,
  type MsgAddScopeDataAccessRequest,
  type MsgAddScopeOwnerRequest,
  type MsgDeleteContractSpecFromScopeSpecRequest,
  type MsgDeleteScopeDataAccessRequest,
  type MsgDeleteScopeOwnerRequest,
  type MsgDeleteScopeRequest,
  type MsgMigrateValueOwnerRequest,
  type MsgUpdateValueOwnersRequest,
  type MsgWriteContractSpecificationRequest,
  type MsgWriteRecordRequest,
  type MsgWriteRecordSpecificationRequest,
  type MsgWriteScopeRequest,
  type MsgWriteScopeSpecificationRequest,
  type MsgWriteSessionRequest,
  ScopeSchema,
} from "@p8e/spec-model/metadata";
import { plainError } from "../../abci-error.js";
import { addressString, CONTRACT_SPEC, isAddressOfType, SCOPE, SCOPE_SPEC } from "./addresses.js";
import { addressProblem, validatePartiesBasic } from "./basic-common.js";
import { validateRecordBasic, validateScopeBasic, validateSessionBasic } from "./basic-entries.js";
import {
  validateContractSpecificationBasic,
  validateGenericPartyTypeUsage,
  validateRecordSpecificationBasic,
  validateScopeSpecificationBasic,
} from "./basic-specs.js";
import {
  convertWriteContractSpecification,
  convertWriteRecord,
  convertWriteRecordSpecification,
  convertWriteScope,
  convertWriteScopeSpecification,
  convertWriteSession,
} from "./convert-fields.js";

function requireSigners(signers: readonly string[]): void {
  if (signers.length < 1) throw plainError("at least one signer is required");
}

function requireScopeId(scopeId: Uint8Array): void {
  if (!(scopeId.length === 17 && scopeId[0] === SCOPE)) {
    throw plainError(`address is not a scope id: ${addressString(scopeId)}`);
  }
}

/** MsgWriteScopeRequest.ValidateBasic. */
export function validateWriteScope(prefix: string, msg: MsgWriteScopeRequest): void {
  requireSigners(msg.signers);
  convertWriteScope(msg);
  // Scope is non-nullable in Go: a missing one is an empty scope, refused for its empty id.
  validateScopeBasic(prefix, msg.scope ?? create(ScopeSchema));
}

/** MsgUpdateValueOwnersRequest.ValidateBasic. */
export function validateUpdateValueOwners(prefix: string, msg: MsgUpdateValueOwnersRequest): void {
  if (msg.scopeIds.length === 0) throw plainError("at least one scope id is required");
  msg.scopeIds.forEach((id, i) => {
    if (!isAddressOfType(id, SCOPE)) {
      throw plainError(`scope id[${i}]: ${JSON.stringify(addressString(id))}: invalid scope id`);
    }
  });
  const problem = addressProblem(prefix, msg.valueOwnerAddress);
  if (problem !== undefined) throw plainError(`invalid value owner address: ${problem}`);
  requireSigners(msg.signers);
}

/** MsgMigrateValueOwnerRequest.ValidateBasic. */
export function validateMigrateValueOwner(prefix: string, msg: MsgMigrateValueOwnerRequest): void {
  const existing = addressProblem(prefix, msg.existing);
  if (existing !== undefined) throw plainError(`invalid existing value owner address: ${existing}`);
  const proposed = addressProblem(prefix, msg.proposed);
  if (proposed !== undefined) throw plainError(`invalid proposed value owner address: ${proposed}`);
  requireSigners(msg.signers);
}

/** MsgDeleteScopeRequest.ValidateBasic. */
export function validateDeleteScope(msg: MsgDeleteScopeRequest): void {
  requireSigners(msg.signers);
  if (!(msg.scopeId.length === 17 && msg.scopeId[0] === SCOPE)) throw plainError("invalid scope address");
}

/** ValidateBasic of the data-access Msgs. */
export function validateScopeDataAccess(
  prefix: string,
  msg: MsgAddScopeDataAccessRequest | MsgDeleteScopeDataAccessRequest,
): void {
  requireScopeId(msg.scopeId);
  if (msg.dataAccess.length < 1) throw plainError("at least one data access address is required");
  for (const address of msg.dataAccess) {
    if (addressProblem(prefix, address) !== undefined) throw plainError(`data access address is invalid: ${address}`);
  }
  requireSigners(msg.signers);
}

/** MsgAddScopeOwnerRequest.ValidateBasic. */
export function validateAddScopeOwner(prefix: string, msg: MsgAddScopeOwnerRequest): void {
  requireScopeId(msg.scopeId);
  try {
    validatePartiesBasic(prefix, msg.owners);
  } catch (error) {
    throw plainError(`invalid owners: ${(error as Error).message}`);
  }
  requireSigners(msg.signers);
}

/** MsgDeleteScopeOwnerRequest.ValidateBasic. */
export function validateDeleteScopeOwner(prefix: string, msg: MsgDeleteScopeOwnerRequest): void {
  requireScopeId(msg.scopeId);
  if (msg.owners.length < 1) throw plainError("at least one owner address is required");
  for (const owner of msg.owners) {
    if (addressProblem(prefix, owner) !== undefined) throw plainError(`owner address is invalid: ${owner}`);
  }
  requireSigners(msg.signers);
}

/** MsgWriteSessionRequest.ValidateBasic. */
export function validateWriteSession(prefix: string, msg: MsgWriteSessionRequest): void {
  requireSigners(msg.signers);
  convertWriteSession(msg);
  if (msg.session === undefined) throw plainError("session is required");
  validateSessionBasic(prefix, msg.session);
}

/** MsgWriteRecordRequest.ValidateBasic. */
export function validateWriteRecord(msg: MsgWriteRecordRequest): void {
  requireSigners(msg.signers);
  convertWriteRecord(msg);
  if (msg.record === undefined) throw plainError("record is required");
  validateRecordBasic(msg.record);
}

/** ValidateBasic of Msgs that only need a signer (the deletes by id). */
export function validateSignersOnly(msg: { signers: string[] }): void {
  requireSigners(msg.signers);
}

/** MsgWriteScopeSpecificationRequest.ValidateBasic. */
export function validateWriteScopeSpecification(prefix: string, msg: MsgWriteScopeSpecificationRequest): void {
  requireSigners(msg.signers);
  convertWriteScopeSpecification(msg);
  if (msg.specification === undefined) throw plainError("specification is required");
  validateGenericPartyTypeUsage(msg.specification.partiesInvolved, msg.specification.description);
  validateScopeSpecificationBasic(prefix, msg.specification);
}

/** MsgWriteContractSpecificationRequest.ValidateBasic. */
export function validateWriteContractSpecification(prefix: string, msg: MsgWriteContractSpecificationRequest): void {
  requireSigners(msg.signers);
  convertWriteContractSpecification(msg);
  if (msg.specification === undefined) throw plainError("specification is required");
  validateGenericPartyTypeUsage(msg.specification.partiesInvolved, msg.specification.description);
  validateContractSpecificationBasic(prefix, msg.specification);
}

/** MsgWriteRecordSpecificationRequest.ValidateBasic. */
export function validateWriteRecordSpecification(msg: MsgWriteRecordSpecificationRequest): void {
  requireSigners(msg.signers);
  convertWriteRecordSpecification(msg);
  if (msg.specification === undefined) throw plainError("specification is required");
  validateRecordSpecificationBasic(msg.specification);
}

/** ValidateBasic of Add/DeleteContractSpec(To|From)ScopeSpec. */
export function validateContractSpecScopeSpecLink(
  msg: MsgAddContractSpecToScopeSpecRequest | MsgDeleteContractSpecFromScopeSpecRequest,
): void {
  if (!(msg.contractSpecificationId.length === 17 && msg.contractSpecificationId[0] === CONTRACT_SPEC)) {
    throw plainError(`address is not a contract specification id: ${addressString(msg.contractSpecificationId)}`);
  }
  if (!(msg.scopeSpecificationId.length === 17 && msg.scopeSpecificationId[0] === SCOPE_SPEC)) {
    throw plainError(`address is not a scope specification id: ${addressString(msg.scopeSpecificationId)}`);
  }
  requireSigners(msg.signers);
}
