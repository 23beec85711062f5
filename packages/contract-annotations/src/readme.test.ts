import { readFile } from "node:fs/promises";
import { toJson } from "@bufbuild/protobuf";
import { ContractSpecSchema } from "@p8e/spec-model";
import { describe, expect, it } from "vitest";
import { spec } from "./testdata/readme-example.js";

describe("README", () => {
  it("shows the example that testdata/readme-example.ts runs", async () => {
    const readme = await readFile(new URL("../README.md", import.meta.url), "utf8");
    const example = await readFile(new URL("./testdata/readme-example.ts", import.meta.url), "utf8");
    const block = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBe(example.replace('"../index.js"', '"@p8e/contract-annotations"'));
  });

  it("dehydrates the example contract", () => {
    expect(toJson(ContractSpecSchema, spec)).toMatchObject({
      definition: { name: "GreetingContract", resourceLocation: { classname: "com.example.GreetingContract" } },
      partiesInvolved: ["OWNER"],
      functionSpecs: [{ funcName: "greet", outputSpec: { spec: { name: "greeting", type: "PROPOSED" } } }],
    });
  });
});
