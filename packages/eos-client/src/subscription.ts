import type { MailItem, SubscribeMailResponse } from "@p8e/spec-model/eos";
import type { ReceivedMail, SubscribeOptions } from "./client-types.js";
import { EosError } from "./eos-error.js";

/** What a subscription needs from its client. */
export interface SubscriptionDeps {
  /** Opens one SubscribeMail stream. */
  open(signal: AbortSignal): AsyncIterable<SubscribeMailResponse>;
  /** Decrypts and verifies one item. */
  toMail(item: MailItem): Promise<ReceivedMail>;
  ack(uuid: string): Promise<void>;
  reject(uuid: string, reason: string): Promise<void>;
  /** Forgets the bearer token, so that the next call authenticates afresh. */
  dropToken(): void;
  /** Aborted when the client closes. */
  readonly closed: AbortSignal;
  readonly retryDelayMs: number;
}

/** The longest wait between two attempts to subscribe again. */
const MAX_RETRY_DELAY_MS = 5000;
/** How many acked item ids a subscription remembers to recognise redeliveries. */
const ACKED_MEMORY = 10_000;

/**
 * Pushed mail that survives the store going away however it goes (restart, crash, network): the
 * subscription opens the stream again with jittered backoff (up to 5 s) and goes on, until the
 * caller's signal aborts, the client closes, or the store refuses the caller's keys (UNAUTHENTICATED
 * twice in a row, with a fresh token in between, or PERMISSION_DENIED). Unacked items are delivered
 * again after a reconnect (at least once). An item acked through this subscription is never handed
 * out again: if the store died before recording the ack, the redelivered item is acked again
 * quietly, and an ack that cannot reach the store does not fail (it is repeated on redelivery).
 */
export function subscribeMail(deps: SubscriptionDeps, options: SubscribeOptions): AsyncIterable<ReceivedMail> {
  const reconnect = options.reconnect ?? true;
  const signal = options.signal === undefined ? deps.closed : AbortSignal.any([options.signal, deps.closed]);
  return {
    async *[Symbol.asyncIterator]() {
      const acked = new Set<string>();
      const remember = (uuid: string) => {
        acked.add(uuid);
        if (acked.size > ACKED_MEMORY) acked.delete(acked.values().next().value!);
      };
      let delay = deps.retryDelayMs;
      let refusedOnce = false;
      for (;;) {
        try {
          for await (const event of deps.open(signal)) {
            delay = deps.retryDelayMs;
            refusedOnce = false;
            if (event.event.case === "ready") {
              options.onReady?.(event.event.value.backlog);
              continue;
            }
            if (event.event.case !== "mail") continue;
            const item = event.event.value;
            if (acked.has(item.uuid)) {
              await deps.ack(item.uuid).catch(() => {});
              continue;
            }
            let mail: ReceivedMail;
            try {
              mail = await deps.toMail(item);
            } catch (reason) {
              const error = EosError.from(reason);
              await deps.reject(item.uuid, `unreadable: ${error.message}`).catch(() => {});
              options.onInvalid?.(item.uuid, error);
              continue;
            }
            yield {
              ...mail,
              ack: async () => {
                remember(item.uuid);
                try {
                  await deps.ack(item.uuid);
                } catch (reason) {
                  const error = EosError.from(reason);
                  // The store is away: the item comes again once it is back, and is acked then.
                  if (!isOutage(error)) throw error;
                }
              },
            };
          }
          if (signal.aborted) return;
        } catch (reason) {
          if (signal.aborted) return;
          const error = EosError.from(reason);
          if (!reconnect || error.code === "permission-denied") throw error;
          if (error.code === "unauthenticated") {
            if (refusedOnce) throw error;
            refusedOnce = true;
            deps.dropToken();
          }
        }
        await sleep(delay * (0.5 + Math.random() / 2), signal);
        delay = Math.min(delay * 2, MAX_RETRY_DELAY_MS);
        if (signal.aborted) return;
      }
    },
  };
}

/** Whether an error means the store could not be reached or went away mid-call. */
function isOutage(error: EosError): boolean {
  return (
    error.code === "unavailable" ||
    error.code === "canceled" ||
    error.code === "deadline-exceeded" ||
    error.code === "internal" ||
    error.code === "unknown"
  );
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done);
  });
}
