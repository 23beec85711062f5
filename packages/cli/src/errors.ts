/** What went wrong in a p8e command: `usage` (exit 2) or `failed` (exit 1). */
export type CliErrorCode = "usage" | "failed";

/** The one error type of @p8e/cli; its message says what to do next. */
export class CliError extends Error {
  override readonly name = "CliError";
  readonly code: CliErrorCode;

  constructor(code: CliErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }

  /** The process exit code: 2 for usage, 1 for a failure. */
  get exitCode(): number {
    return this.code === "usage" ? 2 : 1;
  }
}

/** Whether `value` is a CliError. */
export function isCliError(value: unknown): value is CliError {
  return value instanceof Error && value.name === "CliError" && "code" in value;
}
