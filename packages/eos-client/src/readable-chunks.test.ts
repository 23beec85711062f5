import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { readableChunks } from "./readable-chunks.js";

function source(): Readable {
  return new Readable({ read() {} });
}

describe("readableChunks()", () => {
  it("hands out each chunk as it was pushed, even when the reader falls behind", async () => {
    const stream = source();
    const pushed = [Buffer.from("a"), Buffer.from("bc"), Buffer.from("def")];
    for (const chunk of pushed) stream.push(chunk);
    stream.push(null);
    const received: Uint8Array[] = [];
    for await (const chunk of readableChunks(stream)) received.push(chunk);
    // The same objects: nothing joined, nothing copied (Node's own iterator would return "abcdef").
    expect(received).toHaveLength(3);
    received.forEach((chunk, i) => {
      expect(chunk).toBe(pushed[i]);
    });
  });

  it("pauses the stream while more than 4 MiB waits, and resumes it as the reader catches up", async () => {
    const stream = source();
    const iterator = readableChunks(stream)[Symbol.asyncIterator]();
    const first = iterator.next();
    for (let i = 0; i < 6; i++) stream.push(Buffer.alloc(1024 * 1024, i));
    await first;
    await new Promise((resolve) => setImmediate(resolve));
    expect(stream.isPaused()).toBe(true);
    for (let i = 0; i < 4; i++) await iterator.next();
    expect(stream.isPaused()).toBe(false);
    stream.push(null);
    let rest = 0;
    for (let r = await iterator.next(); r.done !== true; r = await iterator.next()) rest++;
    expect(rest).toBe(1);
  });

  it("throws the stream's error after the chunks that came before it", async () => {
    const stream = source();
    stream.push(Buffer.from("x"));
    const received: string[] = [];
    const run = (async () => {
      for await (const chunk of readableChunks(stream)) {
        received.push(Buffer.from(chunk).toString());
        stream.destroy(new Error("reset by peer"));
      }
    })();
    await expect(run).rejects.toThrow("reset by peer");
    expect(received).toEqual(["x"]);
  });

  it("reports a stream closed before its end", async () => {
    const stream = source();
    const run = (async () => {
      for await (const _ of readableChunks(stream)) {
      }
    })();
    setImmediate(() => stream.destroy());
    await expect(run).rejects.toMatchObject({ code: "ERR_STREAM_PREMATURE_CLOSE" });
  });

  it("destroys the stream when the reader stops early", async () => {
    const stream = source();
    stream.push(Buffer.from("x"));
    stream.push(Buffer.from("y"));
    for await (const _ of readableChunks(stream)) break;
    expect(stream.destroyed).toBe(true);
  });
});
