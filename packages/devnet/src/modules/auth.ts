// x/auth: accounts with their number, sequence and public key.
import { BaseAccount } from "cosmjs-types/cosmos/auth/v1beta1/auth";
import { PubKey } from "cosmjs-types/cosmos/crypto/secp256k1/keys";
import { encodeAccountAddress, moduleAccountId } from "../codec.js";
import type { Context } from "../context.js";
import { accountKey, globalKey } from "./keys.js";

/** Type URL of a secp256k1 public key in a SignerInfo or an account. */
export const SECP256K1_PUBKEY_TYPE_URL = "/cosmos.crypto.secp256k1.PubKey";
/** Type URL of BaseAccount, as the account query packs it. */
export const BASE_ACCOUNT_TYPE_URL = "/cosmos.auth.v1beta1.BaseAccount";

/** Module accounts that hold coins but have no BaseAccount. */
export const FEE_COLLECTOR_ID = moduleAccountId("fee_collector");
/** The metadata module account, which mints and burns value-owner coins. */
export const METADATA_MODULE_ID = moduleAccountId("metadata");

const NEXT_ACCOUNT_NUMBER = globalKey("next-account-number");

/** True for the module accounts above, which never get a BaseAccount. */
export function isModuleAccount(id: Uint8Array): boolean {
  const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);
  return same(id, FEE_COLLECTOR_ID) || same(id, METADATA_MODULE_ID);
}

/** The account of an id, if it exists. */
export function getAccount(ctx: Context, id: Uint8Array): BaseAccount | undefined {
  const bytes = ctx.store.get(accountKey(id));
  return bytes === undefined ? undefined : BaseAccount.decode(bytes);
}

/** Stores an account. */
export function setAccount(ctx: Context, id: Uint8Array, account: BaseAccount): void {
  ctx.store.set(accountKey(id), BaseAccount.encode(account).finish());
}

/** The account of `id`, created with the next account number if it does not exist yet. */
export function ensureAccount(ctx: Context, id: Uint8Array): BaseAccount {
  const existing = getAccount(ctx, id);
  if (existing !== undefined) return existing;
  const stored = ctx.store.get(NEXT_ACCOUNT_NUMBER);
  const accountNumber = stored === undefined ? 0n : BigInt(new TextDecoder().decode(stored));
  ctx.store.set(NEXT_ACCOUNT_NUMBER, new TextEncoder().encode((accountNumber + 1n).toString()));
  const account = BaseAccount.fromPartial({
    address: encodeAccountAddress(ctx.chain.prefix, id),
    accountNumber,
    sequence: 0n,
  });
  setAccount(ctx, id, account);
  return account;
}

/** The compressed secp256k1 key an account has on record, if any. */
export function accountPublicKey(account: BaseAccount): Uint8Array | undefined {
  if (account.pubKey === undefined || account.pubKey.typeUrl !== SECP256K1_PUBKEY_TYPE_URL) return undefined;
  return PubKey.decode(account.pubKey.value).key;
}

/** The account with its public key set. */
export function withPublicKey(account: BaseAccount, publicKey: Uint8Array): BaseAccount {
  return {
    ...account,
    pubKey: { typeUrl: SECP256K1_PUBKEY_TYPE_URL, value: PubKey.encode({ key: publicKey }).finish() },
  };
}

/**
 * What x/metadata takes for a smart contract: an existing BaseAccount with sequence 0 and no public
 * key. (A funded account that never signed also passes this test; the chain has the same quirk.)
 */
export function looksLikeSmartContract(ctx: Context, id: Uint8Array): boolean {
  const account = getAccount(ctx, id);
  return account !== undefined && account.sequence === 0n && account.pubKey === undefined;
}
