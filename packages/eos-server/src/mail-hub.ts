/** In-process fan-out of "new mail for key K" to the subscriptions waiting on K. */
export interface MailHub {
  /** Wakes every subscription of each key. */
  notify(keys: Iterable<string>): void;
  /** Calls `onMail` whenever `key` gets mail, until the returned function is called. */
  subscribe(key: string, onMail: () => void): () => void;
  /** How many subscriptions are open. */
  readonly size: number;
}

/** Creates an empty {@link MailHub}. */
export function createMailHub(): MailHub {
  const listeners = new Map<string, Set<() => void>>();
  let size = 0;
  return {
    notify(keys) {
      for (const key of keys) for (const listener of listeners.get(key) ?? []) listener();
    },
    subscribe(key, onMail) {
      let set = listeners.get(key);
      if (set === undefined) {
        set = new Set();
        listeners.set(key, set);
      }
      const entry = () => onMail();
      set.add(entry);
      size++;
      return () => {
        if (set.delete(entry)) size--;
        if (set.size === 0) listeners.delete(key);
      };
    },
    get size() {
      return size;
    },
  };
}
