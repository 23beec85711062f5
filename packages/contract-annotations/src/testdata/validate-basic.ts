// An independent reading of the metadata module's stateless validation (ValidateBasic) for the
// specification types, used to check that derived chain specifications would be accepted.
import { bech32Decode } from "@p8e/hashing-crypto";
import { MetadataAddress, normalizeRecordName } from "@p8e/spec-model";
import {
  type ContractSpecification,
  DefinitionType,
  type Description,
  PartyType,
  type RecordSpecification,
  type ScopeSpecification,
} from "@p8e/spec-model/metadata";

const bytes = (s: string) => new TextEncoder().encode(s).length;

function address(bytesValue: Uint8Array, kind: MetadataAddress["kind"], what: string): MetadataAddress {
  const parsed = MetadataAddress.fromBytes(bytesValue);
  if (parsed.kind !== kind) throw new Error(`${what} is a ${parsed.kind} address, expected ${kind}`);
  return parsed;
}

function accounts(list: readonly string[], what: string): void {
  if (list.length === 0) throw new Error(`${what}: at least one address is required`);
  for (const a of list) {
    const { bytes: payload } = bech32Decode(a);
    if (payload.length !== 20 && payload.length !== 32)
      throw new Error(`${what}: ${a} has a ${payload.length}-byte payload`);
  }
}

function roles(list: readonly PartyType[], what: string): void {
  if (list.length === 0) throw new Error(`${what}: at least one role is required`);
  for (const r of list) {
    if (r === PartyType.UNSPECIFIED || PartyType[r] === undefined) throw new Error(`${what}: invalid role ${r}`);
  }
}

function description(d: Description | undefined): void {
  if (d === undefined) return;
  if (bytes(d.name) === 0 || bytes(d.name) > 200) throw new Error("description.name must be 1..200 bytes");
  if (bytes(d.description) > 5000) throw new Error("description.description is too long");
  for (const url of [d.websiteUrl, d.iconUrl]) {
    if (url === "") continue;
    if (bytes(url) > 2048 || !/https?:\/\/|data:.*,/.test(url)) throw new Error(`invalid url ${url}`);
  }
}

export function validateContractSpecification(s: ContractSpecification): void {
  address(s.specificationId, "contractSpecification", "specification_id");
  description(s.description);
  accounts(s.ownerAddresses, "owner_addresses");
  roles(s.partiesInvolved, "parties_involved");
  if (s.source.case === "hash" ? s.source.value === "" : s.source.case !== "resourceId")
    throw new Error("source is required");
  if (bytes(s.className) === 0 || bytes(s.className) > 1000) throw new Error("class_name must be 1..1000 bytes");
}

export function validateRecordSpecification(s: RecordSpecification): void {
  const id = address(s.specificationId, "recordSpecification", "specification_id");
  if (bytes(s.name) === 0 || bytes(s.name) > 200) throw new Error("name must be 1..200 bytes");
  if (normalizeRecordName(s.name) === "") throw new Error("name is blank");
  if (!id.equals(MetadataAddress.forRecordSpecification(id.primaryUuid, s.name))) {
    throw new Error("specification_id does not match the name");
  }
  for (const input of s.inputs) {
    if (bytes(input.name) === 0 || bytes(input.name) > 200) throw new Error("input name must be 1..200 bytes");
    if (bytes(input.typeName) === 0 || bytes(input.typeName) > 1000)
      throw new Error("input type_name must be 1..1000 bytes");
    if (input.source.case !== "hash" || input.source.value === "")
      throw new Error("input source must be a non-empty hash");
  }
  if (bytes(s.typeName) === 0 || bytes(s.typeName) > 1000) throw new Error("type_name must be 1..1000 bytes");
  roles(s.responsibleParties, "responsible_parties");
  if (s.resultType === DefinitionType.UNSPECIFIED) throw new Error("result_type is required");
}

export function validateScopeSpecification(s: ScopeSpecification): void {
  address(s.specificationId, "scopeSpecification", "specification_id");
  description(s.description);
  accounts(s.ownerAddresses, "owner_addresses");
  roles(s.partiesInvolved, "parties_involved");
  for (const id of s.contractSpecIds) address(id, "contractSpecification", "contract_spec_ids");
}
