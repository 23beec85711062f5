import { DevnetError } from "./errors.js";

/** Flat fees per Msg type in nhash, as Provenance's x/flatfees charges them. */
export interface FeeSchedule {
  /** The cost of a Msg type that `msgCosts` does not list. */
  readonly defaultCost: bigint;
  /** Cost by Msg type URL (e.g. "/provenance.metadata.v1.MsgWriteScopeRequest"). */
  readonly msgCosts: ReadonlyMap<string, bigint>;
}

/** A fee table as configuration gives it: amounts in nhash as bigint, integer or decimal string. */
export interface FeeScheduleInit {
  readonly defaultCost?: bigint | number | string;
  readonly msgCosts?: Readonly<Record<string, bigint | number | string>>;
}

// x/flatfees defines costs in musd (1/1000 USD) and converts them with a factor; these are the
// values set at Provenance's v1.26.0 upgrade: 30 musd = 1,000,000,000 nhash, default 150 musd.
const musdToNhash = (musd: bigint): bigint => (musd * 1_000_000_000n) / 30n;
const metadata = (name: string): string => `/provenance.metadata.v1.${name}`;

const defaultMsgCostsMusd: readonly (readonly [string, bigint])[] = [
  [metadata("MsgWriteScopeRequest"), 1000n],
  [metadata("MsgAddContractSpecToScopeSpecRequest"), 1000n],
  [metadata("MsgDeleteContractSpecFromScopeSpecRequest"), 1000n],
  [metadata("MsgWriteSessionRequest"), 500n],
  [metadata("MsgWriteScopeSpecificationRequest"), 500n],
  [metadata("MsgWriteContractSpecificationRequest"), 500n],
  [metadata("MsgWriteRecordSpecificationRequest"), 500n],
  [metadata("MsgUpdateValueOwnersRequest"), 500n],
  [metadata("MsgMigrateValueOwnerRequest"), 500n],
];

/**
 * The fee table of Provenance's flat-fee launch (v1.26.0), converted to nhash: 5,000,000,000 nhash
 * per Msg by default, 33,333,333,333 for MsgWriteScopeRequest, 16,666,666,666 for sessions and spec writes.
 */
export const DEFAULT_FEE_SCHEDULE: FeeSchedule = {
  defaultCost: musdToNhash(150n),
  msgCosts: new Map(defaultMsgCostsMusd.map(([url, musd]) => [url, musdToNhash(musd)])),
};

function toNhash(value: bigint | number | string, what: string): bigint {
  let amount: bigint;
  try {
    amount = typeof value === "bigint" ? value : BigInt(value);
  } catch {
    throw new DevnetError("invalid-config", `${what} must be a whole number of nhash, got ${String(value)}`);
  }
  if (amount < 0n) throw new DevnetError("invalid-config", `${what} must not be negative, got ${amount}`);
  return amount;
}

/** The default table with `init`'s entries laid over it. */
export function feeSchedule(init: FeeScheduleInit = {}): FeeSchedule {
  const msgCosts = new Map(DEFAULT_FEE_SCHEDULE.msgCosts);
  for (const [url, cost] of Object.entries(init.msgCosts ?? {})) {
    if (!url.startsWith("/")) throw new DevnetError("invalid-config", `fee table keys are Msg type URLs, got ${url}`);
    msgCosts.set(url, toNhash(cost, `the fee of ${url}`));
  }
  return {
    defaultCost:
      init.defaultCost === undefined ? DEFAULT_FEE_SCHEDULE.defaultCost : toNhash(init.defaultCost, "defaultCost"),
    msgCosts,
  };
}

/** The cost of one Msg type. */
export function msgCost(schedule: FeeSchedule, typeUrl: string): bigint {
  return schedule.msgCosts.get(typeUrl) ?? schedule.defaultCost;
}

/** What a tx with these Msgs must pay: the total, and the part charged up front even if it fails. */
export function txCost(schedule: FeeSchedule, typeUrls: readonly string[]): { total: bigint; upFront: bigint } {
  let total = 0n;
  let upFront = 0n;
  for (const url of typeUrls) {
    const cost = msgCost(schedule, url);
    total += cost;
    // Math.min does not take bigints.
    if (cost < schedule.defaultCost) upFront += cost;
    else upFront += schedule.defaultCost;
  }
  return { total, upFront };
}
