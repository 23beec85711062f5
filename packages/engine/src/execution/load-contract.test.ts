import { clone, create } from "@bufbuild/protobuf";
import { StringValueSchema } from "@bufbuild/protobuf/wkt";
import { PartyType } from "@p8e/contract-annotations";
import { bundleContract } from "@p8e/contract-annotations/bundle";
import { ContractSpecSchema, toCanonicalBinary } from "@p8e/spec-model";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEngine } from "../engine.js";
import { isEngineError } from "../errors.js";
import { input } from "../session/session-options.js";
import { greetingEntry, hostileEntry } from "../testdata/entries.js";
import { replaceObject } from "../testdata/forge.js";
import { GreetingContract, GreetingScopeSpecification, greetingScopeSpecUuid } from "../testdata/greeting-contract.js";
import { HostileContract, HostileScopeSpecification } from "../testdata/hostile-contract.js";
import { createTestEnvironment, type PublishedContract, type TestEnvironment } from "../testing/index.js";

let env: TestEnvironment;
let hello: PublishedContract;
let hostile: PublishedContract;

beforeAll(async () => {
  env = await createTestEnvironment({ parties: ["alice", "bob"], sandbox: { fuel: 500 } });
  hello = await env.publish({
    contract: GreetingContract,
    bundle: await bundleContract(greetingEntry),
    scopeSpecifications: [GreetingScopeSpecification],
  });
  const hostileBundle = await bundleContract(hostileEntry);
  hostile = await env.publish({
    contract: HostileContract,
    bundle: hostileBundle,
    scopeSpecifications: [HostileScopeSpecification],
  });
}, 60_000);

afterAll(async () => {
  await env?.close();
});

const owner = () => [env.party("alice").participant(PartyType.OWNER)];

function helloSession(spec: string) {
  return {
    spec,
    scopeSpecUuid: greetingScopeSpecUuid,
    participants: owner(),
    inputs: { name: input(StringValueSchema, { value: "Grace" }) },
  };
}

/** A fresh engine for alice: nothing cached, so spec and bundle come from the store. */
function freshEngine() {
  const alice = env.party("alice");
  return createEngine({ eos: alice.eos, signingKey: alice.keys.signing, chain: alice.memorializer.query });
}

async function refusal(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isEngineError(error)) throw new Error(`expected an EngineError, got ${String(error)}`);
  return { code: error.code, message: error.message };
}

describe("Engine.execute() with a failing contract", { timeout: 60_000 }, () => {
  it("ends in FAIL naming the function and the limit, skips the rest, and keeps serving", async () => {
    const alice = env.party("alice");
    const result = await alice.engine.run({
      spec: hostile.specHash,
      scopeSpecUuid: "5c6f1d0e-2b8a-4f3e-9d1c-7a2b3c4d5e6f",
      participants: owner(),
      inputs: { text: input(StringValueSchema, { value: "x" }) },
    });
    expect(result.status).toBe("failed");
    if (result.status !== "failed") return;
    expect(result.failure).toEqual({
      function: "loop",
      reason: "the contract ran out of fuel (limit 500 ticks)",
      limit: "fuel",
    });
    expect(result.outcomes.map((o) => `${o.function}:${o.result}`).slice(0, 4)).toEqual([
      "echo:PASS",
      "time:PASS",
      "loop:FAIL",
      "allocate:SKIP",
    ]);
    expect(result.outcomes[3]!.reason).toBe("not run: loop failed first");
    await expect(env.memorialize(result)).rejects.toThrow("only a signed execution can be memorialized");
    expect((await alice.engine.run(helloSession(hello.specHash))).status).toBe("signed");
  });
});

describe("Engine.execute() refusals", { timeout: 60_000 }, () => {
  it("refuses a bundle whose decorators do not dehydrate to the spec, before anything runs", async () => {
    const alice = env.party("alice");
    const altered = clone(ContractSpecSchema, hello.spec);
    altered.functionSpecs[0]!.outputSpec!.spec!.name = "salutation";
    const stored = await alice.engine.storeContract(await bundleContract(greetingEntry), altered);
    expect(toCanonicalBinary(ContractSpecSchema, altered)).not.toEqual(
      toCanonicalBinary(ContractSpecSchema, hello.spec),
    );
    const engine = freshEngine();
    try {
      expect(await refusal(engine.run(helloSession(stored.specHash)))).toEqual({
        code: "spec-mismatch",
        message: `bundle ${hello.bundleHash} does not dehydrate to spec ${stored.specHash}: its decorators declare a different contract`,
      });
    } finally {
      engine.close();
    }
  });

  it("refuses a spec the store serves under another spec's hash", async () => {
    const alice = env.party("alice");
    const envelope = await alice.engine.package(helloSession(hello.specHash));
    const other = create(ContractSpecSchema, { definition: { name: "Impostor" } });
    const bob = env.party("bob");
    await replaceObject(alice.eos, alice.keys, hello.specHash, toCanonicalBinary(ContractSpecSchema, other), [
      bob.keys.encryption.publicKey,
    ]);
    const engine = freshEngine();
    try {
      const { code, message } = await refusal(engine.execute(envelope));
      expect(code).toBe("hash-mismatch");
      expect(message).toContain(`loading contract spec ${hello.specHash}`);
    } finally {
      engine.close();
    }
  });

  it("refuses a bundle the store serves under another bundle's hash", async () => {
    const alice = env.party("alice");
    const envelope = await alice.engine.package({
      spec: hostile.specHash,
      scopeSpecUuid: "5c6f1d0e-2b8a-4f3e-9d1c-7a2b3c4d5e6f",
      participants: owner(),
      inputs: { text: input(StringValueSchema, { value: "x" }) },
    });
    const bob = env.party("bob");
    const code = new TextEncoder().encode("export class HostileContract {}");
    await replaceObject(alice.eos, alice.keys, hostile.bundleHash, code, [bob.keys.encryption.publicKey]);
    const engine = freshEngine();
    try {
      const refused = await refusal(engine.execute(envelope));
      expect(refused.code).toBe("hash-mismatch");
      expect(refused.message).toContain(`loading contract bundle ${hostile.bundleHash}`);
    } finally {
      engine.close();
    }
  });
});
