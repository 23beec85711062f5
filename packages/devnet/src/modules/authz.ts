// x/authz state: grants from a granter to a grantee for one Msg type URL, with an optional expiry.
import { Grant } from "cosmjs-types/cosmos/authz/v1beta1/authz";
import { fromUtf8 } from "../codec.js";
import type { Context } from "../context.js";
import { GRANT_PREFIX, grantKey, grantPairPrefix, grantsByGranterPrefix } from "./keys.js";

/** Type URL of GenericAuthorization, the only authorization the devnet honours. */
export const GENERIC_AUTHORIZATION_TYPE_URL = "/cosmos.authz.v1beta1.GenericAuthorization";

/** A stored grant with the parties and Msg type it is keyed by. */
export interface StoredGrant {
  readonly granter: Uint8Array;
  readonly grantee: Uint8Array;
  readonly msgTypeUrl: string;
  readonly grant: Grant;
}

function isExpired(ctx: Context, grant: Grant): boolean {
  if (grant.expiration === undefined) return false;
  const ms = Number(grant.expiration.seconds) * 1000 + Math.floor(grant.expiration.nanos / 1e6);
  return ms <= ctx.blockTime.getTime();
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
 * The first of `grantees` that `granter` has granted one of `msgTypeUrls` to (a GenericAuthorization,
 * which accepts every Msg of its type), or undefined.
 */
export function findGrantee(
  ctx: Context,
  granter: Uint8Array,
  grantees: readonly Uint8Array[],
  msgTypeUrls: readonly string[],
): Uint8Array | undefined {
  for (const grantee of grantees) {
    for (const url of msgTypeUrls) {
      const grant = getGrant(ctx, granter, grantee, url);
      if (grant?.authorization?.typeUrl === GENERIC_AUTHORIZATION_TYPE_URL) return grantee;
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
