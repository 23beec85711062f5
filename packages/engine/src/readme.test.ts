// The README's two examples, run: the engine against a store and a chain, and the test environment.
import { readFileSync } from "node:fs";
import { StringValueSchema } from "@bufbuild/protobuf/wkt";
import { PartyType } from "@p8e/contract-annotations";
import { bundleContract } from "@p8e/contract-annotations/bundle";
import { describe, expect, it } from "vitest";
import { createEngine, input } from "./index.js";
import { greetingEntry } from "./testdata/entries.js";
import { GreetingContract, GreetingScopeSpecification, greetingScopeSpecUuid } from "./testdata/greeting-contract.js";
import { createTestEnvironment } from "./testing/index.js";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");

describe("README", { timeout: 60_000 }, () => {
  it("runs the test-environment example", async () => {
    expect(readme).toContain('await using env = await createTestEnvironment({ parties: ["owner"] });');
    expect(readme).toContain("const { scope } = await env.memorialize(result);");
    const bundle = await bundleContract(greetingEntry);
    const scopeSpecUuid = greetingScopeSpecUuid;
    const inputs = { name: input(StringValueSchema, { value: "Grace" }) };

    await using env = await createTestEnvironment({ parties: ["owner"] });
    const { specHash } = await env.publish({
      contract: GreetingContract,
      bundle,
      scopeSpecifications: [GreetingScopeSpecification],
    });
    const owner = env.party("owner");
    const result = await owner.engine.run({
      spec: specHash,
      scopeSpecUuid,
      participants: [owner.participant(PartyType.OWNER)],
      inputs,
    });
    const { scope } = await env.memorialize(result);
    const report = await owner.engine.verify(scope!);
    expect(report.verified).toBe(true);

    // The first example: an engine of one's own over the same store and chain.
    expect(readme).toContain("const engine = createEngine({ eos, signingKey, chain: memorializer.query, rpcUrl });");
    expect(readme).toContain('if (result.status === "signed") await memorializer.memorialize([result.envelope]);');
    const { eos, memorializer } = owner;
    const signingKey = owner.keys.signing;
    const rpcUrl = env.devnet.url;
    const engine = createEngine({ eos, signingKey, chain: memorializer.query, rpcUrl });
    try {
      const second = await engine.run({
        spec: specHash,
        scopeSpecUuid,
        participants: [{ role: PartyType.OWNER, signing: signingKey.publicKey, encryption: eos.publicKey }],
        inputs: { name: input(StringValueSchema, { value: "Grace" }) },
      });
      expect(second.status).toBe("signed");
      if (second.status === "signed") await memorializer.memorialize([second.envelope]);
      expect(
        (await engine.hydrate(scope!, { schemas: [StringValueSchema] })).get("greeting", StringValueSchema)?.value,
      ).toBe("hello, Grace");
    } finally {
      engine.close();
    }
  });
});
