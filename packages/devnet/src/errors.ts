/** What went wrong when configuring, starting or running a devnet. */
export type DevnetErrorCode =
  | "invalid-config"
  | "invalid-genesis"
  | "chain-mismatch"
  | "storage"
  | "not-running"
  | "closed"
  | "internal";

const errorName = "DevnetError";

const codes: ReadonlySet<string> = new Set<DevnetErrorCode>([
  "invalid-config",
  "invalid-genesis",
  "chain-mismatch",
  "storage",
  "not-running",
  "closed",
  "internal",
]);

/**
 * The one error type of @p8e/devnet; `code` says what kind of failure it is.
 *
 * Transactions the ledger refuses are not errors of this kind: they are answered on the wire with an
 * ABCI `code`, `codespace` and `log`, exactly as a Provenance node answers them.
 */
export class DevnetError extends Error {
  override readonly name = errorName;
  readonly code: DevnetErrorCode;

  constructor(code: DevnetErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }

  /** Turns any caught value into a DevnetError, keeping the original as `cause`. */
  static from(reason: unknown, code: DevnetErrorCode = "internal"): DevnetError {
    if (isDevnetError(reason)) return reason;
    const message = reason instanceof Error ? reason.message : String(reason);
    return new DevnetError(code, message, { cause: reason });
  }

  /** Recognises a DevnetError from any copy of this package. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return isDevnetError(value);
  }
}

/** True when `value` is a DevnetError, even one thrown by another copy of this package. */
export function isDevnetError(value: unknown): value is DevnetError {
  return (
    value instanceof Error &&
    value.name === errorName &&
    typeof (value as unknown as { code?: unknown }).code === "string" &&
    codes.has((value as unknown as { code: string }).code)
  );
}
