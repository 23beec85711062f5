import { describe, expect, it } from "vitest";
import { PUT_CHUNK_BYTES, putRequests } from "./put-requests.js";

async function collect<T>(source: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of source) out.push(item);
  return out;
}

describe("putRequests()", () => {
  it("writes upstream's sequence: header, named first data chunk, more data, end, properties", async () => {
    const big = new Uint8Array(PUT_CHUNK_BYTES + 10).fill(1);
    const messages = await collect(
      putRequests([new Uint8Array([1, 2, 3]), big], 42n, async () => ({ properties: [["HASH", new Uint8Array(32)]] }), {
        "SOURCE::TYPE": "REPLICATION",
      }),
    );
    expect(messages.map((m) => (m.impl.case === "chunk" ? m.impl.value.impl.case : m.impl.case))).toEqual([
      "multiStreamHeader",
      "data",
      "data",
      "data",
      "end",
      "value",
    ]);
    const header = messages[0]!.impl.value as { streamCount: number; metadata: Record<string, string> };
    expect(header.streamCount).toBe(1);
    expect(header.metadata).toEqual({
      "x-created-by": "00000000-0000-0000-0000-000000000000",
      "SOURCE::TYPE": "REPLICATION",
    });
    const first = messages[1]!.impl.value as { header?: { name: string; contentLength: bigint } };
    expect(first.header).toMatchObject({ name: "DIME", contentLength: 42n });
    const sizes = messages
      .slice(1, 4)
      .map((m) => ((m.impl.value as { impl: { value: Uint8Array } }).impl.value as Uint8Array).length);
    expect(sizes).toEqual([3, PUT_CHUNK_BYTES, 10]);
    expect((messages[2]!.impl.value as { header?: unknown }).header).toBeUndefined();
    expect((messages[5]!.impl.value as { header?: { name: string } }).header?.name).toBe("HASH");
  });

  it("awaits the trailer only after the last data chunk", async () => {
    let dataDone = false;
    async function* dime() {
      yield new Uint8Array(1);
      dataDone = true;
    }
    let sawDataDone: boolean | undefined;
    await collect(
      putRequests(dime(), 1n, async () => {
        sawDataDone = dataDone;
        return { properties: [] };
      }),
    );
    expect(sawDataDone).toBe(true);
  });
});
