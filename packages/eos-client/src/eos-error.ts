import { Code, ConnectError } from "@connectrpc/connect";
import { isDimeError } from "@p8e/hashing-crypto";

/** What went wrong in an object-store call; one value per gRPC code that matters, plus client-side checks. */
export type EosErrorCode =
  | "invalid-argument"
  | "unauthenticated"
  | "permission-denied"
  | "not-found"
  | "already-exists"
  | "resource-exhausted"
  | "failed-precondition"
  | "unavailable"
  | "deadline-exceeded"
  | "canceled"
  | "unimplemented"
  | "internal"
  | "unknown"
  /** The object decrypted but its hash, signature or GCM tag did not check out, or it is not for this key. */
  | "verification-failed"
  /** The server answered with a stream this client cannot read. */
  | "protocol-violation";

const errorName = "EosError";

const fromCode: Partial<Record<Code, EosErrorCode>> = {
  [Code.Canceled]: "canceled",
  [Code.InvalidArgument]: "invalid-argument",
  [Code.DeadlineExceeded]: "deadline-exceeded",
  [Code.NotFound]: "not-found",
  [Code.AlreadyExists]: "already-exists",
  [Code.PermissionDenied]: "permission-denied",
  [Code.ResourceExhausted]: "resource-exhausted",
  [Code.FailedPrecondition]: "failed-precondition",
  [Code.Unimplemented]: "unimplemented",
  [Code.Internal]: "internal",
  [Code.Unavailable]: "unavailable",
  [Code.Unauthenticated]: "unauthenticated",
};

/** The one error type of @p8e/eos-client: `code` says what failed, `grpcCode` carries the server's status when there was one. */
export class EosError extends Error {
  override readonly name = errorName;
  readonly code: EosErrorCode;
  /** The gRPC status code the server (or transport) reported, if the failure came from a call. */
  readonly grpcCode: Code | undefined;

  constructor(code: EosErrorCode, message: string, options?: { cause?: unknown; grpcCode?: Code }) {
    super(message, options);
    this.code = code;
    this.grpcCode = options?.grpcCode;
  }

  /** Recognises an EosError from any copy of this package. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return isEosError(value);
  }

  /** Turns anything thrown by a call into an EosError, keeping the original as `cause`. */
  static from(reason: unknown): EosError {
    if (isEosError(reason)) return reason;
    if (reason instanceof ConnectError) {
      return new EosError(fromCode[reason.code] ?? "unknown", reason.rawMessage, {
        cause: reason,
        grpcCode: reason.code,
      });
    }
    if (isDimeError(reason)) {
      const code =
        reason.code === "malformed" || reason.code === "truncated" || reason.code === "unsupported-version"
          ? "protocol-violation"
          : "verification-failed";
      return new EosError(code, reason.message, { cause: reason });
    }
    if (reason instanceof Error && reason.name === "AbortError")
      return new EosError("canceled", reason.message, { cause: reason });
    const message = reason instanceof Error ? reason.message : String(reason);
    return new EosError("unknown", message, { cause: reason });
  }
}

/** True when `value` is an EosError, even one thrown by another copy of this package. */
export function isEosError(value: unknown): value is EosError {
  return value instanceof Error && value.name === errorName && typeof (value as { code?: unknown }).code === "string";
}
