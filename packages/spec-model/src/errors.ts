/** What went wrong in a spec-model operation. */
export type SpecModelErrorCode =
  | "invalid-address"
  | "invalid-uuid"
  | "invalid-name"
  | "unmappable-party-type"
  | "invalid-key"
  | "invalid-encoding";

const errorName = "SpecModelError";

/** The one error type of @p8e/spec-model; `code` says what kind of input was refused. */
export class SpecModelError extends Error {
  override readonly name = errorName;
  readonly code: SpecModelErrorCode;

  constructor(code: SpecModelErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }

  /** Recognises a SpecModelError from any copy of this package. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return isSpecModelError(value);
  }
}

/** True when `value` is a SpecModelError, even one thrown by another copy of this package. */
export function isSpecModelError(value: unknown): value is SpecModelError {
  return value instanceof Error && value.name === errorName && typeof (value as { code?: unknown }).code === "string";
}
