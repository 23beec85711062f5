// The contract sandbox: what the engine asks of it, and the default, QuickJS on worker threads.
import type { SandboxCall, SandboxResult } from "@p8e/spec-model/engine";
import type { SandboxLimits } from "./limits.js";
import { createInlineSandbox } from "./quickjs-sandbox.js";
import { createThreadedSandbox } from "./threaded-sandbox.js";

/** A contract bundle: its ESM code and the base64 SHA-256 it is addressed by. */
export interface ContractCode {
  readonly code: Uint8Array;
  readonly hash: string;
}

/** Which limit ended a run. */
export type SandboxLimit = "fuel" | "memory" | "stack" | "time";

/** What one sandbox run produced. */
export interface SandboxRun {
  /** The contract's answer; absent when a limit or a load failure ended the run first. */
  readonly result?: SandboxResult;
  /** Why the run ended without an answer: a limit, or the bundle failing to load. */
  readonly failure?: { readonly limit?: SandboxLimit; readonly message: string };
  /** The limit that ended the run, if one did (also when it is reported as a function's failure). */
  readonly limit?: SandboxLimit;
  /** Fuel used, in interrupt ticks (each about 10,000 QuickJS interpreter steps). */
  readonly fuelUsed: number;
}

/** The contract sandbox. */
export interface ContractSandbox {
  /** The base64 SHA-256 of the runtime bundle every contract runs with; reported with each execution. */
  readonly runtimeHash: string;
  /** The limits every run gets. */
  readonly limits: SandboxLimits;
  /** The canonical ContractSpec bytes the bundle's own decorators dehydrate to. */
  describe(bundle: ContractCode, contractName: string): Promise<Uint8Array>;
  /**
   * Runs a call in a fresh context: instantiate the contract, then run the functions in order until
   * one fails. A limit reached inside a function is that function's failure, naming the limit.
   */
  run(bundle: ContractCode, call: SandboxCall): Promise<SandboxRun>;
  /** Stops the sandbox's worker threads; runs in progress fail. */
  close(): void;
}

/** Options of createSandbox(): the limits, and how many worker threads run contracts. */
export interface SandboxOptions extends Partial<SandboxLimits> {
  /**
   * Worker threads running contracts, 1 unless told. Off the engine's thread, a contract never
   * stalls the host, and a run past its wall-clock limit is ended by stopping its thread, even
   * inside a native call that fuel does not see. 0 runs contracts on the calling thread.
   */
  readonly threads?: number;
}

/** Creates the contract sandbox: fresh QuickJS per execution, no I/O, fuel, memory, stack and time limits. */
export function createSandbox(options: SandboxOptions = {}): ContractSandbox {
  const { threads = 1, ...limits } = options;
  return threads === 0 ? createInlineSandbox(limits) : createThreadedSandbox(limits, threads);
}
