// x/authz state: grants from a granter to a grantee for one Msg type URL, with an optional expiry,
// and the two authorizations the devnet honours: GenericAuthorization (any number of uses) and
// Provenance's CountAuthorization (its SDK fork: a number of uses, one taken by each Accept).
import { BinaryReader, BinaryWriter } from "@bufbuild/protobuf/wire";
import { GenericAuthorization, Grant } from "cosmjs-types/cosmos/authz/v1beta1/authz";
import type { Any } from "cosmjs-types/google/protobuf/any";
import { sdkError } from "../abci-error.js";
import { fromUtf8, toHex } from "../codec.js";
import type { Context } from "../context.js";
import { GRANT_PREFIX, grantKey, grantPairPrefix, grantsByGranterPrefix } from "./keys.js";

/** Type URL of GenericAuthorization. */
export const GENERIC_AUTHORIZATION_TYPE_URL = "/cosmos.authz.v1beta1.GenericAuthorization";
/** Type URL of CountAuthorization (Provenance's cosmos-sdk fork, x/authz/authorization_count.go). */
export const COUNT_AUTHORIZATION_TYPE_URL = "/cosmos.authz.v1beta1.CountAuthorization";

/** CountAuthorization: `string msg = 1; int32 allowed_authorizations = 2;`. */
export interface CountAuthorization {
  readonly msg: string;
  readonly allowedAuthorizations: number;
}

/** Decodes a CountAuthorization's protobuf bytes. */
export function decodeCountAuthorization(bytes: Uint8Array): CountAuthorization {
  const reader = new BinaryReader(bytes);
  let msg = "";
  let allowedAuthorizations = 0;
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    if (field === 1) msg = reader.string();
    else if (field === 2) allowedAuthorizations = reader.int32();
    else reader.skip(wireType);
  }
  return { msg, allowedAuthorizations };
}

/** Encodes a CountAuthorization (fields in number order, defaults omitted, as gogoproto writes them). */
export function encodeCountAuthorization(authorization: CountAuthorization): Uint8Array {
  const writer = new BinaryWriter();
  if (authorization.msg.length > 0) writer.tag(1, 2).string(authorization.msg);
  if (authorization.allowedAuthorizations !== 0) writer.tag(2, 0).int32(authorization.allowedAuthorizations);
  return writer.finish();
}

/** The Msg type URL an authorization is for; throws the SDK's errors for anything else. */
export function authorizationMsgTypeUrl(authorization: Any): string {
  switch (authorization.typeUrl) {
    case GENERIC_AUTHORIZATION_TYPE_URL:
      return GenericAuthorization.decode(authorization.value).msg;
    case COUNT_AUTHORIZATION_TYPE_URL: {
      const count = decodeCountAuthorization(authorization.value);
      // CountAuthorization.ValidateBasic
      if (count.allowedAuthorizations <= 0) {
        throw sdkError("invalidRequest", "allowed authorizations must be greater than 0");
      }
      return count.msg;
    }
    default:
      throw sdkError(
        "invalidType",
        `the devnet supports GenericAuthorization and CountAuthorization, got ${authorization.typeUrl}`,
      );
  }
}

/** A stored grant with the parties and Msg type it is keyed by. */
export interface StoredGrant {
  readonly granter: Uint8Array;
  readonly grantee: Uint8Array;
  readonly msgTypeUrl: string;
  readonly grant: Grant;
}

/**
 * The SDK's `grant.Expiration.Before(blockTime)`: strictly before. A grant that expires at exactly
 * the block time still counts in that block.
 */
function isExpired(ctx: Context, grant: Grant): boolean {
  if (grant.expiration === undefined) return false;
  const expiration = grant.expiration.seconds * 1_000_000_000n + BigInt(grant.expiration.nanos);
  return expiration < BigInt(ctx.blockTime.getTime()) * 1_000_000n;
}

/** The grant for (granter, grantee, msgTypeUrl), unless there is none or it has expired. */
export function getGrant(
  ctx: Context,
  granter: Uint8Array,
  grantee: Uint8Array,
  msgTypeUrl: string,
): Grant | undefined {
  const bytes = ctx.store.get(grantKey(granter, grantee, msgTypeUrl));
  if (bytes === undefined) return undefined;
  const grant = Grant.decode(bytes);
  return isExpired(ctx, grant) ? undefined : grant;
}

