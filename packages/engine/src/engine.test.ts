import { create, toBinary } from "@bufbuild/protobuf";
import { BytesValueSchema, StringValueSchema } from "@bufbuild/protobuf/wkt";
import { PartyType } from "@p8e/contract-annotations";
import { bundleContract } from "@p8e/contract-annotations/bundle";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { input } from "./session/session-options.js";
import { greetingEntry } from "./testdata/entries.js";
import { GreetingContract, GreetingScopeSpecification, greetingScopeSpecUuid } from "./testdata/greeting-contract.js";
import { createTestEnvironment, type PublishedContract, type TestEnvironment } from "./testing/index.js";

let env: TestEnvironment;
let hello: PublishedContract;
const scopeSpecUuid = greetingScopeSpecUuid;

beforeAll(async () => {
  env = await createTestEnvironment({ parties: ["alice", "bob"] });
  hello = await env.publish({
    contract: GreetingContract,
    bundle: await bundleContract(greetingEntry),
    scopeSpecifications: [GreetingScopeSpecification],
  });
}, 60_000);

afterAll(async () => {
  await env?.close();
});

function helloSession(firstName: string) {
  const alice = env.party("alice");
  return {
    spec: hello.specHash,
    scopeSpecUuid,
    participants: [alice.participant(PartyType.OWNER)],
    inputs: { name: input(StringValueSchema, { value: firstName }) },
  };
}

describe("Engine end to end", { timeout: 60_000 }, () => {
  it("executes, memorializes, hydrates, lists history and verifies", async () => {
    const alice = env.party("alice");
    const result = await alice.engine.run(helloSession("Grace"));
    expect(result.status).toBe("signed");
    expect(result.outcomes).toEqual([
      {
        function: "greet",
        result: "PASS",
        output: { name: "greeting", hash: expect.any(String), typeName: StringValueSchema.typeName },
      },
    ]);
    expect(result.runtimeHash).toBe(alice.engine.sandbox.runtimeHash);
    const outcome = await env.memorialize(result);
    expect(outcome.status).toBe("memorialized");

    const scope = outcome.scope!;
    const hydrated = await alice.engine.hydrate(scope, { schemas: [StringValueSchema] });
    expect(hydrated.get("greeting", StringValueSchema)?.value).toBe("hello, Grace");

    const history = await alice.engine.history(scope);
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({
      name: "greeting",
      function: "greet",
      session: outcome.session,
      bundleHash: hello.bundleHash,
    });

    const report = await alice.engine.verify(scope);
    expect(report.verified).toBe(true);
    expect(report.sessions).toHaveLength(1);
    expect(report.sessions[0]).toMatchObject({ status: "verified", source: "envelope" });
    expect(report.sessions[0]!.records).toEqual([
      expect.objectContaining({ name: "greeting", status: "verified", chainHash: result.outcomes[0]!.output!.hash }),
    ]);
  });
});

describe("Engine determinism", { timeout: 60_000 }, () => {
  it("gives byte-identical outputs for the same envelope executed by two engines", async () => {
    const alice = env.party("alice");
    const envelope = await alice.engine.package(helloSession("Ada"));
    const { createEngine } = await import("./engine.js");
    const second = createEngine({ eos: alice.eos, signingKey: alice.keys.signing, chain: alice.memorializer.query });
    try {
      const [a, b] = await Promise.all([alice.engine.execute(envelope), second.execute(envelope)]);
      const { ContractSchema, toCanonicalBinary } = await import("@p8e/spec-model");
      expect(toCanonicalBinary(ContractSchema, a.envelope.contract!)).toEqual(
        toCanonicalBinary(ContractSchema, b.envelope.contract!),
      );
      expect(a.fuelUsed).toBe(b.fuelUsed);
    } finally {
      second.close();
    }
  });

  it("refuses to execute an envelope twice", async () => {
    const alice = env.party("alice");
    const result = await alice.engine.run(helloSession("Twice"));
    await expect(alice.engine.execute(result.envelope)).rejects.toThrow("already executed");
  });

  it("refuses an expired execution", async () => {
    const alice = env.party("alice");
    const envelope = await alice.engine.package({ ...helloSession("Late"), expiresAt: new Date(Date.now() - 1000) });
    await expect(alice.engine.execute(envelope)).rejects.toThrow("the execution expired at");
  });
});

describe("Engine.package() refusals", { timeout: 60_000 }, () => {
  it("refuses an input the contract does not have, naming it", async () => {
    const session = { ...helloSession("x"), inputs: { nickname: input(StringValueSchema, { value: "x" }) } };
    await expect(env.party("alice").engine.package(session)).rejects.toThrow(
      'input "nickname" is not a proposed input of GreetingContract (its proposed inputs: name)',
    );
  });

  it("refuses an input of the wrong schema, naming it", async () => {
    const session = { ...helloSession("x"), inputs: { name: input(BytesValueSchema, { value: new Uint8Array([1]) }) } };
    await expect(env.party("alice").engine.package(session)).rejects.toThrow(
      'input "name" is a google.protobuf.BytesValue; greet takes a google.protobuf.StringValue',
    );
  });

  it("refuses a participant list without this party, or with a role the contract lacks", async () => {
    const alice = env.party("alice");
    const bob = env.party("bob");
    await expect(
      alice.engine.package({ ...helloSession("x"), participants: [bob.participant(PartyType.OWNER)] }),
    ).rejects.toThrow("this party's signing key is not among the participants");
    await expect(
      alice.engine.package({ ...helloSession("x"), participants: [alice.participant(PartyType.SERVICER)] }),
    ).rejects.toThrow("GreetingContract has no SERVICER role (its roles: OWNER)");
  });

  it("accepts an input given as bytes with its type name", async () => {
    const alice = env.party("alice");
    const bytes = toBinary(StringValueSchema, create(StringValueSchema, { value: "Bytes" }));
    const result = await alice.engine.run({
      ...helloSession("x"),
      inputs: { name: { typeName: StringValueSchema.typeName, bytes } },
    });
    expect(result.status).toBe("signed");
  });
});
