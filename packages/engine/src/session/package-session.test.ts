import { StringValueSchema } from "@bufbuild/protobuf/wkt";
import { PartyType } from "@p8e/contract-annotations";
import { bundleContract } from "@p8e/contract-annotations/bundle";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ExecutionResult } from "../execution/execution-result.js";
import { tallyEntry } from "../testdata/entries.js";
import { TallyContract, TallyScopeSpecification } from "../testdata/tally-contract.js";
import { createTestEnvironment, type PublishedContract, type TestEnvironment } from "../testing/index.js";
import { input } from "./session-options.js";

let env: TestEnvironment;
let tally: PublishedContract;

beforeAll(async () => {
  env = await createTestEnvironment({ parties: ["alice", "bob"] });
  tally = await env.publish({
    contract: TallyContract,
    bundle: await bundleContract(tallyEntry),
    scopeSpecifications: [TallyScopeSpecification],
  });
}, 60_000);

afterAll(async () => {
  await env?.close();
});

function outputOf(result: ExecutionResult, fn: string) {
  return result.outcomes.find((o) => o.function === fn);
}

describe("Engine.package() on an existing scope", { timeout: 60_000 }, () => {
  it("feeds the scope's records to the constructor and functions, re-shares them, and sets ancestors", async () => {
    const alice = env.party("alice");
    const bob = env.party("bob");
    const owner = [alice.participant(PartyType.OWNER)];

    const first = await alice.engine.run({
      spec: tally.specHash,
      scopeSpecUuid: "0d7c2b9e-4a1f-4e8b-b3c5-6f7a8b9c0d1e",
      participants: owner,
      inputs: { amount: input(StringValueSchema, { value: "5" }) },
    });
    expect(outputOf(first, "add")?.result).toBe("PASS");
    expect(outputOf(first, "double")).toMatchObject({ result: "SKIP", reason: "input tally is missing" });
    const { scope } = await env.memorialize(first);
    const firstTally = outputOf(first, "add")!.output!.hash;
    await expect(bob.eos.get(firstTally)).rejects.toThrow();

    // The second session reads tally 5 from the chain; bob joins as data access.
    const second = await alice.engine.run({
      spec: tally.specHash,
      scope: scope!,
      participants: owner,
      inputs: { amount: input(StringValueSchema, { value: "3" }) },
      dataAccess: [bob.keys.encryption.publicKey],
    });
    expect(second.status).toBe("signed");
    const contract = second.envelope.contract!;
    expect(contract.inputs).toEqual([
      expect.objectContaining({
        name: "tally",
        dataLocation: expect.objectContaining({ ref: expect.objectContaining({ hash: firstTally, name: "tally" }) }),
      }),
    ]);
    expect(second.envelope.newScope).toBe(false);
    const add = contract.considerations.find((c) => c.considerationName === "add")!;
    expect(add.result?.output?.ancestor).toMatchObject({ hash: firstTally, name: "tally" });
    await env.memorialize(second);

    const hydrated = await alice.engine.hydrate(scope!, { schemas: [StringValueSchema] });
    expect(hydrated.get("tally", StringValueSchema)?.value).toBe("8");
    expect(hydrated.get("doubled", StringValueSchema)?.value).toBe("10");
    // Re-shared for the new audience, and every output stored for it.
    expect(new TextDecoder().decode(await bob.eos.get(firstTally))).toContain("5");
    expect(await bob.engine.hydrate(scope!, { schemas: [StringValueSchema] })).toBeDefined();

    const history = await alice.engine.history(scope!, { recordName: "tally" });
    expect(history.map((v) => v.outputHashes[0])).toEqual([firstTally, outputOf(second, "add")!.output!.hash]);
    // The chain drops the first session once its only record moved to the second; history keeps it.
    const report = await alice.engine.verify(scope!);
    expect(report.verified).toBe(true);
    expect(report.sessions).toHaveLength(1);
    expect(report.sessions[0]!.records.map((r) => [r.name, r.status])).toEqual([
      ["tally", "verified"],
      ["doubled", "verified"],
    ]);
  });

  it("refuses a scope that lacks a record the constructor requires, naming it", async () => {
    const alice = env.party("alice");
    const view = await alice.memorializer.query.scope(
      (
        await env.memorialize(
          await alice.engine.run({
            spec: tally.specHash,
            scopeSpecUuid: "0d7c2b9e-4a1f-4e8b-b3c5-6f7a8b9c0d1e",
            participants: [alice.participant(PartyType.OWNER)],
            inputs: { amount: input(StringValueSchema, { value: "1" }) },
          }),
        )
      ).scope!,
    );
    const withoutRecords = { ...view!, records: [] };
    const spec = structuredClone(tally.spec);
    spec.inputSpecs[0]!.optional = false;
    await expect(
      alice.engine.package({ spec, scope: withoutRecords, participants: [alice.participant(PartyType.OWNER)] }),
    ).rejects.toThrow("the scope has no record tally, which TallyContract's constructor requires");
  });
});

describe("Engine.package() with a list record", { timeout: 60_000 }, () => {
  it("gives the constructor every output of a list record (FACT_LIST)", async () => {
    const { create, toBinary } = await import("@bufbuild/protobuf");
    const { MetadataAddress, contractSpecId } = await import("@p8e/spec-model");
    const { RecordSchema, ScopeSchema, SessionSchema } = await import("@p8e/spec-model/metadata");
    const { NotesContract, NotesScopeSpecification } = await import("../testdata/notes-contract.js");
    const { notesEntry } = await import("../testdata/entries.js");
    const alice = env.party("alice");
    const notes = await env.publish({
      contract: NotesContract,
      bundle: await bundleContract(notesEntry),
      scopeSpecifications: [NotesScopeSpecification],
    });
    // A scope as the chain would hold it, whose record "notes" has two outputs (a RECORD_LIST).
    const stored = [];
    for (const value of ["first", "second"]) {
      const bytes = toBinary(StringValueSchema, create(StringValueSchema, { value }));
      stored.push((await alice.eos.put(bytes)).hashBase64);
    }
    const scopeUuid = crypto.randomUUID();
    const session = MetadataAddress.forSession(scopeUuid, crypto.randomUUID());
    const view = {
      scope: create(ScopeSchema, {
        scopeId: MetadataAddress.forScope(scopeUuid).bytes,
        specificationId: MetadataAddress.forScopeSpecification("9c8b7a69-5847-4362-a150-f4e3d2c1b0a9").bytes,
        owners: [{ address: alice.address, role: 5 }],
      }),
      sessions: [
        create(SessionSchema, { sessionId: session.bytes, specificationId: contractSpecId(notes.spec).address.bytes }),
      ],
      records: [
        create(RecordSchema, {
          name: "notes",
          sessionId: session.bytes,
          process: { name: StringValueSchema.typeName, method: "summarize" },
          outputs: stored.map((hash) => ({ hash, status: 1 })),
        }),
      ],
    };
    const result = await alice.engine.run({
      spec: notes.specHash,
      scope: view,
      participants: [alice.participant(PartyType.OWNER)],
      inputs: { note: input(StringValueSchema, { value: "third" }) },
    });
    expect(result.envelope.contract!.inputs.map((i) => i.dataLocation?.ref?.hash)).toEqual(stored);
    expect(result.status).toBe("signed");
    const summary = result.outcomes[0]!.output!;
    const bytes = await alice.eos.get(summary.hash);
    const { fromBinary } = await import("@bufbuild/protobuf");
    expect(fromBinary(StringValueSchema, bytes).value).toBe("first | second | third");
  });
});
