import { readFileSync } from "node:fs";
import { createEosClient } from "@p8e/eos-client";
import { generateKeyPair } from "@p8e/hashing-crypto";
import { describe, expect, it } from "vitest";
import { silentLogger, startEosServer } from "./index.js";
import { tempDir } from "./testdata/harness.js";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");

// The README example, run as a test (in a temp folder, with logs silenced).
describe("README", () => {
  it("runs the example", async () => {
    expect(readme).toContain('const { hash } = await alice.put(new TextEncoder().encode("hello"));');
    const dir = tempDir();
    try {
      const server = await startEosServer({ dataDir: dir.path, logger: silentLogger });
      const alice = createEosClient({ baseUrl: server.url, keys: { encryption: generateKeyPair() } });
      const { hash } = await alice.put(new TextEncoder().encode("hello"));
      const text = new TextDecoder().decode(await alice.get(hash));
      alice.close();
      await server.close();
      expect(text).toBe("hello");
    } finally {
      dir.remove();
    }
  });
});
