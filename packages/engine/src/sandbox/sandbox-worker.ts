// A sandbox worker thread: runs contracts in QuickJS for ./threaded-sandbox.ts, one job at a time.
// Plain, erasable TypeScript, so Node can load it without a build step.
import { parentPort, workerData } from "node:worker_threads";
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import { SandboxCallSchema, SandboxResultSchema } from "@p8e/spec-model/engine";
import type { SandboxLimits } from "./limits.js";
import { createInlineSandbox } from "./quickjs-sandbox.js";

/** A job for the worker. */
export interface SandboxJob {
  readonly id: number;
  readonly op: "describe" | "run";
  readonly code: Uint8Array;
  readonly hash: string;
  readonly contractName?: string;
  readonly call?: Uint8Array;
}

/** The worker's answer to a job. */
export interface SandboxReply {
  readonly id: number;
  readonly spec?: Uint8Array;
  readonly result?: Uint8Array;
  readonly failure?: { readonly limit?: string; readonly message: string };
  readonly limit?: string;
  readonly fuelUsed?: number;
  readonly error?: { readonly name: string; readonly code?: string; readonly message: string };
}

const sandbox = createInlineSandbox((workerData as { limits: SandboxLimits }).limits);

parentPort?.on("message", (job: SandboxJob) => {
  void answer(job).then((reply) => parentPort?.postMessage(reply));
});

async function answer(job: SandboxJob): Promise<SandboxReply> {
  const bundle = { code: job.code, hash: job.hash };
  try {
    if (job.op === "describe") return { id: job.id, spec: await sandbox.describe(bundle, job.contractName ?? "") };
    const run = await sandbox.run(bundle, fromBinary(SandboxCallSchema, job.call ?? new Uint8Array()));
    return {
      id: job.id,
      ...(run.result === undefined ? {} : { result: toBinary(SandboxResultSchema, run.result) }),
      ...(run.failure === undefined ? {} : { failure: run.failure }),
      ...(run.limit === undefined ? {} : { limit: run.limit }),
      fuelUsed: run.fuelUsed,
    };
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    const code = (e as { code?: unknown }).code;
    return { id: job.id, error: { name: e.name, message: e.message, ...(typeof code === "string" ? { code } : {}) } };
  }
}
