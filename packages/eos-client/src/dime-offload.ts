import { Worker } from "node:worker_threads";
import {
  type DecryptDimeOptions,
  DimeError,
  type DimeErrorCode,
  type DimeHeader,
  type DimeVerification,
  type EncryptDimeOptions,
  type EncryptDimeResult,
} from "@p8e/hashing-crypto";

/**
 * Size of the plaintext pieces handed to the worker for encryption. Each becomes one ciphertext chunk
 * and one Put message; a little under 1 MiB so that protobuf's writer (which doubles its buffer) needs
 * 1 MiB per message instead of 2.
 */
export const ENCRYPT_PIECE_BYTES = 1024 * 1024 - 64;
/** Pieces in flight each way per job: enough to keep both threads busy, little enough to bound memory. */
const WINDOW = 4;

interface Job {
  readonly out: Uint8Array[];
  inflight: number;
  closed: boolean;
  done: boolean;
  error: unknown;
  sourceError: unknown;
  /** Who waits for the next reply: the feeder (for credit) and the reader (for output). */
  readonly waiters: Array<() => void>;
  onHeader: ((header: DimeHeader) => void) | undefined;
  settle: { resolve: (value: never) => void; reject: (reason: unknown) => void };
}

interface Reply {
  readonly op: "ready" | "taken" | "header" | "out" | "done" | "error";
  readonly id: number;
  readonly chunk?: Uint8Array;
  readonly header?: DimeHeader;
  readonly result?: unknown;
  readonly error?: { message: string; dimeCode?: string };
}

/**
 * Runs DIME encryption and decryption on a worker thread, so that AES-GCM and the SHA-256 / SHA-512
 * hashing overlap with the client's networking instead of adding to it. Input is copied to the worker
 * in pieces of at most 1 MiB (the caller may reuse its buffers), output is transferred back without
 * copying, and at most {@link WINDOW} pieces are in flight each way. If the worker cannot start (e.g.
 * no loader for its source), {@link available} resolves false and callers encrypt in their own thread.
 */
export class DimeOffload {
  readonly #worker: Worker;
  readonly #jobs = new Map<number, Job>();
  readonly available: Promise<boolean>;
  #nextId = 1;
  #failed: Error | undefined;

