/// <reference path="../web-types.d.ts" />
// The contract sandbox's engine room, QuickJS compiled to WebAssembly, run on the calling thread
// (the worker threads of ./threaded-sandbox.ts run it). Each run gets a fresh QuickJS runtime and
// context (no state survives between executions), the pinned runtime bundle, the contract bundle
// and nothing else: no host functions, no I/O, no module beyond those. CPU is metered in fuel
// (QuickJS's interrupt ticks, the same count for the same code and inputs on every party),
// memory and stack are capped, and a wall-clock deadline backs the fuel up.
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import variant from "@jitl/quickjs-wasmfile-release-sync";
import { bytesToBase64, sha256, utf8ToBytes } from "@p8e/hashing-crypto";
import { SandboxCallSchema, SandboxOutcomeSchema, SandboxResultSchema } from "@p8e/spec-model/engine";
import {
  newQuickJSWASMModuleFromVariant,
  newVariant,
  type QuickJSContext,
  type QuickJSHandle,
  type QuickJSRuntime,
  type QuickJSSyncVariant,
} from "quickjs-emscripten-core";
import { EngineError } from "../errors.js";
import { hostModuleExports, runtimeSource } from "../gen/sandbox-runtime.js";
import { type SandboxLimits, sandboxLimits } from "./limits.js";
import type { ContractCode, ContractSandbox, SandboxLimit, SandboxRun } from "./sandbox.js";

const RUNTIME = "p8e:runtime";
const CONTRACT = "p8e:contract";

const hostModuleShims: ReadonlyMap<string, string> = new Map(
  Object.entries(hostModuleExports).map(([name, exports], index) => [
    name,
    exports.length === 0
      ? `export {};`
      : `import { m${index} as m } from "${RUNTIME}";\nexport const { ${exports.join(", ")} } = m;`,
  ]),
);

/** The runtime hash: SHA-256 over every module the sandbox serves besides the contract. */
export const runtimeHash: string = bytesToBase64(
  sha256(utf8ToBytes(JSON.stringify([[RUNTIME, runtimeSource], ...[...hostModuleShims].sort()]))),
);

function messageOf(context: QuickJSContext, handle: QuickJSHandle): string {
  const value = context.dump(handle) as unknown;
  if (typeof value === "object" && value !== null && "message" in value) {
    const { name, message } = value as { name?: unknown; message?: unknown };
    return name === undefined || name === "Error" ? String(message) : `${String(name)}: ${String(message)}`;
  }
  return String(value);
}

/** Copies an ArrayBuffer out of the sandbox and frees its handle. */
function bytesOf(context: QuickJSContext, handle: QuickJSHandle): Uint8Array {
  try {
    const view = context.getArrayBuffer(handle);
    try {
      return view.value.slice();
    } finally {
      view.dispose();
    }
  } finally {
    handle.dispose();
  }
}

interface Meter {
  fuelUsed: number;
  limit: SandboxLimit | undefined;
  deadline: number;
}

const ENTRY = "p8e:entry";
/** The module each execution evaluates: the contract bundle, and the driver's calls on it. */
const ENTRY_SOURCE = `import { describeBundle, prepareCall, runFunction } from "${RUNTIME}";
import * as contract from "${CONTRACT}";
export const describe = (name, hash) => describeBundle(contract, name, hash);
export const prepare = (call) => prepareCall(contract, call);
export const run = (index) => runFunction(index);`;

/** Initial WebAssembly memory of an instance: enough for the warm runtime and a typical contract. */
const INITIAL_PAGES = 256;
/** The largest memory the QuickJS build accepts (2 GiB); the runtime's memory limit stops contracts far below it. */
const MAXIMUM_PAGES = 32768;

/**
 * A QuickJS instance (its own WebAssembly memory) with a runtime and a context in which the
 * sandbox runtime and every host module are already evaluated, and a copy of its memory taken
 * then. Each execution starts by writing that copy back: every contract starts from the same
 * bytes, nothing of an earlier execution survives, and the runtime is not parsed again.
 */
class WarmInstance {
  readonly runtime: QuickJSRuntime;
  readonly #context: QuickJSContext;
  readonly #memory: WebAssembly.Memory;
  readonly #snapshot: Uint8Array;
  readonly #meter: Meter;
  readonly #source: { code: string };
  readonly #wallClockMs: number;

  private constructor(
    runtime: QuickJSRuntime,
    context: QuickJSContext,
    memory: WebAssembly.Memory,
    meter: Meter,
    source: { code: string },
    wallClockMs: number,
  ) {
    this.runtime = runtime;
    this.#context = context;
    this.#memory = memory;
    this.#meter = meter;
    this.#source = source;
    this.#wallClockMs = wallClockMs;
    this.#snapshot = new Uint8Array(memory.buffer).slice();
  }

