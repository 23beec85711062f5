// The metadata module's signer rules (keeper/signers.go): which parties must sign, which roles a
// spec requires, and how authz grants stand in for a missing signature.
import { type Party, PartyType } from "@p8e/spec-model/metadata";
import { plainError } from "../../abci-error.js";
import { decodeAccountAddress } from "../../codec.js";
import type { Context } from "../../context.js";
import { looksLikeSmartContract } from "../auth.js";
import { type AuthzCache, findGrantee } from "../authz.js";
import { roleName, sameParty } from "./basic-common.js";

const url = (name: string) => `/provenance.metadata.v1.${name}`;

/** The Msg being checked: its type URL, its `signers`, and the grants accepted for it so far. */
export interface MsgInfo {
  readonly typeUrl: string;
  readonly signers: readonly string[];
  readonly authzCache: AuthzCache;
}

/**
 * The Msg type URLs a grant may be under to cover `typeUrl`: the type itself and its "parent"
 * (a MsgWriteScopeRequest grant also covers data-access and owner changes, and so on).
 */
export function authzTypeUrls(typeUrl: string): string[] {
  const urls = [typeUrl];
  switch (typeUrl) {
    case url("MsgAddScopeDataAccessRequest"):
    case url("MsgDeleteScopeDataAccessRequest"):
    case url("MsgAddScopeOwnerRequest"):
    case url("MsgDeleteScopeOwnerRequest"):
      urls.push(url("MsgWriteScopeRequest"));
      break;
    case url("MsgWriteRecordRequest"):
      urls.push(url("MsgWriteSessionRequest"));
      break;
    case url("MsgAddContractSpecToScopeSpecRequest"):
    case url("MsgDeleteContractSpecFromScopeSpecRequest"):
      urls.push(url("MsgWriteScopeSpecificationRequest"));
      break;
    case url("MsgWriteRecordSpecificationRequest"):
      urls.push(url("MsgWriteContractSpecificationRequest"));
      break;
    case url("MsgDeleteRecordSpecificationRequest"):
      urls.push(url("MsgDeleteContractSpecificationRequest"));
      break;
  }
  return urls;
}

class PartyDetails {
  signer: string | undefined;
  used = false;

  constructor(
    readonly address: string,
    readonly role: PartyType,
    public optional: boolean,
    readonly usable: boolean,
  ) {}

  get required(): boolean {
    return !this.optional;
  }

  stillUsableAs(role: PartyType): boolean {
    return this.usable && !this.used && this.role === role;
  }
}

function buildPartyDetails(required: readonly Party[], available: readonly Party[]): PartyDetails[] {
  const details: PartyDetails[] = [];
  for (const party of available) {
    if (details.some((d) => sameParty(d, party))) continue;
    details.push(new PartyDetails(party.address, party.role, true, true));
  }
  for (const party of required) {
    if (party.optional) continue;
    const known = details.find((d) => sameParty(d, party));
    if (known !== undefined) known.optional = false;
    else details.push(new PartyDetails(party.address, party.role, false, false));
  }
  return details;
}

function accountIds(ctx: Context, addresses: readonly string[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const address of addresses) {
    try {
      out.push(decodeAccountAddress(ctx.chain.prefix, address));
    } catch {
      // The chain skips signers it cannot parse here too.
    }
  }
  return out;
}

function tryAccountId(ctx: Context, address: string): Uint8Array | undefined {
  try {
    return decodeAccountAddress(ctx.chain.prefix, address);
  } catch {
    return undefined;
  }
}

function grantedSigner(ctx: Context, party: PartyDetails, msg: MsgInfo): string | undefined {
  const granter = tryAccountId(ctx, party.address);
  if (granter === undefined) return undefined;
  const signerIds = accountIds(ctx, msg.signers);
  const grantee = findGrantee(ctx, granter, signerIds, authzTypeUrls(msg.typeUrl), msg.authzCache);
  if (grantee === undefined) return undefined;
  const index = signerIds.findIndex((id) => id.every((b, i) => b === grantee[i]) && id.length === grantee.length);
  return msg.signers[index];
}

function associateSigners(parties: PartyDetails[], msg: MsgInfo): void {
  for (const party of parties) {
    if (msg.signers.includes(party.address)) party.signer = party.address;
  }
}

function missingRolesText(parties: readonly PartyDetails[], requiredRoles: readonly PartyType[]): string {
  const need = new Map<PartyType, number>();
  for (const role of requiredRoles) need.set(role, (need.get(role) ?? 0) + 1);
  const have = new Map<PartyType, number>();
  for (const party of parties) if (party.used) have.set(party.role, (have.get(party.role) ?? 0) + 1);
  return [...need.entries()]
    .filter(([role, count]) => count > (have.get(role) ?? 0))
    .sort(([a], [b]) => a - b)
    .map(([role, count]) => `${roleName(role)} need ${count} have ${have.get(role) ?? 0}`)
    .join(", ");
}

