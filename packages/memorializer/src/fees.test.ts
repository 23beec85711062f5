import { BinaryWriter } from "cosmjs-types/binary";
import { Coin } from "cosmjs-types/cosmos/base/v1beta1/coin";
import { SimulateRequest, SimulateResponse } from "cosmjs-types/cosmos/tx/v1beta1/service";
import { describe, expect, it } from "vitest";
import {
  encodeCalculateTxFeesRequest,
  encodeSimulateRequest,
  feeFromCalculateTxFees,
  feeFromSimulation,
  maxTxGas,
} from "./fees.js";

const simulated = (gasUsed: bigint, gasWanted: bigint) =>
  SimulateResponse.encode(SimulateResponse.fromPartial({ gasInfo: { gasUsed, gasWanted } })).finish();

describe("feeFromSimulation()", () => {
  it("pays Provenance's required fee (gas_used) and limits gas to gas_wanted times the adjustment", () => {
    expect(feeFromSimulation(simulated(33_333_333_333n, 100_000n), 1.25)).toEqual({
      amount: [{ denom: "nhash", amount: "33333333333" }],
      gas: 125_000,
    });
  });

  it("sets the gas limit equal to the fee when the chain reports no gas_wanted", () => {
    expect(feeFromSimulation(simulated(5_000_000_000n, 0n), 1.25)).toEqual({
      amount: [{ denom: "nhash", amount: "5000000000" }],
      gas: 5_000_000_000,
    });
  });

  it("caps the gas limit at the per-transaction maximum and never pays less than 1nhash per gas", () => {
    expect(feeFromSimulation(simulated(10n, 10_000_000n), 1.5)).toEqual({
      amount: [{ denom: "nhash", amount: String(maxTxGas) }],
      gas: maxTxGas,
    });
  });
});

describe("encodeSimulateRequest()", () => {
  it("carries the transaction bytes", () => {
    expect(SimulateRequest.decode(encodeSimulateRequest(Uint8Array.of(1, 2, 3))).txBytes).toEqual(
      Uint8Array.of(1, 2, 3),
    );
  });
});

describe("feeFromCalculateTxFees()", () => {
  it("reads total_fees and estimated_gas and skips unknown fields", () => {
    const writer = BinaryWriter.create();
    Coin.encode({ denom: "nhash", amount: "1500" }, writer.uint32(10).fork()).ldelim();
    writer.uint32(16).uint64(2500n);
    writer.uint32(26).string("future field");
    expect(feeFromCalculateTxFees(writer.finish())).toEqual({
      amount: [{ denom: "nhash", amount: "1500" }],
      gas: 2500,
    });
  });
});

describe("encodeCalculateTxFeesRequest()", () => {
  it("writes tx_bytes as field 1 and gas_adjustment as float field 2", () => {
    const bytes = encodeCalculateTxFeesRequest(Uint8Array.of(9), 1.5);
    expect([...bytes]).toEqual([10, 1, 9, 21, 0, 0, 0xc0, 0x3f]);
  });
});
