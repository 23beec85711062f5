import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { address, spec, uuid } from "./testdata/readme-example.js";

interface Golden {
  readonly specId: { readonly uuid: string; readonly address: string };
}

describe("README", () => {
  it("shows the example that testdata/readme-example.ts runs", async () => {
    const readme = await readFile(new URL("../README.md", import.meta.url), "utf8");
    const example = await readFile(new URL("./testdata/readme-example.ts", import.meta.url), "utf8");
    const block = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBe(
      example
        .replace('"../bundle.js"', '"@p8e/example-hello-world/bundle"')
        .replace('"../index.js"', '"@p8e/example-hello-world"'),
    );
  });

  it("yields the committed spec id", async () => {
    const golden = JSON.parse(await readFile(new URL("./testdata/spec.json", import.meta.url), "utf8")) as Golden;
    expect(spec.definition?.name).toBe("HelloWorldContract");
    expect([uuid, address.toString()]).toEqual([golden.specId.uuid, golden.specId.address]);
  });
});
