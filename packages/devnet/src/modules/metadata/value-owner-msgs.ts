// Value-owner endpoints of the metadata msg server (keeper/msg_server.go UpdateValueOwners and
// MigrateValueOwner; rules in keeper/scope.go ValidateUpdateValueOwners, SetScopeValueOwners and
// types/address.go AccMDLinks.ValidateForScopes). A scope's value owner is the holder of its
// `nft/<scope>` bank coin.
import {
  MsgMigrateValueOwnerRequestSchema,
  MsgMigrateValueOwnerResponseSchema,
  MsgUpdateValueOwnersRequestSchema,
  MsgUpdateValueOwnersResponseSchema,
} from "@p8e/spec-model/metadata";
import { plainError, sdkError } from "../../abci-error.js";
import { decodeAccountAddress, encodeAccountAddress } from "../../codec.js";
import type { Context } from "../../context.js";
import { isModuleAccount } from "../auth.js";
import { allBalances, sendCoins } from "../bank.js";
import { addressString, isAddressOfType, SCOPE } from "./addresses.js";
import { define, notFound, respond, txCompleted, validated } from "./msg-common.js";
import { type MsgInfo, validateValueOwnerChange } from "./signers.js";
import * as state from "./state.js";
import * as basic from "./validate-basic.js";

/** A scope and the holder of its value-owner coin ("" when nobody holds it). */
interface ValueOwnerLink {
  readonly scopeId: Uint8Array;
  readonly owner: string;
}

/** AccMDLinks.ValidateForScopes: scope addresses, each once, each with a value owner. */
function validateLinks(links: readonly ValueOwnerLink[]): void {
  const seen = new Set<string>();
  for (const link of links) {
    const id = addressString(link.scopeId);
    if (seen.has(id)) throw plainError(`duplicate metadata address ${JSON.stringify(id)} not allowed`);
    seen.add(id);
    if (!isAddressOfType(link.scopeId, SCOPE)) throw plainError(`invalid scope id ${JSON.stringify(id)}: wrong type`);
    if (link.owner.length === 0) {
      throw plainError(`no account address associated with metadata address ${JSON.stringify(id)}`);
    }
  }
}

/** ValidateUpdateValueOwners: the scopes may move to `proposed`, and their value owners signed. */
function validateUpdateValueOwners(ctx: Context, links: readonly ValueOwnerLink[], proposed: string, info: MsgInfo) {
  if (links.length === 0) throw plainError("no scopes found");
  validateLinks(links);
  const already = links.filter((l) => l.owner === proposed).map((l) => addressString(l.scopeId));
  if (already.length === 1) {
    throw plainError(
      `scope ${JSON.stringify(already[0])} already has the proposed value owner ${JSON.stringify(proposed)}`,
    );
  }
  if (already.length > 1) {
    throw plainError(
      `scopes [${already.map((a) => JSON.stringify(a)).join(" ")}] already have the proposed value owner ${JSON.stringify(proposed)}`,
    );
  }
  validateValueOwnerChange(ctx, [...new Set(links.map((l) => l.owner))], proposed, info);
}

/** SetScopeValueOwners: each current owner sends its scopes' coins to the new one. */
function setValueOwners(ctx: Context, links: readonly ValueOwnerLink[], proposed: string): void {
  const to = decodeAccountAddress(ctx.chain.prefix, proposed);
  if (isModuleAccount(to)) {
    throw sdkError("unauthorized", `new value owner ${proposed} is not allowed to receive funds`).wrap(
      "failure setting scope value owners",
    );
  }
  const byOwner = new Map<string, { denom: string; amount: bigint }[]>();
  for (const link of links) {
    const coins = byOwner.get(link.owner) ?? [];
    coins.push({ denom: state.valueOwnerDenom(link.scopeId), amount: 1n });
    byOwner.set(link.owner, coins);
  }
  for (const [owner, coins] of byOwner) {
    if (owner === proposed) continue;
    coins.sort((a, b) => (a.denom < b.denom ? -1 : a.denom > b.denom ? 1 : 0));
    sendCoins(ctx, decodeAccountAddress(ctx.chain.prefix, owner), to, coins);
  }
}

export const updateValueOwnersHandler = define(MsgUpdateValueOwnersRequestSchema, {
  validateBasic: (msg, prefix) => basic.validateUpdateValueOwners(prefix, msg),
  execute(ctx, msg, info) {
    const links = msg.scopeIds.map((scopeId) => ({ scopeId, owner: state.getValueOwner(ctx, scopeId) ?? "" }));
    validated(() => validateUpdateValueOwners(ctx, links, msg.valueOwnerAddress, info));
    setValueOwners(ctx, links, msg.valueOwnerAddress);
    txCompleted(ctx, "UpdateValueOwners", info.signers);
    return respond(MsgUpdateValueOwnersResponseSchema, {});
  },
});

export const migrateValueOwnerHandler = define(MsgMigrateValueOwnerRequestSchema, {
  validateBasic: (msg, prefix) => basic.validateMigrateValueOwner(prefix, msg),
  execute(ctx, msg, info) {
    let existing: Uint8Array;
    try {
      existing = decodeAccountAddress(ctx.chain.prefix, msg.existing);
    } catch (error) {
      throw sdkError(
        "invalidRequest",
        `invalid existing address ${JSON.stringify(msg.existing)}: ${(error as Error).message}`,
      );
    }
    const owner = encodeAccountAddress(ctx.chain.prefix, existing);
    const links = allBalances(ctx, existing)
      .filter((coin) => coin.denom.startsWith("nft/scope1") && coin.amount > 0n)
      .map((coin) => ({ scopeId: state.scopeIdOfValueOwnerDenom(coin.denom), owner }));
    if (links.length === 0) notFound(`no scopes found with value owner ${JSON.stringify(owner)}`);
    validated(() => validateUpdateValueOwners(ctx, links, msg.proposed, info));
    setValueOwners(ctx, links, msg.proposed);
    txCompleted(ctx, "MigrateValueOwner", info.signers);
    return respond(MsgMigrateValueOwnerResponseSchema, {});
  },
});
