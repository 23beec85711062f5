// Structured logs with pino, and the adapter that lets packages with their own small Logger
// interface (the object store's) write into the same stream.
import type { Logger as EosLogger } from "@p8e/eos-server";
import { type DestinationStream, type Logger, type LoggerOptions, pino } from "pino";

export type { Logger } from "pino";

/** The environment's root logger: JSON lines on stderr (or `destination`), at `level`. */
export function createLogger(level: LoggerOptions["level"] = "info", destination?: DestinationStream): Logger {
  const options: LoggerOptions = {
    level: level ?? "info",
    base: { app: "p8e-node-env" },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  };
  return destination === undefined ? pino(options, pino.destination(2)) : pino(options, destination);
}

/** An object-store Logger writing to `logger` as the component `component`: `{event, ...fields}`. */
export function componentLogger(logger: Logger, component: string): EosLogger {
  const child = logger.child({ component });
  return {
    debug: (event, fields) => child.debug({ event, ...fields }, event),
    info: (event, fields) => child.info({ event, ...fields }, event),
    warn: (event, fields) => child.warn({ event, ...fields }, event),
    error: (event, fields) => child.error({ event, ...fields }, event),
  };
}