  constructor() {
    const self = import.meta.url;
    const fromSource = self.endsWith(".ts");
    const url = new URL(fromSource ? "./dime-worker.ts" : "./dime-worker.js", self);
    // Run from source (tests, benches): the worker imports workspace sources, which need the
    // monorepo's TypeScript loader; a process started with tsx passes it on already. Built code needs nothing.
    const execArgv =
      fromSource && !process.execArgv.some((arg) => arg === "tsx" || /[\\/]tsx[\\/]dist[\\/]loader\.mjs$/.test(arg))
        ? [...process.execArgv, "--import", "tsx"]
        : process.execArgv;
    this.#worker = new Worker(url, { execArgv });
    this.#worker.unref();
    this.available = new Promise<boolean>((resolve) => {
      this.#worker.on("message", (reply: Reply) => {
        if (reply.op === "ready") resolve(true);
        else this.#onReply(reply);
      });
      const fail = (error: Error) => {
        resolve(false);
        this.#failed = error;
        for (const job of this.#jobs.values()) this.#finish(job, error);
        this.#jobs.clear();
      };
      this.#worker.on("error", fail);
      this.#worker.on("exit", (code) => fail(new Error(`the DIME worker exited with code ${code}`)));
    });
    // Errors from a failed start are reported through `available`.
    this.available.catch(() => undefined);
  }

  /** Like `encryptDime`: the DIME stream (header first) and its result once the stream was read to the end. */
  encrypt(
    plaintext: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
    options: EncryptDimeOptions,
  ): { stream: AsyncIterable<Uint8Array>; result: Promise<EncryptDimeResult> } {
    const { id, job, result } = this.#start<EncryptDimeResult>();
    const signer = options.signer;
    // Key pairs are classes with getters, which do not cross to the worker: pass plain bytes.
    const plainSigner =
      signer === undefined || signer instanceof Uint8Array
        ? signer
        : {
            privateKey: signer.privateKey,
            ...("publicKey" in signer && signer.publicKey !== undefined ? { publicKey: signer.publicKey } : {}),
          };
    this.#post({
      op: "encrypt",
      id,
      window: WINDOW,
      options: { ...options, ...(plainSigner === undefined ? {} : { signer: plainSigner }) },
    });
    void this.#feed(id, job, repack(plaintext, ENCRYPT_PIECE_BYTES), "owned");
    return { stream: this.#output(id, job), result };
  }

  /**
   * Like `decryptDime`: resolves once the header was read and checked. `movable`: each chunk of
   * `source` is the bulk of a buffer nobody reads again (a network message), so that buffer may be
   * moved to the worker instead of copied.
   */
  async decrypt(
    source: AsyncIterable<Uint8Array>,
    privateKey: Uint8Array,
    options: DecryptDimeOptions,
    movable = false,
  ): Promise<{ header: DimeHeader; plaintext: AsyncIterable<Uint8Array>; verified: Promise<DimeVerification> }> {
    const { id, job, result } = this.#start<DimeVerification>();
    const header = new Promise<DimeHeader>((resolve, reject) => {
      job.onHeader = resolve;
      result.catch(reject);
    });
    this.#post({ op: "decrypt", id, window: WINDOW, privateKey, options });
    void this.#feed(id, job, source, movable ? "bulk" : "copy");
    try {
      return { header: await header, plaintext: this.#output(id, job), verified: result };
    } catch (error) {
      this.#cancel(id, job);
      throw error;
    }
  }

  /** Stops the worker; running jobs fail. */
  close(): void {
    void this.#worker.terminate();
  }

  #start<T>(): { id: number; job: Job; result: Promise<T> } {
    const id = this.#nextId++;
    let settle!: Job["settle"];
    const result = new Promise<T>((resolve, reject) => {
      settle = { resolve: resolve as (value: never) => void, reject };
    });
    result.catch(() => undefined);
    const job: Job = {
      out: [],
      inflight: 0,
      closed: false,
      done: false,
      error: undefined,
      sourceError: undefined,
      waiters: [],
      onHeader: undefined,
      settle,
    };
    if (this.#failed !== undefined) {
      this.#finish(job, this.#failed);
      return { id, job, result };
    }
    this.#jobs.set(id, job);
    this.#worker.ref();
    return { id, job, result };
  }

  #post(message: unknown, transfer: ArrayBuffer[] = []): void {
    if (this.#failed === undefined) this.#worker.postMessage(message, transfer);
  }

  #onReply(reply: Reply): void {
    const job = this.#jobs.get(reply.id);
    if (job === undefined) return;
    switch (reply.op) {
      case "taken":
        job.inflight--;
        break;
      case "header":
        job.onHeader?.(reply.header!);
        break;
      case "out":
        job.out.push(reply.chunk!);
        break;
      case "done":
        job.done = true;
        this.#remove(reply.id);
        job.settle.resolve(reply.result as never);
        break;
      case "error": {
        const { message, dimeCode } = reply.error!;
        const error =
          job.sourceError ??
          (dimeCode === undefined ? new Error(message) : new DimeError(dimeCode as DimeErrorCode, message));
        this.#remove(reply.id);
        this.#finish(job, error);
        break;
      }
    }
    wakeAll(job);
  }

  #remove(id: number): void {
    this.#jobs.delete(id);
    if (this.#jobs.size === 0) this.#worker.unref();
  }

  #finish(job: Job, error: unknown): void {
    if (job.done || job.error !== undefined) return;
    job.error = error;
    job.settle.reject(error);
    wakeAll(job);
  }

  #cancel(id: number, job: Job): void {
    if (job.closed) return;
    job.closed = true;
    if (!job.done && job.error === undefined) {
      this.#post({ op: "cancel", id });
      this.#remove(id);
      this.#finish(job, new DimeError("truncated", "the stream was not read to the end"));
    }
  }

  #sleep(job: Job): Promise<void> {
    return new Promise((resolve) => {
      job.waiters.push(resolve);
    });
  }

  /**
   * Hands `source` to the worker, at most {@link WINDOW} chunks ahead. "owned": the chunks are fresh
   * buffers nobody else uses, so they are moved; "bulk": a chunk is moved when it is most of its
   * buffer, copied when small; "copy": always copied.
   */
  async #feed(
    id: number,
    job: Job,
    source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
    mode: "owned" | "bulk" | "copy",
  ): Promise<void> {
    try {
      for await (const chunk of source) {
        if (chunk.length === 0) continue;
        while (job.inflight >= WINDOW && !this.#over(job)) await this.#sleep(job);
        if (this.#over(job)) return;
        const buffer = chunk.buffer;
        const movable =
          buffer instanceof ArrayBuffer &&
          (mode === "owned" ||
            (mode === "bulk" && chunk.byteLength >= 64 * 1024 && chunk.byteLength * 2 >= buffer.byteLength));
        // A copy (Buffer's slice() would be a view): the piece is transferred.
        const piece = movable ? chunk : new Uint8Array(chunk);
        job.inflight++;
        this.#post({ op: "in", id, chunk: piece }, [piece.buffer as ArrayBuffer]);
      }
      this.#post({ op: "in-end", id });
    } catch (error) {
      job.sourceError = error;
      this.#post({ op: "in-error", id });
    }
  }

  #over(job: Job): boolean {
    return job.closed || job.done || job.error !== undefined;
  }

  async *#output(id: number, job: Job): AsyncGenerator<Uint8Array> {
    try {
      for (;;) {
        const chunk = job.out.shift();
        if (chunk !== undefined) {
          this.#post({ op: "credit", id });
          yield chunk;
          continue;
        }
        if (job.error !== undefined) throw job.error;
        if (job.done) return;
        await this.#sleep(job);
      }
    } finally {
      this.#cancel(id, job);
    }
  }
}

function wakeAll(job: Job): void {
  for (const wake of job.waiters.splice(0)) wake();
}

/**
 * Copies `source` into fresh buffers of exactly `size` bytes (the last one shorter): the caller may
 * reuse its buffers, the worker needs its own, and even pieces make even messages.
 */
export async function* repack(
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  size: number,
): AsyncGenerator<Uint8Array> {
  let piece = new Uint8Array(size);
  let filled = 0;
  for await (const chunk of source) {
    let offset = 0;
    while (offset < chunk.length) {
      const n = Math.min(size - filled, chunk.length - offset);
      piece.set(chunk.subarray(offset, offset + n), filled);
      filled += n;
      offset += n;
      if (filled === size) {
        yield piece;
        piece = new Uint8Array(size);
        filled = 0;
      }
    }
  }
  if (filled > 0) yield piece.subarray(0, filled);
}
