// A party's side of multi-party execution (reference §4.4): the invoker mails the pre-execution
// envelope as FRAGMENT_REQUEST through the object store; each counterparty checks it, asks the
// application's policy, re-executes, signs, grants the invoker the chain writes it needs and
// answers FRAGMENT_RESPONSE; the invoker merges an answer only if its contract bytes equal its own
// and every signature in it verifies against an awaited party's key, then memorializes. Every
// step is written to the envelope store before the mail that caused it is acknowledged. The two
// sides are in invoker.ts and counterparty.ts; here are the mailbox, resuming, the sweeps and the API.
import { fromBinary } from "@bufbuild/protobuf";
import type { ReceivedMail } from "@p8e/eos-client";
import { EnvelopeErrorSchema, MetadataAddress } from "@p8e/spec-model";
import { EngineError } from "../errors.js";
import { sameKey } from "../parties.js";
import { createCounterparty } from "./counterparty.js";
import { type EnvelopeRecord, terminalStatuses } from "./envelope-store.js";
import { createFlowContext, errorTypeName, errorTypes } from "./flow-context.js";
import { createInvoker } from "./invoker.js";
import type { EnvelopeState, Party, PartyOptions } from "./party-api.js";
import { EventChannel, KeyedQueue } from "./state-events.js";

export type {
  ApprovalDecision,
  ApprovalPolicy,
  ApprovalRequest,
  EnvelopeState,
  Party,
  PartyOptions,
} from "./party-api.js";

/** How often a counterparty looks on chain for an answered envelope the invoker has not written yet. */
const CHAIN_CHECK_INTERVAL_MS = 3000;
/** The first and the longest pause before a request whose objects are missing is tried again. */
const OBJECT_RETRY_FIRST_MS = 25;
const OBJECT_RETRY_MAX_MS = 1000;

