import { describe, expect, it } from "vitest";
import { txCost } from "./fees.js";
import { DEFAULT_FEE_SCHEDULE, DevnetError, feeSchedule } from "./index.js";

const scope = "/provenance.metadata.v1.MsgWriteScopeRequest";
const record = "/provenance.metadata.v1.MsgWriteRecordRequest";

describe("feeSchedule()", () => {
  it("starts from Provenance's flat-fee launch table in nhash", () => {
    expect(DEFAULT_FEE_SCHEDULE.defaultCost).toBe(5_000_000_000n);
    expect(DEFAULT_FEE_SCHEDULE.msgCosts.get(scope)).toBe(33_333_333_333n);
    expect(DEFAULT_FEE_SCHEDULE.msgCosts.get("/provenance.metadata.v1.MsgWriteSessionRequest")).toBe(16_666_666_666n);
    expect(DEFAULT_FEE_SCHEDULE.msgCosts.has(record)).toBe(false);
  });

  it("lays configured costs over the defaults and refuses bad ones", () => {
    const schedule = feeSchedule({ defaultCost: "7", msgCosts: { [scope]: 100, [record]: 1n } });
    expect(schedule.defaultCost).toBe(7n);
    expect(schedule.msgCosts.get(scope)).toBe(100n);
    expect(schedule.msgCosts.get(record)).toBe(1n);
    expect(() => feeSchedule({ defaultCost: -1 })).toThrow(DevnetError);
    expect(() => feeSchedule({ msgCosts: { MsgWriteScopeRequest: 1 } })).toThrow(/Msg type URLs/);
    expect(() => feeSchedule({ defaultCost: "1.5" })).toThrow(/whole number/);
  });
});

describe("txCost()", () => {
  it("charges up front the smaller of each Msg's cost and the default cost", () => {
    const schedule = feeSchedule({ defaultCost: 10n, msgCosts: { [scope]: 50n, [record]: 3n } });
    expect(txCost(schedule, [scope, record, "/cosmos.bank.v1beta1.MsgSend"])).toEqual({ total: 63n, upFront: 23n });
  });
});
