// Hello-world-shaped executions per second end to end — package (input stored in the object store),
// execute in the sandbox (output stored, contract signed, signed envelope stored),
// memorialize into the devnet in instant mode — against a floor that does the same object-store,
// crypto and chain work directly, without the engine and its sandbox. Floor and engine rounds are
// interleaved after a warm-up and their medians compared, because absolute times on a shared
// machine are noisy. Also: the sandbox's own cost per execution (a fresh QuickJS context holding the
// runtime and the bundle, the call, the copy back), measured alone.
//
//   pnpm --filter @p8e/engine bench [-- --executions 40 --rounds 5 --concurrency 4 --two-party 50]
//
// Then two parties, each with its own object store replicating to the other: the time from the
// invoker's execute through the counterparty's approval (re-execution, grants, answer) and the
// merge to the envelope memorialized, one execution at a time.
//
// The last line is a JSON object {"executions_s": …, "floor_executions_s": …, "floor_ratio": …,
// "sandbox_overhead_ms": …, "two_party_p50_ms": …, "two_party_p99_ms": …}.
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import { create, toBinary } from "@bufbuild/protobuf";
import { StringValueSchema, timestampFromDate } from "@bufbuild/protobuf/wkt";
import { PartyType } from "@p8e/contract-annotations";
import { bundleContract } from "@p8e/contract-annotations/bundle";
import { bytesToBase64, sha256, sign } from "@p8e/hashing-crypto";
import {
  ContractSchema,
  type ContractSpec,
  contractSpecClassname,
  EnvelopeSchema,
  ExecutionResult_Result,
  signingAndEncryptionKeys,
  toCanonicalBinary,
} from "@p8e/spec-model";
import { type EnvelopeState, input } from "../src/index.js";
import { DealContract, DealScopeSpecification, dealScopeSpecUuid } from "../src/testdata/deal-contracts.js";
import { dealEntry, greetingEntry } from "../src/testdata/entries.js";
import { greetingCall } from "../src/testdata/greeting-call.js";
import {
  GreetingContract,
  GreetingScopeSpecification,
  greetingScopeSpecUuid,
} from "../src/testdata/greeting-contract.js";
import { createTestEnvironment, type TestParty } from "../src/testing/index.js";

const { values } = parseArgs({
  // pnpm passes a lone "--" through to the script.
  args: process.argv.slice(2).filter((arg) => arg !== "--"),
  options: {
    executions: { type: "string", default: "40" },
    rounds: { type: "string", default: "5" },
    concurrency: { type: "string", default: "4" },
    "sandbox-runs": { type: "string", default: "50" },
    "two-party": { type: "string", default: "50" },
  },
});
const executions = Number(values.executions);
const rounds = Number(values.rounds);
const concurrency = Number(values.concurrency);
const sandboxRuns = Number(values["sandbox-runs"]);
const twoPartyRuns = Number(values["two-party"]);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const percentile = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)]!;

/** Where a two-party execution's time goes, from both parties' state timestamps (whole milliseconds). */
const phases = [
  ["packaging (input stored)", "invoke", "o.CREATED"],
  ["request to the counterparty's inbox", "o.CREATED", "s.INBOX"],
  ["its check and re-execution", "s.INBOX", "s.EXECUTED"],
  ["its answer stored", "s.EXECUTED", "s.OUTBOX"],
  ["answer to the invoker, merged", "s.OUTBOX", "o.SIGNED"],
  ["chain write (and signed envelope stored)", "o.SIGNED", "o.COMPLETE"],
] as const;

