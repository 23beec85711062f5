import { Code, ConnectError } from "@connectrpc/connect";

/** What went wrong inside the object store, each kind mapping to one gRPC code. */
export type EosServerErrorCode =
  | "invalid-argument"
  | "unauthenticated"
  | "permission-denied"
  | "not-found"
  | "resource-exhausted"
  | "unavailable"
  | "invalid-config"
  | "storage-failure";

const errorName = "EosServerError";

/** The one error type of @p8e/eos-server; `code` says what kind of failure it is. */
export class EosServerError extends Error {
  override readonly name = errorName;
  readonly code: EosServerErrorCode;

  constructor(code: EosServerErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }

  /** Recognises an EosServerError from any copy of this package. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return isEosServerError(value);
  }

  /** Returns `reason` if it is an EosServerError, else wraps it as a "storage-failure" keeping it as `cause`. */
  static from(reason: unknown): EosServerError {
    if (isEosServerError(reason)) return reason;
    const message = reason instanceof Error ? reason.message : String(reason);
    return new EosServerError("storage-failure", message, { cause: reason });
  }
}

/** True when `value` is an EosServerError, even one thrown by another copy of this package. */
export function isEosServerError(value: unknown): value is EosServerError {
  return value instanceof Error && value.name === errorName && typeof (value as { code?: unknown }).code === "string";
}

const toCode: Record<EosServerErrorCode, Code> = {
  "invalid-argument": Code.InvalidArgument,
  unauthenticated: Code.Unauthenticated,
  "permission-denied": Code.PermissionDenied,
  "not-found": Code.NotFound,
  "resource-exhausted": Code.ResourceExhausted,
  unavailable: Code.Unavailable,
  "invalid-config": Code.FailedPrecondition,
  "storage-failure": Code.Internal,
};

/**
 * The ConnectError a handler throws for any failure: EosServerErrors keep their code and message,
 * ConnectErrors pass through, anything else becomes INTERNAL without leaking its message.
 */
export function toConnectError(reason: unknown): ConnectError {
  if (reason instanceof ConnectError) return reason;
  if (isEosServerError(reason))
    return new ConnectError(reason.message, toCode[reason.code], undefined, undefined, reason);
  return new ConnectError("internal error in the object store", Code.Internal, undefined, undefined, reason);
}

/** Shorthand for throwing an INVALID_ARGUMENT EosServerError. */
export function invalid(message: string): EosServerError {
  return new EosServerError("invalid-argument", message);
}
