import type { Envelope } from "@p8e/spec-model";
import type { SandboxLimit } from "../sandbox/sandbox.js";

/** What became of one function of the contract. */
export interface FunctionOutcome {
  /** The function's name. */
  readonly function: string;
  /** PASS (it ran and returned its record), SKIP (it did not run) or FAIL (it threw or hit a limit). */
  readonly result: "PASS" | "SKIP" | "FAIL";
  /** Why it was skipped or failed. */
  readonly reason?: string;
  /** The record it produced: its name, the base64 SHA-256 of its encoding, and its message type. */
  readonly output?: { readonly name: string; readonly hash: string; readonly typeName: string };
}

/** Why an execution failed: the function and its reason, with the limit when one ended it. */
export interface ExecutionFailure {
  readonly function: string;
  readonly reason: string;
  readonly limit?: SandboxLimit;
}

interface ResultCommon {
  /** The executed envelope: every function's result set and, unless it failed, this party's signature added. */
  readonly envelope: Envelope;
  /** Every function's outcome, in the spec's order. */
  readonly outcomes: readonly FunctionOutcome[];
  /** Sandbox fuel used, in ticks. */
  readonly fuelUsed: number;
  /** The hash of the sandbox runtime the contract ran with. */
  readonly runtimeHash: string;
}

/**
 * The result of an execution:
 * - "signed": every recital and scope owner has signed; `envelope` is ready to memorialize, and is
 *   stored in the object store under `envelopeHash` (the hash the chain session's context names);
 * - "needs-signatures": other parties must execute and sign too (the multi-party flow); `missing`
 *   lists their addresses;
 * - "failed": a function failed; nothing may be memorialized.
 */
export type ExecutionResult =
  | (ResultCommon & { readonly status: "signed"; readonly envelopeHash: string })
  | (ResultCommon & { readonly status: "needs-signatures"; readonly missing: readonly string[] })
  | (ResultCommon & { readonly status: "failed"; readonly failure: ExecutionFailure });
