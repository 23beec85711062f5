/** How important a log line is; lines below the logger's level are dropped. */
export type LogLevel = "debug" | "info" | "warn" | "error";

/** Structured fields attached to one log line. */
export type LogFields = Readonly<Record<string, unknown>>;

/** The structured logger the server writes to: one event name plus fields per line. */
export interface Logger {
  debug(event: string, fields?: LogFields): void;
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
}

/** Options of {@link createJsonLogger}. */
export interface JsonLoggerOptions {
  /** The lowest level written; default "info". */
  readonly level?: LogLevel;
  /** Where each JSON line goes (without its newline); default process.stderr. */
  readonly write?: (line: string) => void;
  /** Fields added to every line, such as the server's name. */
  readonly base?: LogFields;
}

const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** A logger that writes one JSON object per line: `{"time","level","event",...fields}`. */
export function createJsonLogger(options: JsonLoggerOptions = {}): Logger {
  const min = rank[options.level ?? "info"];
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const base = options.base ?? {};
  const log = (level: LogLevel, event: string, fields: LogFields = {}) => {
    if (rank[level] < min) return;
    write(JSON.stringify({ time: new Date().toISOString(), level, event, ...base, ...fields }, jsonSafe));
  };
  return {
    debug: (event, fields) => log("debug", event, fields),
    info: (event, fields) => log("info", event, fields),
    warn: (event, fields) => log("warn", event, fields),
    error: (event, fields) => log("error", event, fields),
  };
}

/** A logger that drops everything, for tests and embedding. */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

function jsonSafe(_key: string, value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString("base64");
  if (value instanceof Error) return { name: value.name, message: value.message };
  return value;
}
