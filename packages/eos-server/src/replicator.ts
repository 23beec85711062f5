import { Code } from "@connectrpc/connect";
import { createEosClient, type EosClient, EosError } from "@p8e/eos-client";
import type { Logger } from "./logger.js";
import { shortKey } from "./public-keys.js";
import { SOURCE_REPLICATION, SOURCE_TYPE_KEY } from "./receive-put.js";
import { storeUrl } from "./services/public-key-service.js";
import type { ObjectStorage, ReplicationJob } from "./storage/object-storage.js";

/** Options of {@link createReplicator}. */
export interface ReplicatorOptions {
  readonly storage: ObjectStorage;
  readonly logger: Logger;
  /** The store's own private key; it authenticates this store to the remotes. */
  readonly nodePrivateKey: Uint8Array;
  /** Pushes per round; default 32. */
  readonly batchSize?: number;
  /** First retry delay; default 1 s. */
  readonly minBackoffMs?: number;
  /** Longest retry delay; default 5 min. */
  readonly maxBackoffMs?: number;
  /** Longest sleep between rounds when nothing is due; default 30 s. */
  readonly idleMs?: number;
  /** Deadline of one push; default 10 min. */
  readonly pushTimeoutMs?: number;
  /** How often a remote that is down is probed; default 2 s. */
  readonly probeIntervalMs?: number;
}

/** The background worker that drains the replication queue. */
export interface Replicator {
  start(): void;
  /** Runs a round soon (new work was queued, or a route appeared). */
  wake(): void;
  /** Stops after the round in progress and closes the connections to remotes. */
  stop(): Promise<void>;
}

/** The delay before try number `attempts + 1`: exponential from `min`, capped at `max`, with jitter in [50 %, 100 %]. */
export function backoffDelay(attempts: number, min: number, max: number, random: () => number = Math.random): number {
  const exponential = Math.min(max, min * 2 ** Math.min(attempts, 30));
  return Math.round(exponential * (0.5 + random() / 2));
}

/**
 * Pushes every queued (object, remote key) pair to the store registered for that key with an
 * ordinary ObjectService.Put carrying the stored DIME, its properties and `SOURCE::TYPE:
 * REPLICATION`, authenticated with the node key. Pushes to one remote run in order; remotes run in
 * parallel. A failed push is retried with exponential backoff and jitter; a remote that is down
 * (UNAVAILABLE, DEADLINE_EXCEEDED) defers all of its due pushes at once. The queue is in storage,
 * so it survives restarts; the remote deduplicates on hash + audience, so a push repeated after a
 * lost answer stores nothing twice.
 */
