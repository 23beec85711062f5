import { isEosError } from "@p8e/eos-client";
import { EngineError } from "./errors.js";

/**
 * An EngineError for a failed object-store call: "not-found" when the store has no such object for
 * us, "hash-mismatch" when what it served does not verify, "store-failed" otherwise.
 */
export function storeError(what: string, cause: unknown): EngineError {
  if (cause instanceof EngineError) return cause;
  const message = cause instanceof Error ? cause.message : String(cause);
  if (isEosError(cause) && (cause.code === "not-found" || cause.code === "permission-denied")) {
    return new EngineError("not-found", `${what}: ${message}`, { cause });
  }
  // The store served bytes that do not hash to what was asked for, or are not signed right.
  if (isEosError(cause) && cause.code === "verification-failed") {
    return new EngineError("hash-mismatch", `${what}: ${message}`, { cause });
  }
  return new EngineError("store-failed", `${what}: ${message}`, { cause });
}
