// State changes as async iterables: every write of an envelope's state reaches the watchers.

/** A queue of values pushed by one side and iterated by the other, until closed. */
export class EventChannel<T> {
  readonly #listeners = new Set<(value: T | undefined) => void>();

  /** Delivers `value` to every open iteration. */
  publish(value: T): void {
    for (const listener of this.#listeners) listener(value);
  }

  /** Ends every open iteration. */
  close(): void {
    for (const listener of this.#listeners) listener(undefined);
    this.#listeners.clear();
  }

  /** Iterates the values published from now on that `accept` keeps, until `signal` aborts or close(). */
  async *subscribe(accept: (value: T) => boolean, signal?: AbortSignal): AsyncGenerator<T> {
    const queue: (T | undefined)[] = [];
    let wake: (() => void) | undefined;
    const listener = (value: T | undefined) => {
      if (value !== undefined && !accept(value)) return;
      queue.push(value);
      wake?.();
    };
    const onAbort = () => listener(undefined);
    this.#listeners.add(listener);
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      while (signal?.aborted !== true) {
        if (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
        const next = queue.shift();
        if (next === undefined) return;
        yield next;
      }
    } finally {
      this.#listeners.delete(listener);
      signal?.removeEventListener("abort", onAbort);
    }
  }
}

/** Runs tasks for one key one after another; tasks for different keys run concurrently. */
export class KeyedQueue {
  readonly #tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const next = previous.then(task, task);
    const tail = next.catch(() => undefined);
    this.#tails.set(key, tail);
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return next;
  }
}
