import { open } from "node:fs/promises";
import type { DatabaseSync } from "node:sqlite";
import { EosServerError } from "../errors.js";
import type { Logger } from "../logger.js";

/** Flushes a file or folder to disk. */
export async function fsyncPath(path: string): Promise<void> {
  const handle = await open(path, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

interface QueuedWrite {
  readonly fn: () => unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (reason: unknown) => void;
}

/** Runs queued writes in one transaction per event-loop turn, each inside its own savepoint. */
export function createWriteBatcher(db: DatabaseSync, logger: Logger) {
  let queue: QueuedWrite[] = [];
  let scheduled: Promise<void> | undefined;

  function flush(): void {
    const batch = queue;
    queue = [];
    scheduled = undefined;
    const outcomes: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = [];
    try {
      db.exec("BEGIN IMMEDIATE");
    } catch (error) {
      for (const item of batch)
        item.reject(new EosServerError("storage-failure", "cannot start a transaction", { cause: error }));
      return;
    }
    for (const item of batch) {
      db.exec("SAVEPOINT w");
      try {
        const value = item.fn();
        db.exec("RELEASE w");
        outcomes.push({ ok: true, value });
      } catch (error) {
        db.exec("ROLLBACK TO w");
        db.exec("RELEASE w");
        outcomes.push({ ok: false, error });
      }
    }
    try {
      db.exec("COMMIT");
    } catch (error) {
      logger.error("storage.commit_failed", { error });
      try {
        db.exec("ROLLBACK");
      } catch {}
      for (const item of batch) item.reject(new EosServerError("storage-failure", "commit failed", { cause: error }));
      return;
    }
    batch.forEach((item, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) item.resolve(outcome.value);
      else item.reject(outcome.error);
    });
  }

  return {
    run<T>(fn: () => T): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queue.push({ fn, resolve: resolve as (value: unknown) => void, reject });
        scheduled ??= new Promise<void>((done) =>
          setImmediate(() => {
            flush();
            done();
          }),
        );
      });
    },
    async drain(): Promise<void> {
      while (scheduled !== undefined) await scheduled;
    },
  };
}
