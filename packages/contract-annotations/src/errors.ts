/**
 * What went wrong. Contract checks use the first group, scope specifications the second,
 * chain derivation the third and bundling the fourth.
 */
export type ContractAnnotationsErrorCode =
  // contract declarations
  | "not-a-contract"
  | "no-participants"
  | "invalid-participant"
  | "no-scope-specification"
  | "invoker-not-participant"
  | "duplicate-record"
  | "duplicate-input"
  | "undecorated-parameter"
  | "misplaced-decorator"
  | "duplicate-decorator"
  | "invalid-schema"
  | "missing-function"
  | "missing-output"
  | "record-type-mismatch"
  | "unknown-record"
  | "invalid-name"
  | "invalid-output"
  | "no-execution-time"
  // scope specifications and cross-checks
  | "not-a-scope-specification"
  | "invalid-scope-specification"
  | "undefined-scope-specification"
  | "duplicate-scope-specification"
  // chain derivation
  | "invalid-bundle-hash"
  | "invalid-contract-spec"
  | "invalid-address"
  // bundling
  | "forbidden-import"
  | "bundle-failed"
  | "unknown";

/** One problem found by a check, with where it was found. */
export interface ContractIssue {
  readonly code: ContractAnnotationsErrorCode;
  /** A sentence naming the class, member and parameter concerned. */
  readonly message: string;
}

const errorName = "ContractAnnotationsError";

/**
 * The one error type of @p8e/contract-annotations. When a check finds several problems,
 * `issues` lists them all, `code` is the first one's and the message joins them.
 */
export class ContractAnnotationsError extends Error {
  override readonly name = errorName;
  readonly code: ContractAnnotationsErrorCode;
  readonly issues: readonly ContractIssue[];

  constructor(
    code: ContractAnnotationsErrorCode,
    message: string,
    options?: { cause?: unknown; issues?: readonly ContractIssue[] },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.issues = options?.issues ?? [{ code, message }];
  }

  /** One error reporting every issue in `issues` (which must not be empty). */
  static fromIssues(issues: readonly ContractIssue[]): ContractAnnotationsError {
    const first = issues[0];
    if (first === undefined) throw new TypeError("fromIssues needs at least one issue");
    const message =
      issues.length === 1
        ? first.message
        : `${issues.length} problems:\n${issues.map((i) => `  - ${i.message}`).join("\n")}`;
    return new ContractAnnotationsError(first.code, message, { issues });
  }

  /** Turns any caught value into a ContractAnnotationsError, keeping the original as `cause`. */
  static from(reason: unknown, code: ContractAnnotationsErrorCode = "unknown"): ContractAnnotationsError {
    if (isContractAnnotationsError(reason)) return reason;
    const message = reason instanceof Error ? reason.message : String(reason);
    return new ContractAnnotationsError(code, message, { cause: reason });
  }

  /** Recognises a ContractAnnotationsError from any copy of this package. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return isContractAnnotationsError(value);
  }
}

/** True when `value` is a ContractAnnotationsError, even one thrown by another copy of this package. */
export function isContractAnnotationsError(value: unknown): value is ContractAnnotationsError {
  return value instanceof Error && value.name === errorName && typeof (value as { code?: unknown }).code === "string";
}
