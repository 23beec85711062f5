// Runs the QuickJS sandbox on worker threads. Jobs queue for the next free thread. A run still
// going a second after its wall-clock limit is stuck where fuel cannot reach (a long native call),
// so its thread is stopped and replaced, and the run ends in the time limit.
import { Worker } from "node:worker_threads";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { SandboxCallSchema, SandboxOutcomeSchema, SandboxResultSchema } from "@p8e/spec-model/engine";
import { EngineError, type EngineErrorCode } from "../errors.js";
import { type SandboxLimits, sandboxLimits } from "./limits.js";
import { runtimeHash } from "./quickjs-sandbox.js";
import type { ContractSandbox, SandboxLimit, SandboxRun } from "./sandbox.js";
import type { SandboxJob, SandboxReply } from "./sandbox-worker.js";

/** How long past its wall-clock limit a run may take before its thread is stopped. */
const GRACE_MS = 1000;

type JobInput = Omit<SandboxJob, "id">;

interface Pending {
  readonly job: SandboxJob;
  readonly resolve: (reply: SandboxReply) => void;
  readonly reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  busy: Pending | undefined;
  timer: NodeJS.Timeout | undefined;
}

function workerUrl(): { url: URL; execArgv: string[] } {
  const self = import.meta.url;
  const fromSource = self.endsWith(".ts");
  const url = new URL(fromSource ? "./sandbox-worker.ts" : "./sandbox-worker.js", self);
  // From source (tests, benches) the worker imports workspace sources, which need tsx; a process
  // started with tsx passes it on already. Built code needs nothing.
  const execArgv =
    fromSource && !process.execArgv.some((arg) => arg === "tsx" || /[\\/]tsx[\\/]dist[\\/]loader\.mjs$/.test(arg))
      ? [...process.execArgv, "--import", "tsx"]
      : process.execArgv;
  return { url, execArgv };
}

/** Creates a sandbox whose contracts run on `threads` worker threads, started on first use. */
export function createThreadedSandbox(overrides: Partial<SandboxLimits>, threads: number): ContractSandbox {
  if (!Number.isSafeInteger(threads) || threads < 1) {
    throw new EngineError("invalid-argument", `sandbox threads must be a positive integer, got ${threads}`);
  }
  const limits = sandboxLimits(overrides);
  const slots: Slot[] = [];
  const queue: Pending[] = [];
  let nextId = 1;
  let closed = false;

  function spawn(): Slot {
    const { url, execArgv } = workerUrl();
    const slot: Slot = {
      worker: new Worker(url, { execArgv, workerData: { limits } }),
      busy: undefined,
      timer: undefined,
    };
    slot.worker.unref();
    slot.worker.on("message", (reply: SandboxReply) => finish(slot, (p) => p.resolve(reply)));
    slot.worker.on("error", (error) => replace(slot, error));
    slot.worker.on("exit", (code) => {
      if (!closed) replace(slot, new Error(`a sandbox thread exited with code ${code}`));
    });
    return slot;
  }

  function finish(slot: Slot, settle: (pending: Pending) => void): void {
    const pending = slot.busy;
    if (slot.timer !== undefined) clearTimeout(slot.timer);
    slot.busy = undefined;
    slot.timer = undefined;
    slot.worker.unref();
    if (pending !== undefined) settle(pending);
    pump();
  }

  /** Drops a thread that failed or overran; its job, if any, ends with `error`. */
  function replace(slot: Slot, error: Error): void {
    const index = slots.indexOf(slot);
    if (index < 0) return;
    slots.splice(index, 1);
    void slot.worker.terminate();
    finish(slot, (p) => p.reject(error));
  }

  function pump(): void {
    while (!closed && queue.length > 0) {
      let slot = slots.find((s) => s.busy === undefined);
      if (slot === undefined && slots.length < threads) {
        slot = spawn();
        slots.push(slot);
      }
      if (slot === undefined) return;
      const pending = queue.shift()!;
      slot.busy = pending;
      slot.worker.ref();
      const stuck = slot;
      slot.timer = setTimeout(() => replace(stuck, new Overrun()), limits.wallClockMs + GRACE_MS);
      slot.worker.postMessage(pending.job);
    }
  }

  function submit(input: JobInput): Promise<SandboxReply> {
    if (closed) return Promise.reject(new EngineError("invalid-argument", "the sandbox is closed"));
    return new Promise((resolve, reject) => {
      queue.push({ job: { ...input, id: nextId++ }, resolve, reject });
      pump();
    });
  }

  function rethrow(reply: SandboxReply): void {
    if (reply.error === undefined) return;
    const code = (reply.error.code ?? "invalid-argument") as EngineErrorCode;
    throw new EngineError(code, reply.error.message);
  }

  return {
    runtimeHash,
    limits,

    async describe(bundle, contractName) {
      let reply: SandboxReply;
      try {
        reply = await submit({ op: "describe", code: bundle.code, hash: bundle.hash, contractName });
      } catch (error) {
        const message = error instanceof Overrun ? overrunMessage(limits) : String(error);
        throw new EngineError("spec-mismatch", `the bundle does not dehydrate: ${message}`, { cause: error });
      }
      rethrow(reply);
      return reply.spec!;
    },

    async run(bundle, call) {
      let reply: SandboxReply;
      try {
        reply = await submit({
          op: "run",
          code: bundle.code,
          hash: bundle.hash,
          call: toBinary(SandboxCallSchema, call),
        });
      } catch (error) {
        if (!(error instanceof Overrun)) throw error;
        // The thread was stopped mid-run: the first function to run is the one that overran, as far as we can tell.
        const first = call.functions[0];
        const result = create(SandboxResultSchema);
        if (first === undefined) result.error = overrunMessage(limits);
        else result.outcomes.push(create(SandboxOutcomeSchema, { name: first.name, error: overrunMessage(limits) }));
        return { result, limit: "time", fuelUsed: 0 } satisfies SandboxRun;
      }
      rethrow(reply);
      return {
        ...(reply.result === undefined ? {} : { result: fromBinary(SandboxResultSchema, reply.result) }),
        ...(reply.failure === undefined
          ? {}
          : {
              failure: {
                message: reply.failure.message,
                ...(reply.failure.limit === undefined ? {} : { limit: reply.failure.limit as SandboxLimit }),
              },
            }),
        ...(reply.limit === undefined ? {} : { limit: reply.limit as SandboxLimit }),
        fuelUsed: reply.fuelUsed ?? 0,
      };
    },

    close() {
      closed = true;
      for (const pending of queue.splice(0))
        pending.reject(new EngineError("invalid-argument", "the sandbox was closed"));
      for (const slot of slots.splice(0)) {
        if (slot.timer !== undefined) clearTimeout(slot.timer);
        slot.busy?.reject(new EngineError("invalid-argument", "the sandbox was closed"));
        void slot.worker.terminate();
      }
    },
  };
}

class Overrun extends Error {}

function overrunMessage(limits: SandboxLimits): string {
  return `the contract ran longer than the wall-clock limit of ${limits.wallClockMs} ms`;
}
