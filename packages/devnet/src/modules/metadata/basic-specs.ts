// ValidateBasic of the three specification types and their descriptions, with the chain's
// wording (types/specification.go).
import {
  type ContractSpecification,
  DefinitionType,
  type Description,
  type InputSpecification,
  PartyType,
  type RecordSpecification,
  type ScopeSpecification,
} from "@p8e/spec-model/metadata";
import { plainError } from "../../abci-error.js";
import { equalBytes } from "../../codec.js";
import { addressString, recordSpecIdOf, verifyAddressFormat } from "./addresses.js";
import { addressProblem, byteLength, roleName } from "./basic-common.js";

const MAX_DESCRIPTION_NAME = 200;
const MAX_DESCRIPTION_TEXT = 5000;
const MAX_URL = 2048;
const MAX_CLASS_NAME = 1000;
const MAX_SPEC_NAME = 200;
const MAX_TYPE_NAME = 1000;

function field(path: string, name: string): string {
  return path.length === 0 ? name : `(${path}) ${name}`;
}

function validateUrl(url: string, path: string, name: string): void {
  if (url.length === 0) return;
  if (byteLength(url) > MAX_URL) {
    throw plainError(
      `url ${field(path, name)} exceeds maximum length (expected <= ${MAX_URL} got: ${byteLength(url)})`,
    );
  }
  if (!/https?:\/\//.test(url) && !/data:.*,/.test(url)) {
    throw plainError(`url ${field(path, name)} must use the http, https, or data protocol`);
  }
}

/** Description.ValidateBasic; `path` names the description in messages. */
export function validateDescriptionBasic(description: Description, path: string): void {
  if (description.name.length === 0) throw plainError(`description ${field(path, "Name")} cannot be empty`);
  if (byteLength(description.name) > MAX_DESCRIPTION_NAME) {
    throw plainError(
      `description ${field(path, "Name")} exceeds maximum length (expected <= ${MAX_DESCRIPTION_NAME} got: ${byteLength(description.name)})`,
    );
  }
  if (byteLength(description.description) > MAX_DESCRIPTION_TEXT) {
    throw plainError(
      `description ${field(path, "Description")} exceeds maximum length (expected <= ${MAX_DESCRIPTION_TEXT} got: ${byteLength(description.description)})`,
    );
  }
  validateUrl(description.websiteUrl, path, "WebsiteUrl");
  validateUrl(description.iconUrl, path, "IconUrl");
}

/** Generic party types (GENERIC_1…6) need a description that says what they mean. */
export function validateGenericPartyTypeUsage(roles: readonly PartyType[], description: Description | undefined): void {
  const generic = roles.filter((r) => r >= PartyType.GENERIC_1 && r <= PartyType.GENERIC_6);
  if (generic.length === 0) return;
  if (description === undefined || description.description.trim().length === 0) {
    throw plainError(
      `parties involved include generic party type${generic.length === 1 ? "" : "s"} ${generic.map(roleName).join(", ")}: a description with non-blank description text is required`,
    );
  }
}

/** ScopeSpecification.ValidateBasic. */
export function validateScopeSpecificationBasic(prefix: string, spec: ScopeSpecification): void {
  let idPrefix: string;
  try {
    idPrefix = verifyAddressFormat(spec.specificationId);
  } catch (error) {
    throw plainError(`invalid scope specification id: ${(error as Error).message}`);
  }
  if (idPrefix !== "scopespec") {
    throw plainError(`invalid scope specification id prefix (expected: scopespec, got ${idPrefix})`);
  }
  if (spec.description !== undefined) validateDescriptionBasic(spec.description, "ScopeSpecification.Description");
  if (spec.ownerAddresses.length < 1) throw plainError("the ScopeSpecification must have at least one owner");
  spec.ownerAddresses.forEach((owner, i) => {
    const problem = addressProblem(prefix, owner);
    if (problem !== undefined)
      throw plainError(`invalid owner address at index ${i} on ScopeSpecification: ${problem}`);
  });
  if (spec.partiesInvolved.length === 0)
    throw plainError("the ScopeSpecification must have at least one party involved");
  spec.contractSpecIds.forEach((id, i) => {
    let idPrefixI: string;
    try {
      idPrefixI = verifyAddressFormat(id);
    } catch (error) {
      throw plainError(`invalid contract specification id at index ${i}: ${(error as Error).message}`);
    }
    if (idPrefixI !== "contractspec") {
      throw plainError(
        `invalid contract specification id prefix at index ${i} (expected: contractspec, got ${idPrefixI})`,
      );
    }
  });
}

