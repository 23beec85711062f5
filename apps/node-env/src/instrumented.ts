// The wrappers through which the environment watches its parts for its metrics and answers: the
// store client's puts, the engine's executions, the memorializer's chain writes.
import type { EosClient } from "@p8e/eos-client";
import type { NodeEnvMetrics } from "./metrics.js";

/** The client with its Puts counted in the metrics (methods stay bound to the client itself). */
export function countingEos(eos: EosClient, metrics: NodeEnvMetrics): EosClient {
  const counted =
    <A extends unknown[]>(put: (...args: A) => Promise<{ readonly contentLength: number }>) =>
    async (...args: A) => {
      const result = await put(...args);
      metrics.eosObjects.inc();
      metrics.eosBytes.inc(result.contentLength);
      return result;
    };
  return new Proxy(eos, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== "function") return value;
      const bound = value.bind(target);
      return property === "put" || property === "putMessage" ? counted(bound) : bound;
    },
  });
}

/**
 * `target` with `method`'s results passed to `onResult` (and, with its arguments, to `onCall`);
 * other members stay bound to the target itself.
 */
export function observe<T extends object, R>(
  target: T,
  method: keyof T & string,
  onResult: (result: R) => void,
  // biome-ignore lint/suspicious/noExplicitAny: the method's first argument, whatever it is
  onCall?: (first: any, result: R) => void,
): T {
  return new Proxy(target, {
    get(object, property) {
      const value: unknown = Reflect.get(object, property, object);
      if (typeof value !== "function") return value;
      const bound = (value as (...args: unknown[]) => unknown).bind(object);
      if (property !== method) return bound;
      return async (...args: unknown[]) => {
        const result = (await bound(...args)) as R;
        onResult(result);
        onCall?.(args[0], result);
        return result;
      };
    },
  });
}

/** A small map by execution UUID that forgets its oldest entries beyond `limit`. */
export function recentByExecution<V extends object>(limit: number) {
  const entries = new Map<string, V>();
  return {
    merge(executionUuid: string | undefined, value: V) {
      if (executionUuid === undefined) return;
      const merged = { ...entries.get(executionUuid), ...value };
      entries.delete(executionUuid);
      entries.set(executionUuid, merged);
      while (entries.size > limit) entries.delete(entries.keys().next().value!);
    },
    take(executionUuid: string): V | undefined {
      const value = entries.get(executionUuid);
      entries.delete(executionUuid);
      return value;
    },
  };
}
