import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";

describe("README", () => {
  it("shows the example that testdata/readme-example.ts runs", async () => {
    const readme = await readFile(new URL("../README.md", import.meta.url), "utf8");
    const example = await readFile(new URL("./testdata/readme-example.ts", import.meta.url), "utf8");
    const block = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBe(example.replace('"../index.js"', '"@p8e/devnet"'));
  });

  it("runs the example: CosmJS sends tokens on the devnet", async () => {
    const { result } = await import("./testdata/readme-example.js");
    expect(result.code).toBe(0);
    expect(result.height).toBeGreaterThan(1);
  });
});
