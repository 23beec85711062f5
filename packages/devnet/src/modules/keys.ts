// State key layout. Each module owns a one-byte namespace; inside the metadata namespace, keys
// follow the chain's own layout (entities under their MetadataAddress bytes, indexes under 0x11…).
import { concat, lengthPrefixed, utf8 } from "../codec.js";

/** Namespace of accounts. */
export const ACCOUNT_PREFIX = Uint8Array.of(0x01);
/** Namespace of balances. */
export const BALANCE_PREFIX = Uint8Array.of(0x02);
/** Namespace of the metadata store. */
export const METADATA_PREFIX = Uint8Array.of(0x03);
/** Namespace of authz grants. */
export const GRANT_PREFIX = Uint8Array.of(0x04);
/** Namespace of chain-wide counters. */
export const GLOBAL_PREFIX = Uint8Array.of(0x05);
/** Namespace of the denom-owner index. */
export const DENOM_OWNER_PREFIX = Uint8Array.of(0x06);

/** Key of an account. */
export const accountKey = (address: Uint8Array): Uint8Array => concat(ACCOUNT_PREFIX, address);

/** Prefix of an account's balances. */
export const balancesPrefix = (address: Uint8Array): Uint8Array => concat(BALANCE_PREFIX, lengthPrefixed(address));

/** Key of one balance. */
export const balanceKey = (address: Uint8Array, denom: string): Uint8Array =>
  concat(balancesPrefix(address), utf8(denom));

/** Prefix of the holders of a denom. */
export const denomOwnersPrefix = (denom: string): Uint8Array => concat(DENOM_OWNER_PREFIX, lengthPrefixed(utf8(denom)));

/** Index key: this account holds this denom. */
export const denomOwnerKey = (denom: string, address: Uint8Array): Uint8Array =>
  concat(denomOwnersPrefix(denom), address);

/** Prefix of a granter's grants. */
export const grantsByGranterPrefix = (granter: Uint8Array): Uint8Array => concat(GRANT_PREFIX, lengthPrefixed(granter));

/** Prefix of the grants from a granter to a grantee. */
export const grantPairPrefix = (granter: Uint8Array, grantee: Uint8Array): Uint8Array =>
  concat(grantsByGranterPrefix(granter), lengthPrefixed(grantee));

/** Key of one grant. */
export const grantKey = (granter: Uint8Array, grantee: Uint8Array, msgTypeUrl: string): Uint8Array =>
  concat(grantPairPrefix(granter, grantee), utf8(msgTypeUrl));

/** Key of a chain-wide value. */
export const globalKey = (name: string): Uint8Array => concat(GLOBAL_PREFIX, utf8(name));

/** The metadata store key of an entity: its MetadataAddress bytes. */
export const metadataKey = (address: Uint8Array): Uint8Array => concat(METADATA_PREFIX, address);

/** Index: scopes by owner or data-access address (chain prefix 0x17). */
export const addressScopePrefix = (account: Uint8Array): Uint8Array =>
  concat(METADATA_PREFIX, Uint8Array.of(0x17), lengthPrefixed(account));

/** Index: scopes by scope specification (chain prefix 0x11). */
export const scopeSpecScopePrefix = (scopeSpecId: Uint8Array): Uint8Array =>
  concat(METADATA_PREFIX, Uint8Array.of(0x11), scopeSpecId);

/** Index: scope specifications by contract specification (chain prefix 0x14). */
export const contractSpecScopeSpecPrefix = (contractSpecId: Uint8Array): Uint8Array =>
  concat(METADATA_PREFIX, Uint8Array.of(0x14), contractSpecId);

/** Net asset values of a scope (chain prefix 0x22), one per price denom. */
export const netAssetValuesPrefix = (scopeId: Uint8Array): Uint8Array =>
  concat(METADATA_PREFIX, Uint8Array.of(0x22), scopeId);
