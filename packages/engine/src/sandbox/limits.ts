import { EngineError } from "../errors.js";

/** What one contract execution may use. Every limit ends the execution in FAIL, naming the limit. */
export interface SandboxLimits {
  /**
   * CPU, in fuel ticks: QuickJS asks the host whether to stop every 10,000 interpreter steps
   * (function calls and backward jumps), and each ask is one tick. The count is the same for the
   * same code and inputs on every machine, so every party reaches the same verdict.
   */
  readonly fuel: number;
  /** Heap memory of the contract's QuickJS runtime, in bytes. */
  readonly memoryBytes: number;
  /** Native stack of the QuickJS interpreter, in bytes. */
  readonly stackBytes: number;
  /** A wall-clock deadline, in ms, in case fuel is not consumed (it only backs fuel up; parties may differ here). */
  readonly wallClockMs: number;
  /** The largest encoded output one function may return, in bytes. */
  readonly maxOutputBytes: number;
}

/** The defaults: about a few seconds of CPU, 64 MiB heap, 1 MiB stack, 30 s wall clock, 4 MiB per output. */
export const defaultSandboxLimits: SandboxLimits = Object.freeze({
  fuel: 20_000,
  memoryBytes: 64 * 1024 * 1024,
  stackBytes: 1024 * 1024,
  wallClockMs: 30_000,
  maxOutputBytes: 4 * 1024 * 1024,
});

const minimums: SandboxLimits = {
  fuel: 100,
  memoryBytes: 4 * 1024 * 1024,
  stackBytes: 64 * 1024,
  wallClockMs: 100,
  maxOutputBytes: 1024,
};

/**
 * The defaults with `overrides` laid over them.
 * @throws {EngineError} code "invalid-argument" for a limit that is not an integer or is below the minimum the runtime itself needs.
 */
export function sandboxLimits(overrides: Partial<SandboxLimits> = {}): SandboxLimits {
  const limits = { ...defaultSandboxLimits, ...overrides };
  for (const key of Object.keys(minimums) as (keyof SandboxLimits)[]) {
    const value = limits[key];
    if (!Number.isSafeInteger(value) || value < minimums[key]) {
      throw new EngineError(
        "invalid-argument",
        `sandbox limit ${key} must be an integer of at least ${minimums[key]}, got ${value}`,
      );
    }
  }
  return Object.freeze(limits);
}
