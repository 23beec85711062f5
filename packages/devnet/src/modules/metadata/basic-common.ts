// Stateless checks shared by the metadata Msgs' ValidateBasic: byte lengths, addresses, uuids
// and parties, with the chain's wording.
import { isUuid } from "@p8e/spec-model";
import { type Party, PartyType } from "@p8e/spec-model/metadata";
import { plainError } from "../../abci-error.js";
import { AddressError, decodeAccountAddress } from "../../codec.js";
import { addressString, verifyAddressFormat } from "./addresses.js";

const utf8Encoder = new TextEncoder();

/** Go's len(string): the length in UTF-8 bytes, which every maximum-length check counts. */
export function byteLength(text: string): number {
  return utf8Encoder.encode(text).length;
}

/** Go's %#v of a MetadataAddress, as the chain's VerifyMetadataAddressHasType prints it. */
function goBytes(bytes: Uint8Array): string {
  if (bytes.length === 0) return "MetadataAddress(nil)";
  return `MetadataAddress{${[...bytes].map((b) => `0x${b.toString(16)}`).join(", ")}}`;
}

/**
 * VerifyMetadataAddressHasType: a well-formed address of one kind, worded as the chain words it
 * ("invalid scope specification id …: wrong type").
 */
export function verifyAddressHasType(bytes: Uint8Array, prefix: string): void {
  const name =
    prefix === "scopespec" || prefix === "contractspec"
      ? `${prefix.slice(0, -"spec".length)} specification`
      : prefix === "recspec"
        ? "record specification"
        : prefix;
  let found: string;
  try {
    found = verifyAddressFormat(bytes);
  } catch (error) {
    throw plainError(`invalid ${name} metadata address ${goBytes(bytes)}: ${(error as Error).message}`);
  }
  if (found !== prefix) throw plainError(`invalid ${name} id ${JSON.stringify(addressString(bytes))}: wrong type`);
}

/** The role name without its "PARTY_TYPE_" prefix, as the chain's SimpleString prints it. */
export function roleName(role: PartyType): string {
  return PartyType[role] ?? String(role);
}

export function isDefinedRole(role: number): boolean {
  return PartyType[role] !== undefined;
}

/** Throws the SDK's AccAddressFromBech32 message for a bad account address. */
export function checkAccountAddress(prefix: string, address: string): void {
  decodeAccountAddress(prefix, address);
}

export function addressProblem(prefix: string, address: string): string | undefined {
  try {
    decodeAccountAddress(prefix, address);
    return undefined;
  } catch (error) {
    return error instanceof AddressError ? error.message : String(error);
  }
}

export function expectPrefix(bytes: Uint8Array, expected: string, describe: (got: string) => string): void {
  const prefix = verifyAddressFormat(bytes);
  if (prefix !== expected) throw plainError(describe(prefix));
}

export function parseUuid(text: string, what: string): string {
  const compact = text.replace(/^urn:uuid:/i, "").replace(/^\{(.*)\}$/, "$1");
  const canonical = /^[0-9a-fA-F]{32}$/.test(compact)
    ? `${compact.slice(0, 8)}-${compact.slice(8, 12)}-${compact.slice(12, 16)}-${compact.slice(16, 20)}-${compact.slice(20)}`
    : compact;
  if (!isUuid(canonical)) throw plainError(`invalid ${what}: invalid UUID format: ${JSON.stringify(text)}`);
  return canonical.toLowerCase();
}

// --- parties -------------------------------------------------------------------------------

export function validatePartyBasic(prefix: string, party: Party): void {
  if (party.address.length === 0) throw plainError("missing party address");
  const problem = addressProblem(prefix, party.address);
  if (problem !== undefined) throw plainError(`invalid party address [${party.address}]: ${problem}`);
  if (!isDefinedRole(party.role) || party.role === PartyType.UNSPECIFIED) {
    throw plainError(`invalid party type for party ${party.address}`);
  }
}

/** Two parties are the same when address and role match; `optional` is not compared. */
export function sameParty(a: Pick<Party, "address" | "role">, b: Pick<Party, "address" | "role">): boolean {
  return a.address === b.address && a.role === b.role;
}

/** ValidatePartiesBasic: at least one party, each valid, no two with the same address and role. */
export function validatePartiesBasic(prefix: string, parties: readonly Party[]): void {
  if (parties.length < 1) throw plainError("at least one party is required");
  for (const party of parties) validatePartyBasic(prefix, party);
  for (let i = 0; i < parties.length - 1; i++) {
    for (let j = i + 1; j < parties.length; j++) {
      if (sameParty(parties[i]!, parties[j]!)) {
        throw plainError(
          `duplicate parties not allowed: address = ${parties[i]!.address}, role = ${roleName(parties[i]!.role)}, indexes: ${i}, ${j}`,
        );
      }
    }
  }
}

/** Optional parties only where require_party_rollup allows them. */
export function validateOptionalParties(optionalAllowed: boolean, parties: readonly Party[]): void {
  if (!optionalAllowed && parties.some((p) => p.optional)) {
    throw plainError("parties can only be optional when require_party_rollup = true");
  }
}
