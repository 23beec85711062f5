// x/bank: balances per denom, transfers and their events; also the owner index of each denom,
// which the metadata module uses to find a scope's value owner (the holder of `nft/<scope>`).

import { sdkError } from "../abci-error.js";
import { encodeAccountAddress, fromUtf8, utf8 } from "../codec.js";
import { type Context, event } from "../context.js";
import { ensureAccount, isModuleAccount } from "./auth.js";
import { balanceKey, balancesPrefix, denomOwnerKey, denomOwnersPrefix } from "./keys.js";

/** An amount of one denom. */
export interface Coin {
  readonly denom: string;
  readonly amount: bigint;
}

/** Coins as the SDK prints them: "5nhash,1nft/scope1…". */
export function coinsString(coins: readonly Coin[]): string {
  return coins.map((c) => `${c.amount}${c.denom}`).join(",");
}

/** The amount of one denom an account holds (0 when none). */
export function getBalance(ctx: Context, id: Uint8Array, denom: string): bigint {
  const bytes = ctx.store.get(balanceKey(id, denom));
  return bytes === undefined ? 0n : BigInt(fromUtf8(bytes));
}

/** Sets a balance, keeping the denom-owner index. */
export function setBalance(ctx: Context, id: Uint8Array, denom: string, amount: bigint): void {
  if (amount === 0n) {
    ctx.store.delete(balanceKey(id, denom));
    ctx.store.delete(denomOwnerKey(denom, id));
  } else {
    ctx.store.set(balanceKey(id, denom), utf8(amount.toString()));
    ctx.store.set(denomOwnerKey(denom, id), Uint8Array.of(1));
  }
}

/** Every non-zero balance of an account, sorted by denom. */
export function allBalances(ctx: Context, id: Uint8Array): Coin[] {
  const prefix = balancesPrefix(id);
  return ctx.store.iterate(prefix).map(([key, value]) => ({
    denom: fromUtf8(key.subarray(prefix.length)),
    amount: BigInt(fromUtf8(value)),
  }));
}

/** The accounts that hold some of `denom`. */
export function denomOwners(ctx: Context, denom: string): Uint8Array[] {
  const prefix = denomOwnersPrefix(denom);
  return ctx.store.iterate(prefix).map(([key]) => key.slice(prefix.length));
}

function subtract(ctx: Context, id: Uint8Array, coins: readonly Coin[]): void {
  for (const coin of coins) {
    const balance = getBalance(ctx, id, coin.denom);
    if (balance < coin.amount) {
      throw sdkError(
        "insufficientFunds",
        `spendable balance ${balance}${coin.denom} is smaller than ${coin.amount}${coin.denom}`,
      );
    }
    setBalance(ctx, id, coin.denom, balance - coin.amount);
  }
}

function add(ctx: Context, id: Uint8Array, coins: readonly Coin[]): void {
  if (!isModuleAccount(id)) ensureAccount(ctx, id);
  for (const coin of coins) setBalance(ctx, id, coin.denom, getBalance(ctx, id, coin.denom) + coin.amount);
}

/** Moves coins between accounts, creating the recipient's account if needed, with the SDK's events. */
export function sendCoins(ctx: Context, from: Uint8Array, to: Uint8Array, coins: readonly Coin[]): void {
  const nonZero = coins.filter((c) => c.amount > 0n);
  if (nonZero.length === 0) return;
  subtract(ctx, from, nonZero);
  add(ctx, to, nonZero);
  const amount = coinsString(nonZero);
  const sender = encodeAccountAddress(ctx.chain.prefix, from);
  const recipient = encodeAccountAddress(ctx.chain.prefix, to);
  ctx.events.push(
    event("coin_spent", { spender: sender, amount }),
    event("coin_received", { receiver: recipient, amount }),
    event("transfer", { recipient, sender, amount }),
    event("message", { sender }),
  );
}

/** Creates coins in an account (a module account: the metadata module mints value-owner coins). */
export function mintCoins(ctx: Context, to: Uint8Array, coins: readonly Coin[]): void {
  add(ctx, to, coins);
  const amount = coinsString(coins);
  const minter = encodeAccountAddress(ctx.chain.prefix, to);
  ctx.events.push(event("coin_received", { receiver: minter, amount }), event("coinbase", { minter, amount }));
}

/** Destroys coins held by an account. */
export function burnCoins(ctx: Context, from: Uint8Array, coins: readonly Coin[]): void {
  subtract(ctx, from, coins);
  const amount = coinsString(coins);
  const burner = encodeAccountAddress(ctx.chain.prefix, from);
  ctx.events.push(event("coin_spent", { spender: burner, amount }), event("burn", { burner, amount }));
}
