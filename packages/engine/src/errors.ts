/**
 * What went wrong in the engine:
 * - `invalid-argument`: an option or argument the caller gave is unusable.
 * - `invalid-session`: a session cannot be packaged: an unknown or mistyped input, a role the spec
 *   lacks, an input for another role's function, an existing scope that is not readable.
 * - `invalid-envelope`: an envelope lacks something execution needs, or is not this engine's to run.
 * - `not-found`: a spec, bundle, input or record is not in the object store (or not readable by us).
 * - `hash-mismatch`: what the store returned does not hash to what the envelope names
 *   (bundle versus the spec's code hash, spec versus the contract's reference).
 * - `spec-mismatch`: the bundle's own decorators do not dehydrate to the spec it is loaded for, or
 *   the contract does not satisfy the spec (roles, required records).
 * - `store-failed`: the object store refused or failed a call.
 * - `chain-failed`: a chain query failed.
 */
export type EngineErrorCode =
  | "invalid-argument"
  | "invalid-session"
  | "invalid-envelope"
  | "not-found"
  | "hash-mismatch"
  | "spec-mismatch"
  | "store-failed"
  | "chain-failed";

const errorName = "EngineError";

/** The one error type of @p8e/engine; `code` says what kind of failure it is. */
export class EngineError extends Error {
  override readonly name = errorName;
  readonly code: EngineErrorCode;

  constructor(code: EngineErrorCode, message: string, options: { readonly cause?: unknown } = {}) {
    super(message, options.cause === undefined ? {} : { cause: options.cause });
    this.code = code;
  }

  /** Turns any caught value into an EngineError, keeping an EngineError as it is and anything else as `cause`. */
  static from(reason: unknown, code: EngineErrorCode): EngineError {
    if (isEngineError(reason)) return reason;
    return new EngineError(code, reason instanceof Error ? reason.message : String(reason), { cause: reason });
  }
}

/** True for an EngineError, also one from another copy of this package. */
export function isEngineError(value: unknown): value is EngineError {
  return value instanceof Error && value.name === errorName && typeof (value as { code?: unknown }).code === "string";
}