  static async create(limits: SandboxLimits): Promise<WarmInstance> {
    const memory = new WebAssembly.Memory({ initial: INITIAL_PAGES, maximum: MAXIMUM_PAGES });
    // The variant's declarations describe its CommonJS shape; under ESM the default import is the variant itself.
    const module = await newQuickJSWASMModuleFromVariant(
      newVariant(variant as unknown as QuickJSSyncVariant, { wasmMemory: memory }),
    );
    const runtime = module.newRuntime();
    runtime.setMemoryLimit(limits.memoryBytes);
    runtime.setMaxStackSize(limits.stackBytes);
    const meter: Meter = { fuelUsed: 0, limit: undefined, deadline: Number.POSITIVE_INFINITY };
    runtime.setInterruptHandler(() => {
      meter.fuelUsed++;
      if (meter.limit !== undefined) return true;
      if (meter.fuelUsed > limits.fuel) meter.limit = "fuel";
      else if (performance.now() > meter.deadline) meter.limit = "time";
      return meter.limit !== undefined;
    });
    const source = { code: "" };
    runtime.setModuleLoader((name) => {
      if (name === RUNTIME) return runtimeSource;
      if (name === CONTRACT) return source.code;
      const shim = hostModuleShims.get(name);
      if (shim !== undefined) return shim;
      // A module that throws when evaluated: the message reaches the contract (and the FAIL) intact.
      return `throw new Error(${JSON.stringify(`module "${name}" is not available in the contract sandbox`)});`;
    });
    const context = runtime.newContext();
    const warm = [RUNTIME, ...hostModuleShims.keys()].map((name) => `import ${JSON.stringify(name)};`).join("\n");
    const loaded = context.evalCode(warm, "p8e:warm", { type: "module", strict: true });
    if (loaded.error !== undefined) {
      const message = messageOf(context, loaded.error);
      loaded.error.dispose();
      throw new EngineError("invalid-argument", `the sandbox runtime failed to load: ${message}`);
    }
    runtime.executePendingJobs();
    loaded.value.dispose();
    meter.fuelUsed = 0;
    return new WarmInstance(runtime, context, memory, meter, source, limits.wallClockMs);
  }

