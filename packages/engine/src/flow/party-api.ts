// What a party offers the application: its envelopes' states, the policy it asks, its operations.
import type { EosClient } from "@p8e/eos-client";
import type { Memorializer } from "@p8e/memorializer";
import type { Envelope } from "@p8e/spec-model";
import type { Engine } from "../engine.js";
import type { SessionOptions } from "../session/session-options.js";
import type { AnswerRecord, EnvelopeFilter, EnvelopeRecord, EnvelopeStore } from "./envelope-store.js";

/** An envelope's state as the application sees it. */
export interface EnvelopeState extends Omit<EnvelopeRecord, "input" | "result"> {
  /** The scope's address. */
  readonly scope: string;
  /** The pre-execution envelope. */
  readonly input: Envelope;
  /** The executed envelope with the signatures gathered so far. */
  readonly result: Envelope | undefined;
}

/** What a counterparty's policy is asked about. */
export interface ApprovalRequest {
  readonly executionUuid: string;
  /** The contract's full name. */
  readonly contract: string;
  readonly scope: string;
  /** The invoker's account address. */
  readonly invoker: string;
  /** The request: the pre-execution envelope, with the proposed inputs' hashes. */
  readonly envelope: Envelope;
}

/** The policy's answer: approve now, keep for a later approve()/reject(), or reject with a reason. */
export type ApprovalDecision = "approve" | "hold" | { readonly reject: string };

/** Decides a counterparty's requests. */
export type ApprovalPolicy = (request: ApprovalRequest) => ApprovalDecision | Promise<ApprovalDecision>;

/** Options of createParty(). */
export interface PartyOptions {
  readonly engine: Engine;
  /** The party's object-store client (the engine's), for its mailbox. */
  readonly eos: EosClient;
  /** The party's memorializer: it writes the invoker's envelopes and broadcasts a counterparty's grants. */
  readonly memorializer: Memorializer;
  readonly store: EnvelopeStore;
  /** How requests are decided; "hold" (wait for approve() or reject()) unless told. */
  readonly policy?: ApprovalPolicy;
  /** How long a counterparty's authz grants to the invoker last; one hour unless told. */
  readonly grantLifetimeMs?: number;
  /**
   * How long a counterparty keeps retrying a request whose contract or inputs are not in its object
   * store yet (they may still be replicating, behind a request delivered straight to its store),
   * in ms, before it refuses the request; 5000 unless told.
   */
  readonly objectWaitMs?: number;
  /** How often expiry and the chain are looked at for unfinished envelopes, in ms; 1000 unless told. */
  readonly sweepIntervalMs?: number;
  /** Reports failures of background work (mail handling, sweeps); they are retried. */
  readonly onError?: (error: Error, context: string) => void;
  readonly now?: () => Date;
}

/** A party in multi-party executions: its envelopes, its mailbox, its decisions. */
export interface Party {
  /** Resumes unfinished envelopes, subscribes to the mailbox and starts the sweeps; resolves once subscribed. */
  start(): Promise<void>;
  /**
   * Packages and executes a session. Signed at once (one party): memorialized before this returns.
   * Otherwise the request is mailed and the state is FRAGMENT; watch() follows it.
   */
  invoke(session: SessionOptions): Promise<EnvelopeState>;
  /**
   * Approves a request held in INBOX: re-execute, sign, grant, answer. When its inputs are not in
   * this party's store yet, it stays INBOX and the approval is retried while they replicate.
   */
  approve(executionUuid: string): Promise<EnvelopeState>;
  /** Rejects a request (counterparty) or ends one's own execution (invoker); mailed to the other parties. */
  reject(executionUuid: string, message: string): Promise<EnvelopeState>;
  /** Cancels one's own execution; only the invoker can. */
  cancel(executionUuid: string, message?: string): Promise<EnvelopeState>;
  get(executionUuid: string): Promise<EnvelopeState | undefined>;
  list(filter?: EnvelopeFilter): Promise<EnvelopeState[]>;
  /** The answers the invoker received for an execution: merged or refused, with the reason. */
  answers(executionUuid: string): Promise<AnswerRecord[]>;
  /** State changes from now on, of one execution or all, until `signal` aborts or the party closes. */
  watch(options?: { readonly executionUuid?: string; readonly signal?: AbortSignal }): AsyncIterable<EnvelopeState>;
  /** Stops the mailbox and the sweeps; the store stays open (its owner closes it). */
  close(): Promise<void>;
}
