/**
 * The P8e contract engine: packages sessions into envelopes, runs contract bundles in a sandbox
 * (QuickJS compiled to WebAssembly, with deterministic fuel, memory, stack and time limits), signs
 * the results, and reads scopes back: hydrate, history and verify.
 * @module
 */

export type { StoredContract } from "./contracts/contract-store.js";
export { createEngine, type Engine, type EngineOptions } from "./engine.js";
export { EngineError, type EngineErrorCode, isEngineError } from "./errors.js";
export type { ExecuteOptions } from "./execution/execute.js";
export type { ExecutionFailure, ExecutionResult, FunctionOutcome } from "./execution/execution-result.js";
export type {
  AnswerRecord,
  EnvelopeFilter,
  EnvelopeRecord,
  EnvelopeSide,
  EnvelopeStatus,
  EnvelopeStore,
} from "./flow/envelope-store.js";
export { envelopeStatuses } from "./flow/envelope-store.js";
export {
  type ApprovalDecision,
  type ApprovalPolicy,
  type ApprovalRequest,
  createParty,
  type EnvelopeState,
  type Party,
  type PartyOptions,
} from "./flow/party.js";
export { createSqliteEnvelopeStore, type SqliteEnvelopeStoreOptions } from "./flow/sqlite-envelope-store.js";
export type { Participant, PartyKeys } from "./parties.js";
export { defaultSandboxLimits, type SandboxLimits, sandboxLimits } from "./sandbox/limits.js";
export {
  type ContractCode,
  type ContractSandbox,
  createSandbox,
  type SandboxLimit,
  type SandboxOptions,
  type SandboxRun,
} from "./sandbox/sandbox.js";
export type { HistoryOptions, RecordVersion } from "./scope/history.js";
export type { HydratedRecord, HydratedScope } from "./scope/hydrate.js";
export type { RecordVerification, SessionVerification, VerifyReport } from "./scope/verify.js";
export { input, type ProposedInput, type SessionOptions } from "./session/session-options.js";
