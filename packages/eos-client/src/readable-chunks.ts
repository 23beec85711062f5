import { finished, type Readable } from "node:stream";

/** Bytes a {@link readableChunks} iterator queues before it pauses the stream. */
const HIGH_WATER_BYTES = 4 * 1024 * 1024;

/**
 * Iterates a byte stream chunk by chunk, as the chunks arrived. A Readable's own async iterator calls
 * `read()`, which joins everything buffered into one new Buffer whenever the reader falls behind: a
 * copy and an allocation of every byte of a large transfer. This one queues the chunks as they are
 * (pausing the stream past 4 MiB), so nothing is copied. Like Node's iterator, it throws the stream's
 * error or a premature close, and destroys the stream when the loop stops early.
 */
export async function* readableChunks(stream: Readable): AsyncGenerator<Uint8Array> {
  const queue: Uint8Array[] = [];
  let queued = 0;
  let settled = false;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  const onData = (chunk: Uint8Array) => {
    queue.push(chunk);
    queued += chunk.length;
    if (queued > HIGH_WATER_BYTES) stream.pause();
    notify();
  };
  stream.on("data", onData);
  const stopWatching = finished(stream, { writable: false }, (error) => {
    settled = true;
    failure = error ?? undefined;
    notify();
  });
  try {
    for (;;) {
      const chunk = queue.shift();
      if (chunk !== undefined) {
        queued -= chunk.length;
        if (stream.isPaused() && queued <= HIGH_WATER_BYTES / 2) stream.resume();
        yield chunk;
        continue;
      }
      if (failure !== undefined) throw failure;
      if (settled) return;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  } finally {
    stream.off("data", onData);
    stopWatching();
    if (!settled) stream.destroy();
  }
}
