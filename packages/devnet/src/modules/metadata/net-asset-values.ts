// A scope's net asset values (keeper/scope.go SetNetAssetValue, IterateNetAssetValues,
// RemoveNetAssetValues): one per price denom, stamped with the block height of the change.
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { type NetAssetValue, NetAssetValueSchema } from "@p8e/spec-model/metadata";
import { concat, utf8 } from "../../codec.js";
import { type Context, typedEvent } from "../../context.js";
import { netAssetValuesPrefix } from "../keys.js";
import { addressString } from "./addresses.js";

/** The price denom whose amount counts thousandths of a US dollar. */
export const USD_DENOM = "usd";

/** SetNetAssetValue: stores the value under its price denom and emits EventSetNetAssetValue. */
export function setNetAssetValue(ctx: Context, scopeId: Uint8Array, nav: NetAssetValue, source: string): void {
  const price = nav.price ?? { denom: "", amount: "0" };
  const stored = create(NetAssetValueSchema, {
    price: { denom: price.denom, amount: price.amount },
    updatedBlockHeight: BigInt(ctx.blockHeight),
    volume: nav.volume < 1n ? 1n : nav.volume,
  });
  ctx.events.push(
    typedEvent("provenance.metadata.v1.EventSetNetAssetValue", {
      price: `${price.amount}${price.denom}`,
      scope_id: addressString(scopeId),
      source,
      volume: stored.volume.toString(),
    }),
  );
  ctx.store.set(concat(netAssetValuesPrefix(scopeId), utf8(price.denom)), toBinary(NetAssetValueSchema, stored));
}

/** What MsgWriteScopeRequest's usd_mills sets: a price of that many "usd", volume 1, source "metadata". */
export function setUsdMillsValue(ctx: Context, scopeId: Uint8Array, usdMills: bigint): void {
  setNetAssetValue(
    ctx,
    scopeId,
    create(NetAssetValueSchema, { price: { denom: USD_DENOM, amount: usdMills.toString() }, volume: 1n }),
    "metadata",
  );
}

/** A scope's net asset values in price-denom order. */
export function listNetAssetValues(ctx: Context, scopeId: Uint8Array): NetAssetValue[] {
  return ctx.store.iterate(netAssetValuesPrefix(scopeId)).map(([, value]) => fromBinary(NetAssetValueSchema, value));
}

/** RemoveNetAssetValues: what deleting a scope does to its values. */
export function removeNetAssetValues(ctx: Context, scopeId: Uint8Array): void {
  for (const [key] of ctx.store.iterate(netAssetValuesPrefix(scopeId))) ctx.store.delete(key);
}