/** Milliseconds from each invoke to its envelope memorialized, two parties with a store each, and each phase's. */
async function twoPartyLatencies(runs: number): Promise<{ latencies: number[]; phases: number[][] }> {
  const pair = await createTestEnvironment({
    parties: ["originator", "servicer"],
    stores: "per-party",
    // Each store in its own process, as two organisations' stores would be.
    storeProcesses: true,
    policies: { servicer: () => "approve" },
  });
  try {
    const { specHash } = await pair.publish({
      contract: DealContract,
      bundle: await bundleContract(dealEntry),
      scopeSpecifications: [DealScopeSpecification],
    });
    const originator = pair.party("originator");
    const participants = [
      originator.participant(PartyType.ORIGINATOR),
      pair.party("servicer").participant(PartyType.SERVICER),
    ];
    const latencies: number[] = [];
    const phaseTimes: number[][] = phases.map(() => []);
    for (let i = 0; i < runs + 3; i++) {
      const controller = new AbortController();
      const completed = new Map<string, EnvelopeState>();
      let wanted: string | undefined;
      let done: () => void = () => undefined;
      const finished = new Promise<void>((resolve) => (done = resolve));
      const watching = (async () => {
        for await (const state of originator.flow.watch({ signal: controller.signal })) {
          if (state.status === "COMPLETE" || state.status === "ERROR") completed.set(state.executionUuid, state);
          if (wanted !== undefined && completed.has(wanted)) done();
        }
      })();
      const started = performance.now();
      const startedAt = Date.now();
      const state = await originator.flow.invoke({
        spec: specHash,
        scopeSpecUuid: dealScopeSpecUuid,
        participants,
        inputs: { deal: input(StringValueSchema, { value: `deal ${i}` }) },
      });
      wanted = state.executionUuid;
      if (completed.has(wanted)) done();
      await finished;
      const elapsed = performance.now() - started;
      controller.abort();
      await watching;
      const end = completed.get(wanted)!;
      if (end.status !== "COMPLETE") throw new Error(`two-party execution ${i}: ${end.error?.message}`);
      if (i < 3) continue; // the first few warm the path up
      latencies.push(elapsed);
      const counterpart = await pair.party("servicer").flow.get(wanted);
      const at: Record<string, number | undefined> = { invoke: startedAt };
      for (const [status, time] of Object.entries(end.times)) at[`o.${status}`] = time?.getTime();
      for (const [status, time] of Object.entries(counterpart?.times ?? {})) at[`s.${status}`] = time?.getTime();
      phases.forEach(([, from, to], p) => {
        const span = (at[to] ?? Number.NaN) - (at[from] ?? Number.NaN);
        if (!Number.isNaN(span)) phaseTimes[p]!.push(span);
      });
    }
    return { latencies, phases: phaseTimes };
  } finally {
    await pair.close();
  }
}

async function inParallel(count: number, task: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await task(next++);
    }),
  );
  return count / ((performance.now() - started) / 1000);
}

/** One execution through the engine: package, execute, memorialize. */
async function engineExecution(owner: TestParty, specHash: string, i: number): Promise<void> {
  const result = await owner.engine.run({
    spec: specHash,
    scopeSpecUuid: greetingScopeSpecUuid,
    participants: [owner.participant(PartyType.OWNER)],
    inputs: { name: input(StringValueSchema, { value: `engine ${i}` }) },
  });
  if (result.status !== "signed") throw new Error(`execution ${i} is ${result.status}`);
  const { outcomes } = await owner.memorializer.memorialize([result.envelope]);
  if (outcomes[0]?.status !== "memorialized") throw new Error(`execution ${i}: ${outcomes[0]?.error?.message}`);
}

/** The same work done directly: the input stored, the output computed and stored, the contract signed, the envelope stored and memorialized. */
async function floorExecution(owner: TestParty, spec: ContractSpec, specHash: string, i: number): Promise<void> {
  const keys = owner.keys;
  const name = toBinary(StringValueSchema, create(StringValueSchema, { value: `floor ${i}` }));
  await owner.eos.put(name, { audience: [] });
  const greeting = toBinary(StringValueSchema, create(StringValueSchema, { value: `hello, floor ${i}` }));
  await owner.eos.put(greeting, { audience: [] });
  const fn = spec.functionSpecs[0]!;
  const startTime = timestampFromDate(new Date());
  const contract = create(ContractSchema, {
    definition: spec.definition,
    spec: { name: spec.definition!.name, dataLocation: { classname: contractSpecClassname, ref: { hash: specHash } } },
    invoker: signingAndEncryptionKeys(keys.signing.publicKey, keys.encryption.publicKey),
    considerations: [
      {
        considerationName: fn.funcName,
        inputs: [{ name: "name", hash: bytesToBase64(sha256(name)), classname: StringValueSchema.typeName }],
        result: {
          result: ExecutionResult_Result.PASS,
          output: { name: "greeting", hash: bytesToBase64(sha256(greeting)), classname: StringValueSchema.typeName },
          recordedAt: startTime,
        },
      },
    ],
    recitals: [
      {
        signerRole: PartyType.OWNER,
        signer: signingAndEncryptionKeys(keys.signing.publicKey, keys.encryption.publicKey),
      },
    ],
    timesExecuted: 1,
    startTime,
  });
  const bytes = toCanonicalBinary(ContractSchema, contract);
  const envelope = create(EnvelopeSchema, {
    ref: {
      scopeUuid: { value: randomUUID() },
      sessionUuid: { value: randomUUID() },
      hash: bytesToBase64(sha256(bytes)),
    },
    contract,
    signatures: [
      {
        algo: "SHA512withECDSA",
        provider: "BC",
        signature: bytesToBase64(sign(bytes, keys.signing)),
        signer: signingAndEncryptionKeys(keys.signing.publicKey, keys.encryption.publicKey),
      },
    ],
    executionUuid: { value: randomUUID() },
    scopeSpecUuid: { value: greetingScopeSpecUuid },
    newScope: true,
    newSession: true,
  });
  await owner.eos.putMessage(EnvelopeSchema, envelope, { audience: [] });
  const { outcomes } = await owner.memorializer.memorialize([envelope]);
  if (outcomes[0]?.status !== "memorialized") throw new Error(`floor ${i}: ${outcomes[0]?.error?.message}`);
}

