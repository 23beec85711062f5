import { bundleHelloWorld } from "@p8e/example-hello-world/bundle";
import { bundleOnboarding } from "@p8e/example-onboarding/bundle";
import { describe, expect, it } from "vitest";
import { bundleTypes } from "./bundle-types.js";

describe("bundleTypes()", { timeout: 60_000 }, () => {
  it("finds the bundle's own message types without running it, JSON names included", async () => {
    const registry = bundleTypes((await bundleHelloWorld()).code);
    const name = registry.getMessage("io.p8e.proto.example.ExampleName");
    expect(name?.fields.map((f) => f.jsonName)).toContain("firstName");
  });

  it("links types across the bundle's files and the well-known types", async () => {
    const registry = bundleTypes((await bundleOnboarding()).code);
    const types = [...registry].filter((d) => d.kind === "message").map((d) => d.typeName);
    expect(types).toContain("google.protobuf.Timestamp");
    expect(types.filter((t) => !t.startsWith("google.")).length).toBeGreaterThan(1);
  });

  it("ignores strings that only look like descriptors", () => {
    const registry = bundleTypes('const x = fileDesc("bm90IGEgZGVzY3JpcHRvcg==");');
    expect([...registry].filter((d) => !d.typeName.startsWith("google.")).length).toBe(0);
  });
});
