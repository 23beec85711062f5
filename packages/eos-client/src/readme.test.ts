import { readFileSync } from "node:fs";
import { generateKeyPair } from "@p8e/hashing-crypto";
import { describe, expect, it } from "vitest";
import { createEosClient, EosError } from "./index.js";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");

// The README's error example, run as a test (the store example runs in @p8e/eos-server's tests).
describe("README", () => {
  it("runs the error example: an unreachable store is one typed error", async () => {
    expect(readme).toContain(
      'const client = createEosClient({ baseUrl: "http://127.0.0.1:9", keys: { encryption: keys }, retries: 1 });',
    );
    const keys = generateKeyPair();
    const client = createEosClient({ baseUrl: "http://127.0.0.1:9", keys: { encryption: keys }, retries: 1 });
    let seen: [string, number | undefined] | undefined;
    try {
      await client.put(new Uint8Array([1, 2, 3]));
    } catch (error) {
      if (error instanceof EosError) seen = [error.code, error.grpcCode];
    }
    client.close();
    expect(seen).toEqual(["unavailable", 14]);
  });
});
