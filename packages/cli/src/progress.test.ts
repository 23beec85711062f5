// Progress bars: drawn on a terminal, never on a pipe or a file, never with --json.
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { formatBytes, stepProgress, transferProgress } from "./progress.js";

/** A stream that keeps what is written to it; a terminal of 100 columns when `tty`. */
function fakeStream(tty: boolean) {
  const written: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      written.push(chunk.toString());
      done();
    },
  });
  if (tty) Object.assign(stream, { isTTY: true, columns: 100 });
  return { stream, text: () => written.join("") };
}

describe("transferProgress()", () => {
  it("draws bytes done of the total on a terminal, and takes the bar away at the end", () => {
    const { stream, text } = fakeStream(true);
    const progress = transferProgress("put report.pdf", 4 * 1024 * 1024, {}, stream);
    progress.update(1536 * 1024);
    progress.stop();
    expect(text()).toContain("put report.pdf [");
    expect(text()).toContain("1.5 MiB / 4.0 MiB");
  });

  it("draws the bytes alone when the total is unknown", () => {
    const { stream, text } = fakeStream(true);
    const progress = transferProgress("put -", undefined, {}, stream);
    progress.update(2048);
    progress.stop();
    expect(text()).toContain("put - 2.0 KiB");
    expect(text()).not.toContain(" [");
  });

  it("writes nothing when the stream is not a terminal, or with --json", () => {
    const pipe = fakeStream(false);
    const piped = transferProgress("get", 1000, {}, pipe.stream);
    piped.update(500);
    piped.stop();
    expect(pipe.text()).toBe("");
    const tty = fakeStream(true);
    const json = transferProgress("get", 1000, { json: true }, tty.stream);
    json.update(500);
    json.stop();
    expect(tty.text()).toBe("");
  });
});

describe("stepProgress()", () => {
  it("draws the step under way and how many are done on a terminal, nothing elsewhere", () => {
    const { stream, text } = fakeStream(true);
    const progress = stepProgress("publish", 4, {}, stream);
    progress.update(1, "store bundle");
    progress.stop();
    expect(text()).toContain("publish [");
    expect(text()).toContain("1/4 store bundle");
    const pipe = fakeStream(false);
    const piped = stepProgress("publish", 4, {}, pipe.stream);
    piped.update(1, "store bundle");
    piped.stop();
    expect(pipe.text()).toBe("");
  });
});

describe("formatBytes()", () => {
  it("reads as people read sizes", () => {
    expect([formatBytes(512), formatBytes(1536), formatBytes(20 * 1024 * 1024)]).toEqual([
      "512 B",
      "1.5 KiB",
      "20.0 MiB",
    ]);
  });
});