  /** Restores the warm memory, then runs `body` with the contract's code served as the bundle. */
  run<T>(code: string, body: (context: QuickJSContext, meter: Meter) => T): T {
    new Uint8Array(this.#memory.buffer).set(this.#snapshot);
    this.#source.code = code;
    this.#meter.fuelUsed = 0;
    this.#meter.limit = undefined;
    this.#meter.deadline = performance.now() + this.#wallClockMs;
    return body(this.#context, this.#meter);
  }

  /** Whether the last run grew the memory past the snapshot (it is then not reused). */
  grew(): boolean {
    return this.#memory.buffer.byteLength !== this.#snapshot.length;
  }
}

/**
 * Creates a sandbox that runs contracts on the calling thread. The QuickJS module (about 1 MiB of
 * WebAssembly) is compiled once per thread, on first use.
 */
export function createInlineSandbox(limits: Partial<SandboxLimits> = {}): ContractSandbox {
  const resolved = sandboxLimits(limits);

  function failureFor(meter: Meter, message: string): { limit?: SandboxLimit; message: string } {
    if (meter.limit === "fuel")
      return { limit: "fuel", message: `the contract ran out of fuel (limit ${resolved.fuel} ticks)` };
    if (meter.limit === "time") {
      return {
        limit: "time",
        message: `the contract ran longer than the wall-clock limit of ${resolved.wallClockMs} ms`,
      };
    }
    if (/out of memory/i.test(message)) {
      return { limit: "memory", message: `the contract exceeded its memory limit of ${resolved.memoryBytes} bytes` };
    }
    if (/stack overflow|call stack/i.test(message)) {
      return { limit: "stack", message: `the contract exceeded its stack limit of ${resolved.stackBytes} bytes` };
    }
    return { message };
  }

  let instance: Promise<WarmInstance> | undefined;

  /** Runs `body` against the contract bundle in a context restored to the warm snapshot. */
  async function withContract<T>(
    bundle: ContractCode,
    body: (context: QuickJSContext, meter: Meter, exported: QuickJSHandle) => T,
  ): Promise<{ value?: T; failure?: { limit?: SandboxLimit; message: string }; fuelUsed: number }> {
    instance ??= WarmInstance.create(resolved);
    let warm: WarmInstance;
    try {
      warm = await instance;
    } catch (error) {
      instance = undefined;
      throw error;
    }
    const code = new TextDecoder("utf-8", { fatal: true }).decode(bundle.code);
    let spoiled = true;
    try {
      const result = warm.run(code, (context, meter) => {
        const loaded = context.evalCode(ENTRY_SOURCE, ENTRY, { type: "module", strict: true });
        if (loaded.error !== undefined) {
          const message = messageOf(context, loaded.error);
          loaded.error.dispose();
          return { failure: failureFor(meter, `the bundle failed to load: ${message}`), fuelUsed: meter.fuelUsed };
        }
        // A module evaluates to a promise of its namespace.
        warm.runtime.executePendingJobs();
        const state = context.getPromiseState(loaded.value);
        if (state.type !== "fulfilled") {
          loaded.value.dispose();
          const message =
            state.type === "rejected" ? messageOf(context, state.error) : "module evaluation did not finish";
          if (state.type === "rejected") state.error.dispose();
          return { failure: failureFor(meter, `the bundle failed to load: ${message}`), fuelUsed: meter.fuelUsed };
        }
        const exported = state.value;
        if (!state.notAPromise) loaded.value.dispose();
        try {
          return { value: body(context, meter, exported), fuelUsed: meter.fuelUsed };
        } finally {
          exported.dispose();
        }
      });
      spoiled = warm.grew();
      return result;
    } finally {
      // An instance whose memory grew, or that threw out of QuickJS, is replaced rather than reused.
      if (spoiled) instance = undefined;
    }
  }

  function callExport(context: QuickJSContext, exported: QuickJSHandle, name: string, args: QuickJSHandle[]) {
    const fn = context.getProp(exported, name);
    try {
      return context.callFunction(fn, context.undefined, ...args);
    } finally {
      fn.dispose();
      for (const arg of args) arg.dispose();
    }
  }

  return {
    runtimeHash,
    limits: resolved,
    close() {},

    async describe(bundle, contractName) {
      const outcome = await withContract(bundle, (context, meter, exported) => {
        const result = callExport(context, exported, "describe", [
          context.newString(contractName),
          context.newString(bundle.hash),
        ]);
        if (result.error !== undefined) {
          const message = messageOf(context, result.error);
          result.error.dispose();
          throw new EngineError(
            "spec-mismatch",
            `the bundle does not dehydrate: ${failureFor(meter, message).message}`,
          );
        }
        return bytesOf(context, result.value);
      });
      if (outcome.value === undefined) {
        throw new EngineError("spec-mismatch", `the bundle does not dehydrate: ${outcome.failure?.message}`);
      }
      return outcome.value;
    },

    async run(bundle, call) {
      let limitHit: SandboxLimit | undefined;
      const request = toBinary(SandboxCallSchema, { ...call, maxOutputBytes: resolved.maxOutputBytes });
      const outcome = await withContract(bundle, (context, meter, exported): SandboxRun["result"] => {
        const result = create(SandboxResultSchema);
        const prepared = callExport(context, exported, "prepare", [context.newArrayBuffer(request.slice().buffer)]);
        if (prepared.error !== undefined) {
          result.error = failureFor(meter, messageOf(context, prepared.error)).message;
          prepared.error.dispose();
          return result;
        }
        const error = prepared.value.consume((handle) => context.getString(handle));
        if (error !== "") {
          result.error = failureFor(meter, error).message;
          return result;
        }
        // One call per function, so a limit that stops the sandbox mid-way is pinned on the function that hit it.
        for (const [index, fn] of call.functions.entries()) {
          const ran = callExport(context, exported, "run", [context.newNumber(index)]);
          if (ran.error !== undefined) {
            const failure = failureFor(meter, messageOf(context, ran.error));
            ran.error.dispose();
            result.outcomes.push(create(SandboxOutcomeSchema, { name: fn.name, error: failure.message }));
            limitHit = failure.limit;
            break;
          }
          const decoded = fromBinary(SandboxOutcomeSchema, bytesOf(context, ran.value));
          if (!decoded.passed) {
            const failure = failureFor(meter, decoded.error);
            decoded.error = failure.message;
            limitHit = failure.limit;
          }
          result.outcomes.push(decoded);
          if (!decoded.passed) break;
        }
        return result;
      });
      const limit = limitHit ?? outcome.failure?.limit;
      return {
        ...(outcome.value === undefined ? {} : { result: outcome.value }),
        ...(outcome.failure === undefined ? {} : { failure: outcome.failure }),
        ...(limit === undefined ? {} : { limit }),
        fuelUsed: outcome.fuelUsed,
      };
    },
  };
}
