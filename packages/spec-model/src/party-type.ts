import { SpecModelError } from "./errors.js";
import { PartyType } from "./gen/io/provenance/scope/contract/specification_pb.js";
import { PartyType as ChainPartyType } from "./gen/provenance/metadata/v1/specification_pb.js";

// The roles both sides know share their numbers; 9 (the legacy MARKER) and the chain's GENERIC_*
// roles have no counterpart, and NONE / UNSPECIFIED is never a role.
const shared: ReadonlySet<number> = new Set([1, 2, 3, 4, 5, 6, 7, 8, 10, 11]);

/**
 * The chain's `provenance.metadata.v1.PartyType` for a p8e PartyType.
 * @throws {SpecModelError} code "unmappable-party-type" for NONE or a value the chain does not have.
 */
export function partyTypeToChain(role: PartyType): ChainPartyType {
  if (!shared.has(role)) {
    throw new SpecModelError(
      "unmappable-party-type",
      `p8e party type ${PartyType[role] ?? role} has no provenance.metadata.v1.PartyType counterpart`,
    );
  }
  return role as number as ChainPartyType;
}

/**
 * The p8e PartyType for a chain `provenance.metadata.v1.PartyType`.
 * @throws {SpecModelError} code "unmappable-party-type" for UNSPECIFIED or a role p8e does not have (GENERIC_*).
 */
export function partyTypeFromChain(role: ChainPartyType): PartyType {
  if (!shared.has(role)) {
    throw new SpecModelError(
      "unmappable-party-type",
      `provenance.metadata.v1.PartyType ${ChainPartyType[role] ?? role} has no p8e PartyType counterpart`,
    );
  }
  return role as number as PartyType;
}
