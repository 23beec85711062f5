import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { type StringValue, StringValueSchema, timestampFromMs } from "@bufbuild/protobuf/wkt";
import { dehydrate } from "@p8e/contract-annotations";
import { bundleContract, type ContractBundle } from "@p8e/contract-annotations/bundle";
import { ContractSpecSchema, toCanonicalBinary } from "@p8e/spec-model";
import { type SandboxCall, SandboxCallSchema } from "@p8e/spec-model/engine";
import { beforeAll, describe, expect, it } from "vitest";
import { isEngineError } from "../errors.js";
import { greetingEntry, hostileEntry, moduleLoadingEntry } from "../testdata/entries.js";
import { greetingCall } from "../testdata/greeting-call.js";
import { GreetingContract } from "../testdata/greeting-contract.js";
import { buildSandboxRuntime, renderRuntimeModule } from "./build-runtime.js";
import { createSandbox } from "./sandbox.js";

let hello: ContractBundle;
let hostile: ContractBundle;

beforeAll(async () => {
  [hello, hostile] = await Promise.all([bundleContract(greetingEntry), bundleContract(hostileEntry)]);
});

function helloCall(firstName: string): SandboxCall {
  return greetingCall(firstName, timestampFromMs(1_700_000_000_000));
}

function hostileCall(fn: string, value = "x"): SandboxCall {
  return create(SandboxCallSchema, {
    contractName: "HostileContract",
    startTime: timestampFromMs(1_700_000_000_000),
    functions: [
      {
        name: fn,
        outputTypeName: StringValueSchema.typeName,
        arguments: [
          {
            name: "text",
            typeName: StringValueSchema.typeName,
            present: true,
            values: [toBinary(StringValueSchema, create(StringValueSchema, { value }))],
          },
        ],
      },
    ],
  });
}

async function failureOf(fn: string, limits: Parameters<typeof createSandbox>[0] = {}): Promise<string> {
  const run = await createSandbox(limits).run(hostile, hostileCall(fn));
  const outcome = run.result?.outcomes[0];
  expect(outcome?.passed, `${fn} should fail`).toBe(false);
  return outcome?.error ?? "";
}

describe("createSandbox()", () => {
  it("runs a contract function on protobuf bytes and returns its output bytes", async () => {
    const run = await createSandbox().run(hello, helloCall("Grace"));
    expect(run.failure).toBeUndefined();
    const outcome = run.result!.outcomes[0]!;
    expect(outcome.passed).toBe(true);
    const output = fromBinary(StringValueSchema, outcome.output);
    expect(output.value).toBe("hello, Grace");
    expect(run.fuelUsed).toBeGreaterThan(0);
  });

  it("gives byte-identical outputs and the same fuel in two sandboxes", async () => {
    const [a, b] = await Promise.all([
      createSandbox().run(hello, helloCall("Ada")),
      createSandbox().run(hello, helloCall("Ada")),
    ]);
    expect(a.result!.outcomes[0]!.output).toEqual(b.result!.outcomes[0]!.output);
    expect(a.fuelUsed).toBe(b.fuelUsed);
  });

  it("dehydrates the bundle's own decorators to the spec the source dehydrates to", async () => {
    const fromSandbox = await createSandbox().describe(hello, "GreetingContract");
    const fromSource = toCanonicalBinary(ContractSpecSchema, dehydrate(GreetingContract, { bundleHash: hello.hash }));
    expect(fromSandbox).toEqual(fromSource);
  });

  it("refuses to describe a class the bundle does not export", async () => {
    const error = await createSandbox()
      .describe(hello, "NoSuchContract")
      .catch((e: unknown) => e);
    expect(isEngineError(error) && error.code).toBe("spec-mismatch");
    expect(String(error)).toContain("exports no contract class named NoSuchContract");
  });

  it("gives the contract its start time as currentTime", async () => {
    const run = await createSandbox().run(hostile, hostileCall("time"));
    const output = fromBinary(StringValueSchema, run.result!.outcomes[0]!.output);
    expect(output.value).toBe(new Date(1_700_000_000_000).toISOString());
  });

  it("fails a function that reads currentTime when no start time is set", async () => {
    const call = hostileCall("time");
    call.startTime = undefined;
    const run = await createSandbox().run(hostile, call);
    expect(run.result!.outcomes[0]!.error).toContain("no execution time");
  });

  it("reports the runtime's hash", () => {
    expect(createSandbox().runtimeHash).toMatch(/^[A-Za-z0-9+/]{43}=$/);
  });

  it("holds the committed runtime as a fresh build makes it", async () => {
    const { readFile } = await import("node:fs/promises");
    const committed = await readFile(new URL("../gen/sandbox-runtime.ts", import.meta.url), "utf8");
    expect(renderRuntimeModule(await buildSandboxRuntime())).toBe(committed);
  });
});