/** ContractSpecification.ValidateBasic. */
export function validateContractSpecificationBasic(prefix: string, spec: ContractSpecification): void {
  let idPrefix: string;
  try {
    idPrefix = verifyAddressFormat(spec.specificationId);
  } catch (error) {
    throw plainError(`invalid contract specification id: ${(error as Error).message}`);
  }
  if (idPrefix !== "contractspec") {
    throw plainError(`invalid contract specification id prefix (expected: contractspec, got ${idPrefix})`);
  }
  if (spec.description !== undefined) validateDescriptionBasic(spec.description, "ContractSpecification.Description");
  if (spec.ownerAddresses.length === 0) throw plainError("invalid owner addresses count (expected > 0 got: 0)");
  spec.ownerAddresses.forEach((owner, i) => {
    const problem = addressProblem(prefix, owner);
    if (problem !== undefined) throw plainError(`invalid owner address at index ${i}: ${problem}`);
  });
  if (spec.partiesInvolved.length === 0) throw plainError("invalid parties involved count (expected > 0 got: 0)");
  switch (spec.source.case) {
    case "resourceId":
      try {
        verifyAddressFormat(spec.source.value);
      } catch (error) {
        throw plainError(`invalid source resource id: ${(error as Error).message}`);
      }
      break;
    case "hash":
      if (spec.source.value.length === 0) throw plainError("source hash cannot be empty");
      break;
    default:
      throw plainError("a source (resource id or hash) is required");
  }
  if (spec.className.length === 0) throw plainError("class name cannot be empty");
  if (byteLength(spec.className) > MAX_CLASS_NAME) {
    throw plainError(
      `class name exceeds maximum length (expected <= ${MAX_CLASS_NAME} got: ${byteLength(spec.className)})`,
    );
  }
}

function validateInputSpecificationBasic(input: InputSpecification): void {
  if (input.name.length === 0) throw plainError("input specification name cannot be empty");
  if (byteLength(input.name) > MAX_SPEC_NAME) {
    throw plainError(
      `input specification name exceeds maximum length (expected <= ${MAX_SPEC_NAME} got: ${byteLength(input.name)})`,
    );
  }
  if (input.typeName.length === 0) throw plainError("input specification type name cannot be empty");
  if (byteLength(input.typeName) > MAX_TYPE_NAME) {
    throw plainError(
      `input specification type name exceeds maximum length (expected <= ${MAX_TYPE_NAME} got: ${byteLength(input.typeName)})`,
    );
  }
  switch (input.source.case) {
    case "recordId": {
      let prefix: string;
      try {
        prefix = verifyAddressFormat(input.source.value);
      } catch (error) {
        throw plainError(`invalid input specification source record id: ${(error as Error).message}`);
      }
      if (prefix !== "record") {
        throw plainError(`invalid input specification source record id prefix (expected: record, got ${prefix})`);
      }
      break;
    }
    case "hash":
      if (input.source.value.length === 0) throw plainError("input specification source hash cannot be empty");
      break;
    default:
      throw plainError("input specification source is required");
  }
}

/** RecordSpecification.ValidateBasic, including the id matching the name. */
export function validateRecordSpecificationBasic(spec: RecordSpecification): void {
  let idPrefix: string;
  try {
    idPrefix = verifyAddressFormat(spec.specificationId);
  } catch (error) {
    throw plainError(`invalid record specification id: ${(error as Error).message}`);
  }
  if (idPrefix !== "recspec") {
    throw plainError(`invalid record specification id prefix (expected: recspec, got ${idPrefix})`);
  }
  if (spec.name.length === 0) throw plainError("record specification name cannot be empty");
  if (byteLength(spec.name) > MAX_SPEC_NAME) {
    throw plainError(
      `record specification name exceeds maximum length (expected <= ${MAX_SPEC_NAME} got: ${byteLength(spec.name)})`,
    );
  }
  const expected = recordSpecIdOf(spec.specificationId, spec.name);
  if (!equalBytes(expected, spec.specificationId)) {
    throw plainError(
      `invalid record specification id value (expected: ${addressString(expected)}, got ${addressString(spec.specificationId)})`,
    );
  }
  spec.inputs.forEach((input, i) => {
    try {
      validateInputSpecificationBasic(input);
    } catch (error) {
      throw plainError(`invalid input specification at index ${i}: ${(error as Error).message}`);
    }
  });
  if (spec.typeName.length === 0) throw plainError("record specification type name cannot be empty");
  if (byteLength(spec.typeName) > MAX_TYPE_NAME) {
    throw plainError(
      `record specification type name exceeds maximum length (expected <= ${MAX_TYPE_NAME} got: ${byteLength(spec.typeName)})`,
    );
  }
  if (spec.responsibleParties.length === 0) throw plainError("invalid responsible parties count (expected > 0 got: 0)");
  if (spec.resultType === DefinitionType.UNSPECIFIED) {
    throw plainError("record specification result type cannot be unspecified");
  }
}
