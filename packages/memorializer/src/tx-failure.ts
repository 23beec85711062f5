import { MemorializerError, type MemorializerErrorCode } from "./errors.js";

/** The part of an ABCI answer (CheckTx, the block's tx result, or a query) that says why it failed. */
export interface AbciFailure {
  readonly code: number;
  readonly codespace?: string | undefined;
  readonly log?: string | undefined;
}

/** Where in a transaction's life the chain refused it. */
export type TxStage = "simulate" | "check" | "deliver";

// The SDK wraps a Msg's error as "failed to execute message; message index: N: <reason>".
const msgIndexPattern = /message index: (\d+):?\s*/;

/** The index of the refused Msg in a chain log, when the log names one. */
export function failedMsgIndex(log: string): number | undefined {
  const match = msgIndexPattern.exec(log);
  return match === null ? undefined : Number(match[1]);
}

/** The chain's own reason, without the SDK's "failed to execute message; message index: N:" wrapper. */
export function chainReason(log: string): string {
  const match = msgIndexPattern.exec(log);
  return match === null ? log.trim() : log.slice(match.index + match[0].length).trim() || log.trim();
}

/**
 * True when the chain refused a transaction because its account sequence was not the expected one
 * (Cosmos SDK code 32, "account sequence mismatch").
 */
export function isSequenceMismatch(failure: AbciFailure): boolean {
  if (
    failure.code === 32 &&
    (failure.codespace === undefined || failure.codespace === "" || failure.codespace === "sdk")
  ) {
    return true;
  }
  return /account sequence mismatch|incorrect account sequence/i.test(failure.log ?? "");
}

/** The sequence the chain expected, from "account sequence mismatch, expected 7, got 6". */
export function expectedSequence(log: string): number | undefined {
  const match = /expected (\d+), got \d+/.exec(log);
  return match === null ? undefined : Number(match[1]);
}

/**
 * A MemorializerError for a refused transaction: code "msg-failed" with the Msg's index, type and
 * the chain's reason when the log names a Msg, else "simulation-failed" (at simulation) or
 * "broadcast-failed".
 */
export function txFailure(
  failure: AbciFailure,
  msgTypes: readonly string[],
  stage: TxStage,
  where: { readonly txHash?: string; readonly height?: number } = {},
): MemorializerError {
  const log = failure.log ?? "";
  const codespace = failure.codespace ?? "";
  const details = {
    chainCode: failure.code,
    codespace,
    log,
    ...(where.txHash === undefined ? {} : { txHash: where.txHash }),
    ...(where.height === undefined ? {} : { height: where.height }),
  };
  const stageText = stage === "simulate" ? "simulation" : stage === "check" ? "the mempool check" : "block execution";
  const msgIndex = failedMsgIndex(log);
  if (msgIndex !== undefined) {
    const msgType = msgTypes[msgIndex];
    return new MemorializerError(
      "msg-failed",
      `${msgType ?? "Msg"} (message ${msgIndex} of the transaction) refused in ${stageText} (${codespace || "?"} ${failure.code}): ${chainReason(log)}`,
      { ...details, msgIndex, ...(msgType === undefined ? {} : { msgType }) },
    );
  }
  const code: MemorializerErrorCode = stage === "simulate" ? "simulation-failed" : "broadcast-failed";
  return new MemorializerError(
    code,
    `transaction refused in ${stageText} (${codespace || "?"} ${failure.code}): ${log.trim()}`,
    details,
  );
}
