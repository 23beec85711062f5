import { BinaryReader, BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import { SimulateRequest, SimulateResponse } from "cosmjs-types/cosmos/tx/v1beta1/service";

/** A transaction fee: the coins paid and the gas limit. */
export interface TxFee {
  readonly amount: readonly { readonly denom: string; readonly amount: string }[];
  readonly gas: number;
}

/**
 * How the memorializer finds each transaction's fee:
 * - "simulate" (the default): `cosmos.tx.v1beta1.Service/Simulate`; Provenance answers the required
 *   nhash fee as `gas_used` and the gas the transaction used as `gas_wanted`.
 * - "calculate-tx-fees": Provenance's `provenance.flatfees.v1.Query/CalculateTxFees`.
 * - a function: called with the transaction's Msgs, it returns the fee to pay.
 */
export type FeeStrategy =
  | "simulate"
  | "calculate-tx-fees"
  | ((msgs: readonly { readonly typeUrl: string }[]) => TxFee | Promise<TxFee>);

/** The highest gas limit Provenance accepts for one transaction. */
export const maxTxGas = 4_000_000;

/** The gas limit Provenance assumes when a transaction gives none. */
export const defaultTxGas = 500_000;

/** The ABCI path of the standard simulation query. */
export const simulatePath = "/cosmos.tx.v1beta1.Service/Simulate";

/** The ABCI path of Provenance's flat-fee query. */
export const calculateTxFeesPath = "/provenance.flatfees.v1.Query/CalculateTxFees";

/** Encodes a SimulateRequest for the given unsigned transaction bytes. */
export function encodeSimulateRequest(txBytes: Uint8Array): Uint8Array {
  return SimulateRequest.encode(SimulateRequest.fromPartial({ txBytes })).finish();
}

/**
 * The fee for a simulation answer, following Provenance's convention: `gas_used` is the required
 * fee in nhash and `gas_wanted` the gas the transaction consumed. The gas limit is `gas_wanted`
 * times the adjustment (at most 4,000,000); without a `gas_wanted` the limit equals the fee, which
 * Provenance reads as "simulated at 1nhash" and replaces with 500,000. The fee never goes below
 * one nhash per unit of gas (the gas price Provenance requires).
 */
export function feeFromSimulation(response: Uint8Array, gasAdjustment: number, denom = "nhash"): TxFee {
  const { gasInfo } = SimulateResponse.decode(response);
  const required = gasInfo?.gasUsed ?? 0n;
  const wanted = gasInfo?.gasWanted ?? 0n;
  return flatFee(required, wanted, gasAdjustment, denom);
}

function flatFee(required: bigint, wanted: bigint, gasAdjustment: number, denom: string): TxFee {
  let gas: number;
  if (wanted > 0n) gas = Math.min(maxTxGas, Math.ceil(Number(wanted) * gasAdjustment));
  else if (required > 0n && required <= BigInt(Number.MAX_SAFE_INTEGER)) gas = Number(required);
  else gas = defaultTxGas;
  const amount = required > BigInt(gas) ? required : BigInt(gas);
  return { amount: [{ denom, amount: amount.toString() }], gas };
}

/** Encodes `QueryCalculateTxFeesRequest{bytes tx_bytes = 1; float gas_adjustment = 2}`. */
export function encodeCalculateTxFeesRequest(txBytes: Uint8Array, gasAdjustment: number): Uint8Array {
  return new BinaryWriter()
    .tag(1, WireType.LengthDelimited)
    .bytes(txBytes)
    .tag(2, WireType.Bit32)
    .float(gasAdjustment)
    .finish();
}

/** Reads `QueryCalculateTxFeesResponse{repeated Coin total_fees = 1; uint64 estimated_gas = 2}` into a fee. */
export function feeFromCalculateTxFees(response: Uint8Array): TxFee {
  const reader = new BinaryReader(response);
  const coins: { denom: string; amount: string }[] = [];
  let estimatedGas = 0n;
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    if (field === 1 && wireType === WireType.LengthDelimited) coins.push(readCoin(reader.bytes()));
    else if (field === 2 && wireType === WireType.Varint) estimatedGas = BigInt(reader.uint64());
    else reader.skip(wireType);
  }
  const gas = estimatedGas > 0n ? Math.min(maxTxGas, Number(estimatedGas)) : maxTxGas;
  return { amount: coins.map((c) => ({ denom: c.denom, amount: c.amount })), gas };
}

/** Reads `cosmos.base.v1beta1.Coin{string denom = 1; string amount = 2}`. */
function readCoin(bytes: Uint8Array): { denom: string; amount: string } {
  const reader = new BinaryReader(bytes);
  let denom = "";
  let amount = "";
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    if (field === 1 && wireType === WireType.LengthDelimited) denom = reader.string();
    else if (field === 2 && wireType === WireType.LengthDelimited) amount = reader.string();
    else reader.skip(wireType);
  }
  return { denom, amount };
}
