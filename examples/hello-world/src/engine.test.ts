// hello-world end to end, as a contract author tests it: publish, execute, memorialize, hydrate, verify.
import { PartyType } from "@p8e/contract-annotations";
import { input } from "@p8e/engine";
import { createTestEnvironment, type TestEnvironment } from "@p8e/engine/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleHelloWorld } from "./bundle.js";
import { ExampleNameSchema, HelloWorldContract, HelloWorldScopeSpecification } from "./index.js";

let env: TestEnvironment;

beforeAll(async () => {
  env = await createTestEnvironment({ parties: ["owner"] });
}, 60_000);

afterAll(async () => {
  await env?.close();
});

describe("HelloWorldContract on the engine", { timeout: 60_000 }, () => {
  it("records the name, and the scope verifies", async () => {
    const { specHash } = await env.publish({
      contract: HelloWorldContract,
      bundle: await bundleHelloWorld(),
      scopeSpecifications: [HelloWorldScopeSpecification],
    });
    const owner = env.party("owner");
    const result = await owner.engine.run({
      spec: specHash,
      scopeSpecUuid: "1e6280b6-3544-40d2-b862-ddd2525620d3",
      participants: [owner.participant(PartyType.OWNER)],
      inputs: { name: input(ExampleNameSchema, { firstName: "Grace", lastName: "Hopper" }) },
    });
    expect(result.status).toBe("signed");
    const { scope } = await env.memorialize(result);

    const records = await owner.engine.hydrate(scope!, { schemas: [ExampleNameSchema] });
    expect(records.get("name", ExampleNameSchema)).toMatchObject({
      firstName: "Grace-hello",
      lastName: "Hopper-world",
    });
    expect((await owner.engine.verify(scope!)).verified).toBe(true);
  });
});