function plural(n: number): string {
  return n === 1 ? "" : "s";
}

/** Parties that signed (directly or through a grant) and which signer stands for them. */
export type UsedSigners = Set<string>;

function usedSignersOf(parties: readonly PartyDetails[]): UsedSigners {
  return new Set(parties.flatMap((p) => (p.signer === undefined ? [] : [p.signer])));
}

function validateAllRequiredPartiesSigned(
  ctx: Context,
  requiredParties: readonly Party[],
  availableParties: readonly Party[],
  requiredRoles: readonly PartyType[],
  msg: MsgInfo,
): PartyDetails[] {
  const parties = buildPartyDetails(requiredParties, availableParties);
  associateSigners(parties, msg);
  for (const party of parties) {
    if (party.required && party.signer === undefined) party.signer = grantedSigner(ctx, party, msg);
  }
  const missing = parties.filter((p) => p.required && p.signer === undefined);
  if (missing.length > 0) {
    throw plainError(
      `missing required signature${plural(missing.length)}: ${missing.map((p) => `${p.address} (${roleName(p.role)})`).join(", ")}`,
    );
  }
  const unfilled: PartyType[] = [];
  for (const role of requiredRoles) {
    const party = parties.find((p) => p.stillUsableAs(role) && p.signer !== undefined);
    if (party === undefined) unfilled.push(role);
    else party.used = true;
  }
  let rolesMissing = false;
  for (const role of unfilled) {
    let found = false;
    for (const party of parties) {
      if (!party.stillUsableAs(role) || party.signer !== undefined) continue;
      const signer = grantedSigner(ctx, party, msg);
      if (signer !== undefined) {
        party.signer = signer;
        party.used = true;
        found = true;
        break;
      }
    }
    if (!found) rolesMissing = true;
  }
  if (rolesMissing) {
    throw plainError(`missing signers for roles required by spec: ${missingRolesText(parties, requiredRoles)}`);
  }
  return parties;
}

/** A party whose address is a smart contract must have role PROVENANCE, and vice versa. */
function validateProvenanceRole(ctx: Context, parties: readonly PartyDetails[]): void {
  for (const party of parties) {
    if (!party.usable) continue;
    const id = tryAccountId(ctx, party.address);
    if (id === undefined) continue;
    const isContract = looksLikeSmartContract(ctx, id);
    const isProvenance = party.role === PartyType.PROVENANCE;
    if (isContract && !isProvenance) {
      throw plainError(`account "${party.address}" is a smart contract but does not have the PROVENANCE role`);
    }
    if (!isContract && isProvenance) {
      throw plainError(`account "${party.address}" has role PROVENANCE but is not a smart contract`);
    }
  }
}

/** The chain's check of smart-contract signers: first in line, and used or authorized by those after. */
export function validateSmartContractSigners(ctx: Context, used: UsedSigners, msg: MsgInfo): void {
  const ids: Uint8Array[] = [];
  msg.signers.forEach((signer, i) => {
    try {
      ids.push(decodeAccountAddress(ctx.chain.prefix, signer));
    } catch (error) {
      throw plainError(`invalid signer[${i}] "${signer}": ${(error as Error).message}`);
    }
  });
  let canBeContract = true;
  for (let i = 0; i < ids.length; i++) {
    const signer = msg.signers[i]!;
    const isContract = looksLikeSmartContract(ctx, ids[i]!);
    if (isContract && !canBeContract) {
      throw plainError(`smart contract signer ${signer} cannot follow non-smart-contract signer`);
    }
    if (!isContract) {
      canBeContract = false;
      continue;
    }
    if (used.has(signer)) continue;
    if (i + 1 >= ids.length) throw plainError(`smart contract signer ${signer} cannot be the last signer`);
    for (const granter of ids.slice(i + 1)) {
      if (findGrantee(ctx, granter, [ids[i]!], authzTypeUrls(msg.typeUrl), msg.authzCache) === undefined) {
        throw plainError(`smart contract signer ${signer} is not authorized`);
      }
    }
  }
}

/**
 * ValidateSignersWithParties: every optional=false party in `requiredParties` signed (or granted a
 * signer), each role in `requiredRoles` is filled by a distinct signing party from
 * `availableParties`, PROVENANCE roles match smart contracts, and contract signers are allowed.
 */