const env = await createTestEnvironment({ parties: ["owner"] });
try {
  const owner = env.party("owner");
  const bundle = await bundleContract(greetingEntry);
  const published = await env.publish({
    contract: GreetingContract,
    bundle,
    scopeSpecifications: [GreetingScopeSpecification],
  });

  // Warm-up: QuickJS compiled on the sandbox thread, connections open, caches filled.
  await inParallel(8, (i) => engineExecution(owner, published.specHash, i));
  await inParallel(8, (i) => floorExecution(owner, published.spec, published.specHash, i));

  const engineRates: number[] = [];
  const floorRates: number[] = [];
  for (let round = 0; round < rounds; round++) {
    floorRates.push(await inParallel(executions, (i) => floorExecution(owner, published.spec, published.specHash, i)));
    engineRates.push(await inParallel(executions, (i) => engineExecution(owner, published.specHash, i)));
    console.log(
      `round ${round + 1}: floor ${floorRates.at(-1)!.toFixed(1)}/s, engine ${engineRates.at(-1)!.toFixed(1)}/s`,
    );
  }

  // The sandbox alone: one fresh context per run, sequentially.
  const call = greetingCall("sandbox", timestampFromDate(new Date()));
  const sandbox = owner.engine.sandbox;
  const times: number[] = [];
  for (let i = 0; i < sandboxRuns; i++) {
    const started = performance.now();
    const run = await sandbox.run(bundle, call);
    times.push(performance.now() - started);
    if (run.result?.outcomes[0]?.passed !== true) throw new Error("the sandbox run failed");
  }

  const { latencies, phases: phaseTimes } = await twoPartyLatencies(twoPartyRuns);

  const executionsPerSecond = median(engineRates);
  const floorPerSecond = median(floorRates);
  const summary = {
    executions_s: Number(executionsPerSecond.toFixed(2)),
    floor_executions_s: Number(floorPerSecond.toFixed(2)),
    floor_ratio: Number((executionsPerSecond / floorPerSecond).toFixed(3)),
    sandbox_overhead_ms: Number(median(times).toFixed(2)),
    two_party_p50_ms: Number(percentile(latencies, 50).toFixed(1)),
    two_party_p99_ms: Number(percentile(latencies, 99).toFixed(1)),
  };
  console.log(
    `executions          ${summary.executions_s}/s (median of ${rounds} rounds of ${executions}, ${concurrency} at a time)`,
  );
  console.log(
    `floor               ${summary.floor_executions_s}/s (the same store, crypto and chain work without the engine)`,
  );
  console.log(`floor_ratio         ${summary.floor_ratio}`);
  console.log(`sandbox_overhead    ${summary.sandbox_overhead_ms} ms per execution (median of ${sandboxRuns})`);
  console.log(
    `two_party           p50 ${summary.two_party_p50_ms} ms, p99 ${summary.two_party_p99_ms} ms (${twoPartyRuns} executions, invoke → approved → merged → memorialized, a store each)`,
  );
  console.log("two_party phases    (medians, ms; the invoker executes while its request travels)");
  for (const [p, [name]] of phases.entries()) console.log(`  ${name.padEnd(42)} ${median(phaseTimes[p]!)}`);
  console.log(JSON.stringify(summary));
} finally {
  await env.close();
}
