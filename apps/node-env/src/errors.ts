/** What went wrong in a node environment, as a closed set. */
export type NodeEnvErrorCode =
  | "invalid-config"
  | "keystore"
  | "wrong-passphrase"
  | "data-dir"
  | "port-in-use"
  | "chain-unreachable"
  | "startup"
  | "closed";

/** The one error type of @p8e/node-env; its message says what to do next. */
export class NodeEnvError extends Error {
  override readonly name = "NodeEnvError";
  readonly code: NodeEnvErrorCode;

  constructor(code: NodeEnvErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }

  /** Wraps anything thrown as a NodeEnvError with `code`, keeping it as the cause. */
  static from(cause: unknown, code: NodeEnvErrorCode = "startup"): NodeEnvError {
    if (isNodeEnvError(cause)) return cause;
    const message = cause instanceof Error ? cause.message : String(cause);
    return new NodeEnvError(code, message, { cause });
  }
}

/** Whether `value` is a NodeEnvError (also from another copy of this package). */
export function isNodeEnvError(value: unknown): value is NodeEnvError {
  return value instanceof Error && value.name === "NodeEnvError" && "code" in value;
}
