/**
 * What went wrong while memorializing:
 * - `invalid-argument`: an option, mnemonic, address or specification the caller gave is unusable.
 * - `invalid-envelope`: the envelope lacks something the Msgs need, or is not signed by every party.
 * - `already-memorialized`: the envelope's session and records are already on chain; nothing was sent.
 * - `simulation-failed`: the chain refused to estimate the fee for a reason not tied to one Msg.
 * - `msg-failed`: the chain refused one Msg; `msgIndex`, `msgType` and the chain's reason say which and why.
 * - `broadcast-failed`: the node refused the transaction as a whole, or could not be reached.
 * - `sequence-mismatch`: the account sequence kept changing under us, even after re-reading it.
 * - `timeout`: the transaction was accepted but not seen in a block in time.
 * - `query-failed`: an ABCI query failed.
 */
export type MemorializerErrorCode =
  | "invalid-argument"
  | "invalid-envelope"
  | "already-memorialized"
  | "simulation-failed"
  | "msg-failed"
  | "broadcast-failed"
  | "sequence-mismatch"
  | "timeout"
  | "query-failed";

/** The chain-side details a MemorializerError carries when the chain gave them. */
export interface MemorializerErrorDetails {
  /** Index of the refused Msg within the transaction. */
  readonly msgIndex?: number;
  /** Type URL of the refused Msg. */
  readonly msgType?: string;
  /** The ABCI result code. */
  readonly chainCode?: number;
  /** The ABCI codespace, e.g. "sdk" or "metadata". */
  readonly codespace?: string;
  /** The chain's log text, its reason for the refusal. */
  readonly log?: string;
  /** Hex hash of the transaction, when it got that far. */
  readonly txHash?: string;
  /** Height of the block that included the transaction. */
  readonly height?: number;
}

const errorName = "MemorializerError";

/** The one error type of @p8e/memorializer; `code` says what kind of failure it is. */
export class MemorializerError extends Error implements MemorializerErrorDetails {
  override readonly name = errorName;
  readonly code: MemorializerErrorCode;
  readonly msgIndex?: number;
  readonly msgType?: string;
  readonly chainCode?: number;
  readonly codespace?: string;
  readonly log?: string;
  readonly txHash?: string;
  readonly height?: number;

  constructor(
    code: MemorializerErrorCode,
    message: string,
    options: MemorializerErrorDetails & { readonly cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? {} : { cause: options.cause });
    this.code = code;
    if (options.msgIndex !== undefined) this.msgIndex = options.msgIndex;
    if (options.msgType !== undefined) this.msgType = options.msgType;
    if (options.chainCode !== undefined) this.chainCode = options.chainCode;
    if (options.codespace !== undefined) this.codespace = options.codespace;
    if (options.log !== undefined) this.log = options.log;
    if (options.txHash !== undefined) this.txHash = options.txHash;
    if (options.height !== undefined) this.height = options.height;
  }

  /**
   * Turns any caught value into a MemorializerError: one is returned as it is, anything else is
   * wrapped with the given code and kept as `cause`.
   */
  static from(reason: unknown, code: MemorializerErrorCode = "broadcast-failed"): MemorializerError {
    if (isMemorializerError(reason)) return reason;
    const message = reason instanceof Error ? reason.message : String(reason);
    return new MemorializerError(code, message, { cause: reason });
  }

  /** Recognises a MemorializerError from any copy of this package. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return isMemorializerError(value);
  }
}

/** True when `value` is a MemorializerError, even one thrown by another copy of this package. */
export function isMemorializerError(value: unknown): value is MemorializerError {
  return value instanceof Error && value.name === errorName && typeof (value as { code?: unknown }).code === "string";
}