/** Stores (or replaces) a grant. */
export function saveGrant(
  ctx: Context,
  granter: Uint8Array,
  grantee: Uint8Array,
  msgTypeUrl: string,
  grant: Grant,
): void {
  ctx.store.set(grantKey(granter, grantee, msgTypeUrl), Grant.encode(grant).finish());
}

/** Removes a grant; false when there was none. */
export function deleteGrant(ctx: Context, granter: Uint8Array, grantee: Uint8Array, msgTypeUrl: string): boolean {
  const key = grantKey(granter, grantee, msgTypeUrl);
  if (ctx.store.get(key) === undefined) return false;
  ctx.store.delete(key);
  return true;
}

/**
 * Authorization.Accept on the stored grant and what the keeper does with the answer: a
 * GenericAuthorization accepts and stays; a CountAuthorization accepts and loses one use, and is
 * deleted with its last. False when there is no live grant or it does not accept.
 */
export function acceptGrant(ctx: Context, granter: Uint8Array, grantee: Uint8Array, msgTypeUrl: string): boolean {
  const grant = getGrant(ctx, granter, grantee, msgTypeUrl);
  const authorization = grant?.authorization;
  if (grant === undefined || authorization === undefined) return false;
  if (authorization.typeUrl === GENERIC_AUTHORIZATION_TYPE_URL) return true;
  if (authorization.typeUrl !== COUNT_AUTHORIZATION_TYPE_URL) return false;
  const count = decodeCountAuthorization(authorization.value);
  if (count.allowedAuthorizations <= 0) return false;
  if (count.allowedAuthorizations === 1) {
    deleteGrant(ctx, granter, grantee, msgTypeUrl);
  } else {
    const updated = { msg: count.msg, allowedAuthorizations: count.allowedAuthorizations - 1 };
    saveGrant(ctx, granter, grantee, msgTypeUrl, {
      ...grant,
      authorization: { typeUrl: COUNT_AUTHORIZATION_TYPE_URL, value: encodeCountAuthorization(updated) },
    });
  }
  return true;
}

/**
 * Grants already accepted while checking one Msg (x/metadata's AuthzCache): a second look at the
 * same grant within the Msg does not take another use of it.
 */
export type AuthzCache = Map<string, true>;

/**
 * The first of `grantees` whose grant from `granter` for one of `msgTypeUrls` accepts
 * (x/metadata keeper findAuthzGrantee), or undefined.
 */
export function findGrantee(
  ctx: Context,
  granter: Uint8Array,
  grantees: readonly Uint8Array[],
  msgTypeUrls: readonly string[],
  cache?: AuthzCache,
): Uint8Array | undefined {
  for (const grantee of grantees) {
    for (const url of msgTypeUrls) {
      const key = `${toHex(grantee)}/${toHex(granter)}/${url}`;
      if (cache?.has(key)) return grantee;
      if (acceptGrant(ctx, granter, grantee, url)) {
        cache?.set(key, true);
        return grantee;
      }
    }
  }
  return undefined;
}

function parseGrantKey(key: Uint8Array): { granter: Uint8Array; grantee: Uint8Array; msgTypeUrl: string } {
  let offset = GRANT_PREFIX.length;
  const granterLength = key[offset]!;
  const granter = key.slice(offset + 1, offset + 1 + granterLength);
  offset += 1 + granterLength;
  const granteeLength = key[offset]!;
  const grantee = key.slice(offset + 1, offset + 1 + granteeLength);
  offset += 1 + granteeLength;
  return { granter, grantee, msgTypeUrl: fromUtf8(key.subarray(offset)) };
}

/** Unexpired grants, narrowed by granter and optionally grantee; all grants when granter is undefined. */
export function listGrants(ctx: Context, granter?: Uint8Array, grantee?: Uint8Array): StoredGrant[] {
  const prefix =
    granter === undefined
      ? GRANT_PREFIX
      : grantee === undefined
        ? grantsByGranterPrefix(granter)
        : grantPairPrefix(granter, grantee);
  const out: StoredGrant[] = [];
  for (const [key, value] of ctx.store.iterate(prefix)) {
    const grant = Grant.decode(value);
    if (isExpired(ctx, grant)) continue;
    out.push({ ...parseGrantKey(key), grant });
  }
  return out;
}
