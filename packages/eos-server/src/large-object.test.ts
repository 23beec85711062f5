import { createHash } from "node:crypto";
import { createEosClient } from "@p8e/eos-client";
import { generateKeyPair } from "@p8e/hashing-crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ChildServer, spawnServer } from "./testdata/child-server.js";
import { pseudoRandomBytes, tempDir } from "./testdata/harness.js";

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
const dir = tempDir("eos-large-");
let server: ChildServer;

beforeAll(async () => {
  server = await spawnServer({ EOS_DATA_DIR: dir.path });
});
afterAll(async () => {
  await server?.stop();
  dir.remove();
});

/** 1 GiB generated on the fly from a 1 MiB block, never held in memory at once. */
async function* gibibyte(): AsyncGenerator<Uint8Array> {
  const block = pseudoRandomBytes(MiB, 42);
  for (let i = 0; i < GiB / MiB; i++) {
    block[0] = i & 0xff;
    block[1] = i >> 8;
    yield block;
  }
}

describe("ObjectService.Put and Get of 1 GiB", () => {
  it("streams both ways with the server's resident memory growing by less than 64 MiB", {
    timeout: 240_000,
  }, async () => {
    const keys = generateKeyPair();
    const client = createEosClient({ baseUrl: server.url, keys: { encryption: keys } });
    try {
      // Warm up (auth, first small objects) so the baseline is the steady state.
      await client.get((await client.put(pseudoRandomBytes(4 * MiB, 1))).hash);
      const baseline = server.rss();
      const peakBefore = server.peakRss();
      let sampled = baseline;
      const sampler = setInterval(() => {
        sampled = Math.max(sampled, server.rss());
      }, 25);

      const expected = createHash("sha256");
      for await (const block of gibibyte()) expected.update(block);
      const put = await client.put(gibibyte(), { contentLength: GiB });
      expect(put.contentLength).toBe(GiB);
      expect(Buffer.from(put.hash).equals(expected.digest())).toBe(true);

      const stream = await client.getStream(put.hash);
      const actual = createHash("sha256");
      let length = 0;
      for await (const chunk of stream.plaintext) {
        actual.update(chunk);
        length += chunk.length;
      }
      await stream.verified;
      clearInterval(sampler);
      expect(length).toBe(GiB);
      expect(actual.digest().equals(Buffer.from(put.hash))).toBe(true);

      const peakAfter = server.peakRss();
      const peak = Math.max(sampled, peakAfter > peakBefore ? peakAfter : 0);
      const growthMiB = (peak - baseline) / MiB;
      console.warn(
        `1 GiB put+get: server RSS baseline ${(baseline / MiB).toFixed(1)} MiB, growth ${growthMiB.toFixed(1)} MiB`,
      );
      expect(growthMiB).toBeLessThan(64);
    } finally {
      client.close();
    }
  });
});