export function createReplicator(options: ReplicatorOptions): Replicator {
  const { storage, logger } = options;
  const batch = options.batchSize ?? 32;
  const minBackoff = options.minBackoffMs ?? 1000;
  const maxBackoff = options.maxBackoffMs ?? 5 * 60_000;
  const idle = options.idleMs ?? 30_000;
  const pushTimeout = options.pushTimeoutMs ?? 10 * 60_000;
  const probeInterval = options.probeIntervalMs ?? 2000;
  const clients = new Map<string, EosClient>();
  // Remotes that are down, each probed on a timer until it answers.
  const down = new Map<string, NodeJS.Timeout>();
  const probing = new Set<string>();
  let timer: { immediate?: NodeJS.Immediate; timeout?: NodeJS.Timeout } | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = true;

  function clientFor(url: string): EosClient {
    const base = storeUrl(url);
    let client = clients.get(base);
    if (client === undefined) {
      // Replicas are pushed as they are (putDime): no encryption, so no crypto worker.
      client = createEosClient({
        baseUrl: base,
        keys: { encryption: options.nodePrivateKey },
        retries: 0,
        cryptoWorker: false,
      });
      clients.set(base, client);
    }
    return client;
  }

  async function push(job: ReplicationJob): Promise<void> {
    const object = await storage.getObject(job.objectUuid);
    if (object === undefined) throw new Error(`object ${job.objectUuid} is missing`);
    const properties: Array<[string, Uint8Array]> = Object.entries(object.properties)
      .filter(([name]) => name !== SOURCE_TYPE_KEY)
      .map(([name, value]) => [name, new Uint8Array(Buffer.from(value, "base64"))]);
    properties.push([SOURCE_TYPE_KEY, new TextEncoder().encode(SOURCE_REPLICATION)]);
    await clientFor(job.url).putDime({
      dime: storage.readObject(object, 2_000_000),
      properties,
      contentLength: object.contentLength,
      headerMetadata: { [SOURCE_TYPE_KEY]: SOURCE_REPLICATION },
      timeoutMs: pushTimeout,
    });
  }

  function markDown(url: string): void {
    if (stopped || down.has(url)) return;
    const timer = setInterval(() => void probe(url), probeInterval);
    timer.unref?.();
    down.set(url, timer);
  }

  function markUp(url: string): void {
    clearInterval(down.get(url));
    down.delete(url);
  }

  /**
   * Asks a remote that was down whether it is back (GetServerInfo, no auth). When it answers, its
   * pending pushes are due at once with their backoff reset, so it catches up in seconds however
   * long the backoff had grown.
   */
  async function probe(url: string): Promise<void> {
    if (stopped || probing.has(url)) return;
    probing.add(url);
    try {
      await clientFor(url).serverInfo({ timeoutMs: Math.max(probeInterval, 1000) });
    } catch {
      return;
    } finally {
      probing.delete(url);
    }
    if (!down.has(url) || stopped) return;
    markUp(url);
    const due = await storage.retryReplicationsTo(url, Date.now());
    logger.info("replication.remote_back", { url, due });
    wake();
  }

  function wake(): void {
    if (stopped) return;
    if (running !== undefined) again = true;
    else schedule(0);
  }

  async function round(): Promise<void> {
    const jobs = await storage.dueReplications(Date.now(), batch);
    const byUrl = new Map<string, ReplicationJob[]>();
    for (const job of jobs) byUrl.set(job.url, [...(byUrl.get(job.url) ?? []), job]);
    await Promise.all(
      [...byUrl.values()].map(async (queue) => {
        // A push is recorded while the next one goes out, so that the objects queued behind it (a
        // mail item behind the record it names) do not also wait for this store's commit. Every
        // record is in before the round ends; one that fails leaves the push due again, and the
        // remote keeps one copy.
        const recorded: Promise<void>[] = [];
        try {
          await pushInOrder(queue, recorded);
        } finally {
          await Promise.all(recorded);
        }
      }),
    );
    if (jobs.length === batch) again = true;
  }

  async function pushInOrder(queue: readonly ReplicationJob[], recorded: Promise<void>[]): Promise<void> {
    for (const [i, job] of queue.entries()) {
      if (stopped) return;
      try {
        await push(job);
        markUp(job.url);
        recorded.push(
          storage.replicationSucceeded(job.objectUuid, job.publicKey).then(
            () =>
              logger.info("replication.pushed", {
                object: job.objectUuid,
                key: shortKey(job.publicKey),
                url: job.url,
              }),
            (error: unknown) =>
              logger.error("replication.record_failed", { object: job.objectUuid, url: job.url, error }),
          ),
        );
      } catch (reason) {
        const error = EosError.from(reason);
        const message = `${error.code}: ${error.message}`;
        const remoteDown = error.grpcCode === Code.Unavailable || error.grpcCode === Code.DeadlineExceeded;
        // A remote that is down takes all of its due pushes with it; other failures are per object.
        const failed = remoteDown ? queue.slice(i) : [job];
        for (const item of failed) {
          const next = Date.now() + backoffDelay(item.attempts, minBackoff, maxBackoff);
          await storage.replicationFailed(item.objectUuid, item.publicKey, message, next);
        }
        logger.warn("replication.failed", {
          object: job.objectUuid,
          key: shortKey(job.publicKey),
          url: job.url,
          attempts: job.attempts + 1,
          deferred: failed.length,
          error: message,
        });
        if (remoteDown) {
          markDown(job.url);
          return;
        }
      }
    }
  }

  async function loop(): Promise<void> {
    try {
      do {
        again = false;
        await round();
      } while (again && !stopped);
    } catch (error) {
      logger.error("replication.round_failed", { error });
    }
    if (stopped) return;
    const next = await storage.nextReplicationAt().catch(() => undefined);
    const delay = next === undefined ? idle : Math.max(0, Math.min(idle, next - Date.now()));
    schedule(delay);
  }

  function schedule(delay: number): void {
    if (stopped) return;
    cancel();
    const run = () => {
      timer = undefined;
      if (running !== undefined) {
        again = true;
        return;
      }
      running = loop().finally(() => {
        running = undefined;
      });
    };
    // Work due now (a Put was just queued) starts on the next turn of the event loop rather than
    // after a timer's 1 ms minimum: each mail item crosses two stores on its way.
    timer = delay === 0 ? { immediate: setImmediate(run) } : { timeout: setTimeout(run, delay) };
    (timer.immediate ?? timer.timeout)?.unref();
  }

  function cancel(): void {
    if (timer?.immediate !== undefined) clearImmediate(timer.immediate);
    if (timer?.timeout !== undefined) clearTimeout(timer.timeout);
    timer = undefined;
  }

  return {
    start() {
      stopped = false;
      schedule(0);
    },
    wake,
    async stop() {
      stopped = true;
      cancel();
      for (const url of [...down.keys()]) markUp(url);
      await running;
      for (const client of clients.values()) client.close();
      clients.clear();
    },
  };
}
