import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { decryptDime, encryptDime } from "./dime.js";
import { sha256 } from "./hash.js";
import { generateKeyPair } from "./keys.js";
import { pseudoRandomBytes } from "./testdata/helpers.js";

const MiB = 1024 * 1024;

/** The garbage collector: exposed by the project's --expose-gc, or switched on here as a fallback. */
function collector(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed !== undefined) return exposed;
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
}
const SIZE = 100 * MiB;

describe("encryptDime() and decryptDime() on 100 MiB", () => {
  it("stream a 100 MiB object end to end in bounded memory", { timeout: 120_000 }, async () => {
    const owner = generateKeyPair();
    const block = pseudoRandomBytes(MiB, 42);
    const expectedHash = sha256.create();

    // The plaintext is generated on the fly: block i is the random block with its first 4 bytes set to i.
    async function* generate(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < SIZE / MiB; i++) {
        const chunk = block.slice();
        new DataView(chunk.buffer).setUint32(0, i);
        expectedHash.update(chunk);
        yield chunk;
      }
    }

    // Collect garbage before each sample so the figure is what the pipeline keeps alive, not what
    // V8 has yet to free (it lets tens of MiB of dead buffers pile up before it collects).
    const gc = collector();
    gc();
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sample = () => {
      gc();
      peak = Math.max(peak, process.memoryUsage().rss);
    };

    const encrypted = encryptDime(generate(), { owner: owner.publicKey, signer: owner });
    const decrypted = await decryptDime(encrypted.stream, owner, { requireSignature: false });
    const actualHash = sha256.create();
    let length = 0;
    let chunks = 0;
    for await (const chunk of decrypted.plaintext) {
      actualHash.update(chunk);
      length += chunk.length;
      if (++chunks % 2 === 0) sample();
    }
    sample();
    const result = await encrypted.result;
    const verified = await decrypted.verified;

    expect(length).toBe(SIZE);
    const expected = expectedHash.digest();
    expect(result.hash).toEqual(expected);
    expect(verified.hash).toEqual(expected);
    expect(actualHash.digest()).toEqual(expected);
    expect(result.plaintextLength).toBe(SIZE);
    expect(result.signature).toBeDefined();
    // Growth stays far below the object size: only a few 1 MiB chunks are alive at any time.
    expect(peak - baseline).toBeLessThan(SIZE / 4);
  });
});
