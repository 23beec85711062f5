import { create } from "@bufbuild/protobuf";
import { StringValueSchema } from "@bufbuild/protobuf/wkt";
import { PartyType } from "@p8e/contract-annotations";
import { bundleContract } from "@p8e/contract-annotations/bundle";
import { envelopeToMsgs } from "@p8e/memorializer";
import { ContractSpecSchema, MetadataAddress, toCanonicalBinary } from "@p8e/spec-model";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ExecutionResult } from "../execution/execution-result.js";
import { input } from "../session/session-options.js";
import { ClockContract, ClockScopeSpecification } from "../testdata/clock-contract.js";
import { clockEntry, greetingEntry } from "../testdata/entries.js";
import { replaceObject } from "../testdata/forge.js";
import { GreetingContract, GreetingScopeSpecification, greetingScopeSpecUuid } from "../testdata/greeting-contract.js";
import { createTestEnvironment, type PublishedContract, type TestEnvironment } from "../testing/index.js";

let env: TestEnvironment;
let hello: PublishedContract;
let clock: PublishedContract;

beforeAll(async () => {
  env = await createTestEnvironment({ parties: ["alice", "bob"] });
  hello = await env.publish({
    contract: GreetingContract,
    bundle: await bundleContract(greetingEntry),
    scopeSpecifications: [GreetingScopeSpecification],
  });
  const clockBundle = await bundleContract(clockEntry);
  clock = await env.publish({
    contract: ClockContract,
    bundle: clockBundle,
    scopeSpecifications: [ClockScopeSpecification],
  });
}, 60_000);

afterAll(async () => {
  await env?.close();
});

async function runHello(firstName: string): Promise<ExecutionResult> {
  const alice = env.party("alice");
  return alice.engine.run({
    spec: hello.specHash,
    scopeSpecUuid: greetingScopeSpecUuid,
    participants: [alice.participant(PartyType.OWNER)],
    inputs: { name: input(StringValueSchema, { value: firstName }) },
  });
}

async function runClock(label: string): Promise<ExecutionResult> {
  const alice = env.party("alice");
  return alice.engine.run({
    spec: clock.specHash,
    scopeSpecUuid: "8f0e2d4c-6b8a-4c1e-a3f5-0d2b4c6e8a1f",
    participants: [alice.participant(PartyType.OWNER)],
    inputs: { label: input(StringValueSchema, { value: label }) },
  });
}

/** Memorializes a signed result as another implementation would: without a session context. */
async function memorializeWithoutContext(result: ExecutionResult): Promise<string> {
  const alice = env.party("alice");
  const msgs = envelopeToMsgs(result.envelope, { sessionContext: new Uint8Array() });
  await alice.memorializer.submit(msgs);
  return MetadataAddress.forScope(result.envelope.ref!.scopeUuid!.value).toString();
}

describe("Engine.verify()", { timeout: 60_000 }, () => {
  it("verifies a session whose envelope the context names, record by record", async () => {
    const result = await runClock("first");
    const outcome = await env.memorialize(result);
    const report = await env
      .party("bob")
      .engine.verify(outcome.scope!)
      .catch((e: unknown) => e);
    // Bob is no party to the scope: the envelope was not stored for him.
    expect(report).toMatchObject({ verified: false, sessions: [{ status: "not-verifiable", source: "envelope" }] });
    const own = await env.party("alice").engine.verify(outcome.scope!);
    expect(own.verified).toBe(true);
    expect(own.sessions[0]!.records[0]).toMatchObject({ name: "stamp", status: "verified" });
  });

  it("catches an output tampered in the object store", async () => {
    const result = await runHello("Tampered");
    const outcome = await env.memorialize(result);
    const alice = env.party("alice");
    const hash = result.outcomes[0]!.output!.hash;
    await replaceObject(alice.eos, alice.keys, hash, new TextEncoder().encode("not the output"), []);
    const report = await alice.engine.verify(outcome.scope!);
    expect(report.verified).toBe(false);
    expect(report.sessions[0]).toMatchObject({ status: "mismatch" });
    expect(report.sessions[0]!.records[0]).toMatchObject({
      name: "greeting",
      status: "mismatch",
      chainHash: hash,
      computedHash: hash,
    });
    expect(report.sessions[0]!.records[0]!.reason).toContain("the object store does not hold this output intact");
  });

  it("catches a spec swapped in the object store", async () => {
    const result = await runHello("Swapped");
    const outcome = await env.memorialize(result);
    const alice = env.party("alice");
    const other = create(ContractSpecSchema, { definition: { name: "Impostor" } });
    const { createEngine } = await import("../engine.js");
    const fresh = createEngine({ eos: alice.eos, signingKey: alice.keys.signing, chain: alice.memorializer.query });
    try {
      await replaceObject(alice.eos, alice.keys, hello.specHash, toCanonicalBinary(ContractSpecSchema, other), [
        env.party("bob").keys.encryption.publicKey,
      ]);
      const report = await fresh.verify(outcome.scope!);
      expect(report.sessions[0]).toMatchObject({ status: "mismatch" });
      expect(report.sessions[0]!.reason).toContain("re-execution was refused: hash-mismatch");
    } finally {
      fresh.close();
      // Put the real spec back for the other tests.
      await replaceObject(alice.eos, alice.keys, hello.specHash, toCanonicalBinary(ContractSpecSchema, hello.spec), [
        env.party("bob").keys.encryption.publicKey,
      ]);
    }
  });

  it("rebuilds a session written without a context from the chain's records", async () => {
    const result = await runHello("Rebuilt");
    const scope = await memorializeWithoutContext(result);
    const report = await env.party("alice").engine.verify(scope);
    expect(report.sessions[0]).toMatchObject({ status: "verified", source: "chain" });
  });

  it("says why a session without a context that reads the execution time cannot be verified", async () => {
    const result = await runClock("second");
    const scope = await memorializeWithoutContext(result);
    const report = await env.party("alice").engine.verify(scope);
    expect(report.sessions[0]).toMatchObject({ status: "not-verifiable", source: "chain" });
    expect(report.sessions[0]!.records[0]!.reason).toBe(
      "stamp reads the execution time, which only the envelope holds",
    );
  });
});
