// What every state transition sees: the store it reads and writes, the block it runs in, the
// chain's parameters, and the events it emits.
import type { FeeSchedule } from "./fees.js";
import type { AbciEvent, AbciEventAttribute } from "./store/database.js";
import type { KVStore } from "./store/kv-store.js";

/** Parameters fixed for the life of a chain. */
export interface ChainParams {
  readonly chainId: string;
  /** Bech32 prefix of account addresses ("tp" or "pb"). */
  readonly prefix: string;
  readonly fees: FeeSchedule;
  /** The fee denom; always "nhash" on Provenance. */
  readonly feeDenom: string;
}

/** The state and block a state transition runs against. */
export interface Context {
  readonly store: KVStore;
  readonly chain: ChainParams;
  readonly blockHeight: number;
  readonly blockTime: Date;
  /** True while answering Simulate: signatures and fees are not checked. */
  readonly simulate: boolean;
  /** Events emitted so far. */
  readonly events: AbciEvent[];
}

/** A context over another store (a cache), sharing everything else but starting a fresh event list. */
export function withStore(ctx: Context, store: KVStore): Context {
  return { ...ctx, store, events: [] };
}

/** An event whose attributes are all indexed. */
export function event(type: string, attributes: Readonly<Record<string, string>>): AbciEvent {
  const list: AbciEventAttribute[] = Object.entries(attributes).map(([key, value]) => ({ key, value, index: true }));
  return { type, attributes: list };
}

/**
 * A typed event as the SDK's EmitTypedEvent writes it: type = the proto full name, keys = the
 * proto JSON field names in sorted order, values = JSON-encoded.
 */
export function typedEvent(protoName: string, fields: Readonly<Record<string, unknown>>): AbciEvent {
  const keys = Object.keys(fields).sort();
  return {
    type: protoName,
    attributes: keys.map((key) => ({ key, value: JSON.stringify(fields[key]), index: true })),
  };
}