describe("createSandbox() with hostile contracts", () => {
  it("ends an endless loop when the fuel runs out", async () => {
    expect(await failureOf("loop", { fuel: 500 })).toBe("the contract ran out of fuel (limit 500 ticks)");
  });

  it("uses the same fuel for the same endless loop every time", async () => {
    const a = await createSandbox({ fuel: 300 }).run(hostile, hostileCall("loop"));
    const b = await createSandbox({ fuel: 300 }).run(hostile, hostileCall("loop"));
    expect(a.fuelUsed).toBe(b.fuelUsed);
    expect(a.limit).toBe("fuel");
  });

  it("backs fuel up with a wall-clock limit", async () => {
    const run = await createSandbox({ fuel: 1_000_000_000, wallClockMs: 200 }).run(hostile, hostileCall("loop"));
    expect(run.limit).toBe("time");
    expect(run.result!.outcomes[0]!.error).toBe("the contract ran longer than the wall-clock limit of 200 ms");
  });

  it("ends endless allocation at the memory limit", async () => {
    expect(await failureOf("allocate", { memoryBytes: 16 * 1024 * 1024 })).toBe(
      "the contract exceeded its memory limit of 16777216 bytes",
    );
  });

  it("ends endless recursion at the stack limit", async () => {
    expect(await failureOf("recurse", { stackBytes: 256 * 1024 })).toBe(
      "the contract exceeded its stack limit of 262144 bytes",
    );
  });

  it.each([
    ["clock", "Date.now() is not available in a contract"],
    ["newDate", "Date.now() is not available in a contract"],
    ["random", "Math.random() is not available in a contract"],
    ["cryptoRandom", "crypto.getRandomValues() is not available in a contract"],
    ["host", "no host globals"],
    ["pollute", "TypeError"],
    ["notMessage", 'its @Record("notMessage") is google.protobuf.StringValue'],
    ["huge", "more than the limit of 4194304"],
  ])("fails %s cleanly", async (fn, message) => {
    expect(await failureOf(fn)).toContain(message);
  });

  it("leaves the host's prototypes alone", async () => {
    await failureOf("pollute");
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("starts every execution afresh: nothing an earlier one stored survives", async () => {
    const sandbox = createSandbox();
    for (let i = 0; i < 3; i++) {
      const run = await sandbox.run(hostile, hostileCall("remember"));
      expect(fromBinary(StringValueSchema, run.result!.outcomes[0]!.output).value).toBe("execution 1");
    }
  });

  it("offers no WeakRef or FinalizationRegistry", async () => {
    const run = await createSandbox().run(hostile, hostileCall("weakRef"));
    expect(fromBinary(StringValueSchema, run.result!.outcomes[0]!.output).value).toBe("undefined undefined");
  });

  it("refuses to load modules beyond the bundle and the host modules", async () => {
    const bundle = await bundleContract(moduleLoadingEntry);
    const call = hostileCall("echo");
    call.contractName = "ModuleLoadingContract";
    const run = await createSandbox().run(bundle, call);
    expect(run.failure?.message).toContain('module "fs" is not available in the contract sandbox');
  });

  it("keeps serving after every limit", async () => {
    const sandbox = createSandbox({ fuel: 300, memoryBytes: 16 * 1024 * 1024, stackBytes: 256 * 1024 });
    for (const fn of ["loop", "allocate", "recurse"]) await sandbox.run(hostile, hostileCall(fn));
    const run = await sandbox.run(hostile, hostileCall("echo", "still here"));
    const echoed: StringValue = fromBinary(StringValueSchema, run.result!.outcomes[0]!.output);
    expect(echoed.value).toBe("echo: still here");
  });
});

describe("sandboxLimits()", () => {
  it("refuses a limit below what the runtime needs", async () => {
    expect(() => createSandbox({ memoryBytes: 1024 })).toThrow(
      "sandbox limit memoryBytes must be an integer of at least",
    );
  });
});
