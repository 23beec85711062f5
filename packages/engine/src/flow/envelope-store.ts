// The durable state of every envelope a party takes part in, behind an interface so that a
// PostgreSQL implementation can follow the embedded SQLite one.

/** Upstream's envelope statuses (legacy p8e's EnvelopeStateEngine), in the order a flow passes them. */
export const envelopeStatuses = [
  "CREATED",
  "FRAGMENT",
  "INBOX",
  "EXECUTED",
  "OUTBOX",
  "SIGNED",
  "CHAINCODE",
  "COMPLETE",
  "ERROR",
] as const;

/**
 * Where an envelope stands:
 * - invoker: CREATED (packaged) → FRAGMENT (executed, request mailed, answers awaited) → SIGNED
 *   (every party signed) → CHAINCODE (being memorialized) → COMPLETE (on chain);
 * - counterparty: INBOX (request received, awaiting approval) → EXECUTED (re-executed, signed,
 *   grants broadcast) → OUTBOX (answer mailed) → COMPLETE (when the invoker's write is seen);
 * - either: ERROR, with the EnvelopeError type and message.
 */
export type EnvelopeStatus = (typeof envelopeStatuses)[number];

/** Statuses an envelope does not leave. */
export const terminalStatuses: readonly EnvelopeStatus[] = ["COMPLETE", "ERROR"];

/** The side of the flow this party is on. */
export type EnvelopeSide = "invoker" | "counterparty";

/** One envelope's state, as stored. */
export interface EnvelopeRecord {
  readonly executionUuid: string;
  readonly side: EnvelopeSide;
  readonly status: EnvelopeStatus;
  readonly scopeUuid: string;
  readonly sessionUuid: string;
  /** The contract's full name. */
  readonly contract: string;
  /** The pre-execution envelope (what a request carries). */
  readonly input: Uint8Array;
  /** The executed envelope with the signatures gathered so far. */
  readonly result: Uint8Array | undefined;
  /** The invoker's encryption key (where a counterparty answers). */
  readonly invokerKey: Uint8Array;
  /** When the execution expires. */
  readonly expiresAt: Date | undefined;
  /** Why it ended in ERROR: upstream's EnvelopeError type name and a message. */
  readonly error: { readonly type: string; readonly message: string } | undefined;
  /** When it entered each status. */
  readonly times: Readonly<Partial<Record<EnvelopeStatus, Date>>>;
  /** Hashes of the chain transactions it sent (grants, memorialization). */
  readonly txHashes: readonly string[];
}

/** An answer the invoker received: merged, or refused with the reason. */
export interface AnswerRecord {
  readonly executionUuid: string;
  readonly receivedAt: Date;
  /** The address whose signature the answer carried, when it named one. */
  readonly signer: string | undefined;
  readonly accepted: boolean;
  readonly reason: string;
}

/** What list() selects; every field narrows. */
export interface EnvelopeFilter {
  readonly status?: EnvelopeStatus | readonly EnvelopeStatus[];
  readonly scopeUuid?: string;
  readonly side?: EnvelopeSide;
}

/** Durable envelope state. Every write is atomic. */
export interface EnvelopeStore {
  get(executionUuid: string): Promise<EnvelopeRecord | undefined>;
  /**
   * Inserts or replaces the record of its execution; with `answer`, records that answer in the
   * same write (both or neither).
   */
  put(record: EnvelopeRecord, options?: { readonly answer?: AnswerRecord }): Promise<void>;
  list(filter?: EnvelopeFilter): Promise<EnvelopeRecord[]>;
  /** Records an answer the invoker received. */
  addAnswer(answer: AnswerRecord): Promise<void>;
  answers(executionUuid: string): Promise<AnswerRecord[]>;
  close(): Promise<void>;
}
