// The client's DIME worker thread: encrypts and decrypts (AES-GCM, SHA-256, SHA-512 signature) off the
// event loop that runs the network, so the two overlap. Driven by ./dime-offload.ts; the protocol is
// documented there. Plain, erasable TypeScript importing only node builtins and @p8e/hashing-crypto,
// so Node can load it without a build step.
import { parentPort } from "node:worker_threads";
import {
  type DecryptDimeOptions,
  decryptDime,
  type EncryptDimeOptions,
  encryptDime,
  isDimeError,
} from "@p8e/hashing-crypto";

interface Job {
  readonly input: Uint8Array[];
  ended: boolean;
  failed: boolean;
  cancelled: boolean;
  credit: number;
  wake: (() => void) | undefined;
}

interface Command {
  readonly op: "encrypt" | "decrypt" | "in" | "in-end" | "in-error" | "credit" | "cancel";
  readonly id: number;
  readonly chunk?: Uint8Array;
  readonly window?: number;
  readonly options?: EncryptDimeOptions & DecryptDimeOptions;
  readonly privateKey?: Uint8Array;
}

const port = parentPort;
if (port === null) throw new Error("dime-worker must run in a worker thread");
const jobs = new Map<number, Job>();

function sleep(job: Job): Promise<void> {
  return new Promise((resolve) => {
    job.wake = resolve;
  });
}

function wake(job: Job): void {
  const wakeUp = job.wake;
  job.wake = undefined;
  wakeUp?.();
}

async function* input(id: number, job: Job): AsyncGenerator<Uint8Array> {
  for (;;) {
    const chunk = job.input.shift();
    if (chunk !== undefined) {
      port!.postMessage({ op: "taken", id });
      yield chunk;
      continue;
    }
    if (job.failed) throw new Error("the source failed");
    if (job.cancelled) throw new Error("canceled");
    if (job.ended) return;
    await sleep(job);
  }
}

async function emit(id: number, job: Job, chunk: Uint8Array): Promise<void> {
  while (job.credit <= 0 && !job.cancelled) await sleep(job);
  if (job.cancelled) throw new Error("canceled");
  job.credit--;
  const own =
    chunk.byteOffset === 0 && chunk.byteLength === chunk.buffer.byteLength && chunk.buffer instanceof ArrayBuffer;
  const data = own ? chunk : chunk.slice();
  port!.postMessage({ op: "out", id, chunk: data }, [data.buffer as ArrayBuffer]);
}

function describe(error: unknown): { message: string; dimeCode?: string } {
  if (isDimeError(error)) return { message: error.rawMessage, dimeCode: error.code };
  return { message: error instanceof Error ? error.message : String(error) };
}

async function run(command: Command, job: Job): Promise<void> {
  const id = command.id;
  try {
    if (command.op === "encrypt") {
      const dime = encryptDime(input(id, job), command.options!);
      for await (const chunk of dime.stream) await emit(id, job, chunk);
      port!.postMessage({ op: "done", id, result: await dime.result });
    } else {
      const dime = await decryptDime(input(id, job), command.privateKey!, command.options ?? {});
      port!.postMessage({ op: "header", id, header: dime.header });
      for await (const chunk of dime.plaintext) await emit(id, job, chunk);
      port!.postMessage({ op: "done", id, result: await dime.verified });
    }
  } catch (error) {
    if (!job.cancelled) port!.postMessage({ op: "error", id, error: describe(error) });
  } finally {
    command.privateKey?.fill(0);
    jobs.delete(id);
  }
}

port.on("message", (command: Command) => {
  if (command.op === "encrypt" || command.op === "decrypt") {
    const job: Job = {
      input: [],
      ended: false,
      failed: false,
      cancelled: false,
      credit: command.window ?? 4,
      wake: undefined,
    };
    jobs.set(command.id, job);
    void run(command, job);
    return;
  }
  const job = jobs.get(command.id);
  if (job === undefined) return;
  if (command.op === "in") job.input.push(command.chunk!);
  else if (command.op === "in-end") job.ended = true;
  else if (command.op === "in-error") job.failed = true;
  else if (command.op === "credit") job.credit++;
  else job.cancelled = true;
  wake(job);
});
port.postMessage({ op: "ready" });
