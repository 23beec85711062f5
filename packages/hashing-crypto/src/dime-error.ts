/**
 * The single error type of the DIME modules, with a closed set of codes.
 * @module
 */

/**
 * What went wrong with a DIME:
 * - `malformed`: bytes do not follow the container, JSON or protobuf layout;
 * - `unsupported-version`: a container version or header-MAC version this code does not know;
 * - `truncated`: the stream ended early;
 * - `too-large`: the header is larger than the configured maximum;
 * - `not-in-audience`: the reader's key has no audience entry;
 * - `bad-key-tag`: the audience key-confirmation tag or the wrapped DEK did not check out;
 * - `bad-header-mac`: the cleartext header was altered (header MAC extension);
 * - `bad-tag`: the payload's AES-GCM tag did not check out;
 * - `bad-signature`: the signature is missing, malformed, from another key or does not verify;
 * - `hash-mismatch`: the plaintext hash differs from the expected hash.
 */
export type DimeErrorCode =
  | "malformed"
  | "unsupported-version"
  | "truncated"
  | "too-large"
  | "not-in-audience"
  | "bad-key-tag"
  | "bad-header-mac"
  | "bad-tag"
  | "bad-signature"
  | "hash-mismatch";

const DIME_ERROR_CODES: ReadonlySet<string> = new Set<DimeErrorCode>([
  "malformed",
  "unsupported-version",
  "truncated",
  "too-large",
  "not-in-audience",
  "bad-key-tag",
  "bad-header-mac",
  "bad-tag",
  "bad-signature",
  "hash-mismatch",
]);

/** The error every DIME parse, decrypt and verify failure is reported as; `code` says which check failed. */
export class DimeError extends Error {
  override readonly name = "DimeError";
  /** Which DIME check failed. */
  readonly code: DimeErrorCode;
  /** The message without the `[code]` prefix. */
  readonly rawMessage: string;

  constructor(code: DimeErrorCode, message: string, options?: { cause?: unknown }) {
    super(`[${code}] ${message}`, options);
    this.code = code;
    this.rawMessage = message;
  }

  /**
   * Turns any thrown value into a DimeError, returning DimeErrors unchanged and keeping others as `cause`.
   * @example
   * catch (e) { throw DimeError.from(e, "malformed"); }
   */
  static from(reason: unknown, code: DimeErrorCode = "malformed"): DimeError {
    if (isDimeError(reason)) return reason;
    const message = reason instanceof Error ? reason.message : String(reason);
    return new DimeError(code, message, { cause: reason });
  }

  /** Recognises DimeErrors from any copy of this package. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return isDimeError(value);
  }
}

/** Whether `value` is a {@link DimeError} (also across duplicate copies of this package). */
export function isDimeError(value: unknown): value is DimeError {
  return (
    value instanceof Error &&
    value.name === "DimeError" &&
    typeof (value as unknown as { code?: unknown }).code === "string" &&
    DIME_ERROR_CODES.has((value as unknown as { code: string }).code)
  );
}