/** Creates a party over an engine, its store client and memorializer, and an envelope store. */
export function createParty(options: PartyOptions): Party {
  const sweepIntervalMs = options.sweepIntervalMs ?? 1000;
  const report = options.onError ?? (() => undefined);
  const events = new EventChannel<EnvelopeState>();
  const queue = new KeyedQueue();
  const abort = new AbortController();
  let sweep: NodeJS.Timeout | undefined;
  const chainChecks = new Map<string, number>();
  let started: Promise<void> | undefined;

  const objectWaitMs = options.objectWaitMs ?? 5000;
  /** Requests waiting for their objects to reach this party's store, by execution UUID. */
  const waiting = new Map<
    string,
    { readonly until: number; readonly pauseMs: number; readonly timer: NodeJS.Timeout }
  >();

  const ctx = createFlowContext(options, events, queue);
  const { engine, eos, memorializer, store, now, decode, stateOf, save, required, otherParties, fail } = ctx;
  const invoker = createInvoker(ctx);
  const { memorialize, afterExecution, sendRequest, onResponse } = invoker;
  const { onRequest, decide, runApproval } = createCounterparty(ctx, retryWhenStored);

  /**
   * A request delivered straight to this party's store may arrive before the objects it names,
   * which come by replication: its step runs again, after pauses growing from 25 ms to 1 s, until
   * `objectWaitMs` has passed. The mailbox goes on meanwhile; the request stays INBOX.
   */
  function retryWhenStored(record: EnvelopeRecord, step: "decide" | "approve"): boolean {
    const id = record.executionUuid;
    const previous = waiting.get(id);
    const until = previous?.until ?? now().getTime() + objectWaitMs;
    if (abort.signal.aborted || now().getTime() >= until) {
      waiting.delete(id);
      return false;
    }
    const pauseMs =
      previous === undefined ? OBJECT_RETRY_FIRST_MS : Math.min(previous.pauseMs * 2, OBJECT_RETRY_MAX_MS);
    const timer = setTimeout(() => {
      void queue
        .run(id, async () => {
          const current = await store.get(id);
          if (current?.side !== "counterparty" || current.status !== "INBOX") return;
          await (step === "decide" ? decide(current) : runApproval(current));
        })
        .catch((error: unknown) => report(error instanceof Error ? error : new Error(String(error)), `retrying ${id}`))
        .finally(() => {
          // Done unless the step asked again (a new timer).
          if (waiting.get(id)?.timer === timer) waiting.delete(id);
        });
    }, pauseMs);
    timer.unref();
    waiting.set(id, { until, pauseMs, timer });
    return true;
  }

  // --- either side -----------------------------------------------------------------------------

  async function onError(mail: ReceivedMail): Promise<void> {
    let error: ReturnType<typeof fromBinary<typeof EnvelopeErrorSchema>>;
    try {
      error = fromBinary(EnvelopeErrorSchema, mail.plaintext);
    } catch {
      await mail.reject("ERROR_RESPONSE is not an EnvelopeError");
      return;
    }
    const executionUuid = error.envelope?.executionUuid?.value ?? "";
    await queue.run(executionUuid, async () => {
      const record = executionUuid === "" ? undefined : await store.get(executionUuid);
      const fromParty = record !== undefined && otherParties(decode(record.input)).some((k) => sameKey(k, mail.sender));
      if (record !== undefined && fromParty && !terminalStatuses.includes(record.status)) {
        const message = `${error.message} (from ${engine.addressOf(mail.signer ?? mail.sender ?? new Uint8Array())})`;
        await save(record, { status: "ERROR", error: { type: errorTypeName(error.type), message } });
      }
      await mail.ack();
    });
  }

  // --- background ------------------------------------------------------------------------------

  async function handle(mail: ReceivedMail): Promise<void> {
    if (mail.type === "FRAGMENT_REQUEST") return onRequest(mail);
    if (mail.type === "FRAGMENT_RESPONSE") return onResponse(mail);
    if (mail.type === "ERROR_RESPONSE") return onError(mail);
    await mail.reject(`unknown mail type ${JSON.stringify(mail.type)}`);
  }

  async function runMailbox(ready: () => void): Promise<void> {
    for await (const mail of eos.subscribe({ signal: abort.signal, onReady: ready })) {
      // One item at a time, retried a few times; an item that keeps failing stays unacked (it comes
      // again after a reconnect) and never holds up the others.
      for (let attempt = 1; attempt <= 3; attempt++) {
        try {
          await handle(mail);
          break;
        } catch (error) {
          report(
            error instanceof Error ? error : new Error(String(error)),
            `handling ${mail.type} ${mail.uuid} (attempt ${attempt})`,
          );
          if (abort.signal.aborted) return;
          await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
        }
      }
    }
  }

  /** Picks up where a previous run stopped: every envelope not in a final state continues. */
  async function resume(): Promise<void> {
    for (const record of await store.list({
      status: ["CREATED", "FRAGMENT", "INBOX", "EXECUTED", "SIGNED", "CHAINCODE"],
    })) {
      await queue
        .run(record.executionUuid, async () => {
          const current = (await store.get(record.executionUuid))!;
          if (current.side === "invoker") {
            // The request may or may not have gone out before the stop; afterExecution sends it.
            if (current.status === "CREATED")
              await afterExecution(current, await engine.execute(decode(current.input)), false);
            else if (current.status === "FRAGMENT") await sendRequest(current);
            else if (current.status === "SIGNED" || current.status === "CHAINCODE") await memorialize(current);
          } else if (current.status === "INBOX") {
            await decide(current);
          } else if (current.status === "EXECUTED") {
            await runApproval(current);
          }
        })
        .catch((error: unknown) =>
          report(error instanceof Error ? error : new Error(String(error)), `resuming ${record.executionUuid}`),
        );
    }
  }

  /** Expiry, and a counterparty's envelope completing when the invoker's write reaches the chain. */
  async function sweepOnce(): Promise<void> {
    const open = await store.list({ status: ["CREATED", "FRAGMENT", "INBOX", "EXECUTED", "OUTBOX"] });
    for (const record of open) {
      await queue.run(record.executionUuid, async () => {
        const current = (await store.get(record.executionUuid))!;
        if (terminalStatuses.includes(current.status)) return;
        const expired = current.expiresAt !== undefined && current.expiresAt.getTime() <= now().getTime();
        if (expired && current.status !== "OUTBOX") {
          const to = current.side === "invoker" ? otherParties(decode(current.input)) : [current.invokerKey];
          await fail(current, errorTypes.ttl, `the execution expired at ${current.expiresAt!.toISOString()}`, to);
          return;
        }
        if (current.side === "counterparty" && current.status === "OUTBOX") {
          // The chain is asked about an answered envelope at most every few seconds, so that many
          // answered envelopes do not make a query storm.
          const asked = chainChecks.get(current.executionUuid) ?? 0;
          if (!expired && now().getTime() - asked < CHAIN_CHECK_INTERVAL_MS) return;
          chainChecks.set(current.executionUuid, now().getTime());
          const session = await memorializer.query.session(
            MetadataAddress.forSession(current.scopeUuid, current.sessionUuid),
          );
          if (session !== undefined || expired) chainChecks.delete(current.executionUuid);
          if (session !== undefined) await save(current, { status: "COMPLETE" });
          else if (expired)
            await save(current, {
              status: "ERROR",
              error: {
                type: errorTypeName(errorTypes.ttl),
                message: "the invoker did not write the envelope before it expired",
              },
            });
        }
      });
    }
  }

  function scheduleSweep(): void {
    sweep = setTimeout(() => {
      void sweepOnce()
        .catch((error: unknown) =>
          report(error instanceof Error ? error : new Error(String(error)), "sweeping envelopes"),
        )
        .finally(() => {
          if (!abort.signal.aborted) scheduleSweep();
        });
    }, sweepIntervalMs);
    sweep.unref();
  }

  return {
    start() {
      started ??= (async () => {
        await resume();
        await new Promise<void>((resolve, reject) => {
          runMailbox(resolve).catch((error: unknown) => {
            report(error instanceof Error ? error : new Error(String(error)), "the mailbox subscription");
            reject(error);
          });
        });
        scheduleSweep();
      })();
      return started;
    },

    invoke: invoker.invoke,

    async approve(executionUuid) {
      return queue.run(executionUuid, async () => {
        const record = await required(executionUuid);
        if (record.side !== "counterparty" || record.status !== "INBOX") {
          throw new EngineError(
            "invalid-argument",
            `execution ${executionUuid} is ${record.side} ${record.status}, not a request awaiting approval`,
          );
        }
        return stateOf(await runApproval(record));
      });
    },

    async reject(executionUuid, message) {
      return queue.run(executionUuid, async () => {
        const record = await required(executionUuid);
        if (terminalStatuses.includes(record.status)) {
          throw new EngineError("invalid-argument", `execution ${executionUuid} is already ${record.status}`);
        }
        const to = record.side === "invoker" ? otherParties(decode(record.input)) : [record.invokerKey];
        return stateOf(await fail(record, errorTypes.rejected, message, to));
      });
    },

    async cancel(executionUuid, message = "cancelled by the invoker") {
      return queue.run(executionUuid, async () => {
        const record = await required(executionUuid);
        if (record.side !== "invoker")
          throw new EngineError("invalid-argument", "only the invoker can cancel an execution");
        if (terminalStatuses.includes(record.status) || record.status === "SIGNED" || record.status === "CHAINCODE") {
          throw new EngineError(
            "invalid-argument",
            `execution ${executionUuid} is ${record.status}; it can no longer be cancelled`,
          );
        }
        return stateOf(await fail(record, errorTypes.cancelled, message, otherParties(decode(record.input))));
      });
    },

    async get(executionUuid) {
      const record = await store.get(executionUuid);
      return record === undefined ? undefined : stateOf(record);
    },

    async list(filter) {
      return (await store.list(filter)).map(stateOf);
    },

    answers(executionUuid) {
      return store.answers(executionUuid);
    },

    watch(watchOptions = {}) {
      const { executionUuid, signal } = watchOptions;
      const signals = signal === undefined ? abort.signal : AbortSignal.any([signal, abort.signal]);
      return events.subscribe((state) => executionUuid === undefined || state.executionUuid === executionUuid, signals);
    },

    async close() {
      abort.abort();
      if (sweep !== undefined) clearTimeout(sweep);
      for (const { timer } of waiting.values()) clearTimeout(timer);
      waiting.clear();
      events.close();
    },
  };
}