export function validateSignersWithParties(
  ctx: Context,
  requiredParties: readonly Party[],
  availableParties: readonly Party[],
  requiredRoles: readonly PartyType[],
  msg: MsgInfo,
): UsedSigners {
  const parties = validateAllRequiredPartiesSigned(ctx, requiredParties, availableParties, requiredRoles, msg);
  validateProvenanceRole(ctx, parties);
  const used = usedSignersOf(parties);
  validateSmartContractSigners(ctx, used, msg);
  return used;
}

/** validateAllRequiredPartiesSigned without the contract-signer check (the caller does it). */
export function requirePartiesSigned(
  ctx: Context,
  requiredParties: readonly Party[],
  availableParties: readonly Party[],
  requiredRoles: readonly PartyType[],
  msg: MsgInfo,
): UsedSigners {
  return usedSignersOf(validateAllRequiredPartiesSigned(ctx, requiredParties, availableParties, requiredRoles, msg));
}

/** validateAllRequiredSigned: each address signed or granted a signer; "missing signature(s): …". */
export function requireAddressesSigned(ctx: Context, required: readonly string[], msg: MsgInfo): UsedSigners {
  const parties = required.map((address) => new PartyDetails(address, PartyType.UNSPECIFIED, false, false));
  associateSigners(parties, msg);
  for (const party of parties) {
    if (party.signer === undefined) party.signer = grantedSigner(ctx, party, msg);
  }
  const missing = parties.filter((p) => p.signer === undefined).map((p) => p.address);
  if (missing.length > 0) throw plainError(`missing signature${plural(missing.length)}: ${missing.join(", ")}`);
  return usedSignersOf(parties);
}

/** ValidateSignersWithoutParties: requireAddressesSigned plus the contract-signer check. */
export function validateSignersWithoutParties(ctx: Context, required: readonly string[], msg: MsgInfo): void {
  validateSmartContractSigners(ctx, requireAddressesSigned(ctx, required, msg), msg);
}

/** Each required role is held by a distinct party (no signatures needed). */
export function validateRolesPresent(parties: readonly Party[], requiredRoles: readonly PartyType[]): void {
  const details = buildPartyDetails([], parties);
  let missing = false;
  for (const role of requiredRoles) {
    const party = details.find((p) => p.stillUsableAs(role));
    if (party === undefined) missing = true;
    else party.used = true;
  }
  if (missing) throw plainError(`missing roles required by spec: ${missingRolesText(details, requiredRoles)}`);
}

/** validateProvenanceRole over plain parties (all usable). */
export function validatePartiesProvenanceRole(ctx: Context, parties: readonly Party[]): void {
  validateProvenanceRole(ctx, buildPartyDetails([], parties));
}

/** Every party in `required` is in `available` (same address and role). */
export function validatePartiesArePresent(required: readonly Party[], available: readonly Party[]): void {
  const missing = required.filter((r) => !available.some((a) => sameParty(r, a)));
  if (missing.length === 0) return;
  throw plainError(
    `missing ${missing.length === 1 ? "party" : "parties"}: ${missing.map((p) => `${p.address} (${roleName(p.role)})`).join(", ")}`,
  );
}

/** Distinct party addresses in order of first appearance. */
export function partyAddresses(parties: readonly Party[]): string[] {
  return [...new Set(parties.map((p) => p.address))];
}

/** Distinct addresses of the optional=false parties. */
export function requiredPartyAddresses(parties: readonly Party[]): string[] {
  return partyAddresses(parties.filter((p) => !p.optional));
}

/**
 * ValidateScopeValueOwnersSigners: changing value owners needs each current one (other than the
 * proposed) to sign, or to have granted a signer authz for this Msg type. When the first signer is a
 * smart contract, only it counts as a signer.
 */
export function validateValueOwnerChange(
  ctx: Context,
  existing: readonly string[],
  proposed: string,
  msg: MsgInfo,
): UsedSigners {
  const used: UsedSigners = new Set();
  if (existing.length === 1 && existing[0] === proposed) return used;
  let signers = msg.signers;
  const first = signers[0] === undefined ? undefined : tryAccountId(ctx, signers[0]);
  if (first !== undefined && looksLikeSmartContract(ctx, first)) signers = signers.slice(0, 1);
  const signerIds = accountIds(ctx, signers);
  for (const owner of existing) {
    if (owner.length === 0 || owner === proposed) continue;
    if (signers.includes(owner)) {
      used.add(owner);
      continue;
    }
    const granter = tryAccountId(ctx, owner);
    const grantee =
      granter === undefined
        ? undefined
        : findGrantee(ctx, granter, signerIds, authzTypeUrls(msg.typeUrl), msg.authzCache);
    if (grantee === undefined) throw plainError(`missing signature from existing value owner ${JSON.stringify(owner)}`);
    const index = signerIds.findIndex((id) => id.length === grantee.length && id.every((b, i) => b === grantee[i]));
    used.add(signers[index]!);
  }
  return used;
}
