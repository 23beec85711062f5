// The sandbox side of the engine: finds the contract class among a bundle's exports, dehydrates
// it for the spec check, and runs a SandboxCall. It lives in the pinned runtime bundle with the
// protobuf runtime and the annotations, evaluated before any contract code, and it freezes the
// shared intrinsics so that a contract cannot change how the runtime encodes its results.
import { create, type DescMessage, fromBinary, isMessage, type MessageInitShape, toBinary } from "@bufbuild/protobuf";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import {
  type ContractClass,
  type ContractDescriptor,
  checkFunctionOutput,
  dehydrate,
  describeContract,
  isContractClass,
  type RecordParameter,
  setExecutionTime,
} from "@p8e/contract-annotations";
import { ContractSpecSchema, toCanonicalBinary } from "@p8e/spec-model";
import { type SandboxCall, SandboxCallSchema, SandboxOutcomeSchema, type SandboxRecord } from "@p8e/spec-model/engine";

type Exports = Readonly<Record<string, unknown>>;

const intrinsics: readonly unknown[] = [
  Object,
  Function,
  Array,
  String,
  Number,
  Boolean,
  Symbol,
  BigInt,
  RegExp,
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
  Map,
  Set,
  WeakMap,
  WeakSet,
  Promise,
  ArrayBuffer,
  DataView,
  Uint8Array,
  Int8Array,
  Uint16Array,
  Int16Array,
  Uint32Array,
  Int32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
  Uint8ClampedArray,
  JSON,
  Math,
  Reflect,
  Date,
  Object.getPrototypeOf(Uint8Array),
  Object.getPrototypeOf(function* () {}),
  Object.getPrototypeOf(async () => {}),
];
for (const intrinsic of intrinsics) {
  Object.freeze(intrinsic);
  const prototype = (intrinsic as { prototype?: unknown }).prototype;
  if (typeof prototype === "object" && prototype !== null) Object.freeze(prototype);
}

function describeError(error: unknown): string {
  if (error instanceof Error) return error.name === "Error" ? error.message : `${error.name}: ${error.message}`;
  try {
    return `threw ${String(error)}`;
  } catch {
    return "threw a value that cannot be printed";
  }
}

/** The one exported contract class named `name`. */
function contractClass(exports: Exports, name: string): ContractClass {
  const found = new Set<ContractClass>();
  for (const value of Object.values(exports)) {
    if (typeof value === "function" && value.name === name && isContractClass(value)) found.add(value);
  }
  if (found.size === 0) throw new Error(`the bundle exports no contract class named ${name}`);
  if (found.size > 1) throw new Error(`the bundle exports ${found.size} contract classes named ${name}`);
  return [...found][0]!;
}

/** The canonical ContractSpec bytes the bundle's own decorators dehydrate to. */
export function describeBundle(exports: Exports, contractName: string, bundleHash: string): ArrayBuffer {
  const spec = dehydrate(contractClass(exports, contractName), { bundleHash });
  return toCanonicalBinary(ContractSpecSchema, spec).slice().buffer;
}

function decodeRecord(record: SandboxRecord, schema: DescMessage, label: string): unknown {
  if (record.typeName !== schema.typeName) {
    throw new Error(`${label} ${record.name} is a ${record.typeName}, the contract expects ${schema.typeName}`);
  }
  const decode = (bytes: Uint8Array) => fromBinary(schema, bytes);
  if (!record.present) return record.list ? [] : undefined;
  return record.list ? record.values.map(decode) : decode(record.values[0] ?? new Uint8Array());
}

function constructorArguments(contract: ContractDescriptor, call: SandboxCall): unknown[] {
  const byName = new Map(call.constructorRecords.map((r) => [r.name, r]));
  return contract.constructorRecords.map((parameter: RecordParameter) => {
    const record = byName.get(parameter.name);
    if (record === undefined || !record.present) {
      if (parameter.optional || parameter.list) return parameter.list ? [] : undefined;
      throw new Error(`the constructor's record ${parameter.name} is missing`);
    }
    return decodeRecord(record, parameter.schema, "record");
  });
}

function outcome(init: MessageInitShape<typeof SandboxOutcomeSchema>): ArrayBuffer {
  return toBinary(SandboxOutcomeSchema, create(SandboxOutcomeSchema, init)).slice().buffer;
}

interface Prepared {
  readonly call: SandboxCall;
  readonly contract: ContractDescriptor;
  readonly instance: Record<string, unknown>;
}

// One execution per sandbox context, so module state is this execution's alone.
let prepared: Prepared | undefined;

/** Decodes a SandboxCall and instantiates the contract; answers "" or why it could not. */
export function prepareCall(exports: Exports, callBuffer: ArrayBuffer): string {
  try {
    const call = fromBinary(SandboxCallSchema, new Uint8Array(callBuffer));
    const contract = describeContract(contractClass(exports, call.contractName));
    const Contract = contract.contractClass as unknown as new (...args: unknown[]) => Record<string, unknown>;
    const instance = new Contract(...constructorArguments(contract, call));
    if (call.startTime !== undefined) setExecutionTime(instance as never, timestampDate(call.startTime));
    prepared = { call, contract, instance };
    return "";
  } catch (error) {
    return describeError(error);
  }
}

/** Runs the prepared call's function at `index`; answers a SandboxOutcome. */
export function runFunction(index: number): ArrayBuffer {
  if (prepared === undefined) throw new Error("no call was prepared");
  const { call, contract, instance } = prepared;
  const fn = call.functions[index];
  if (fn === undefined) throw new Error(`the call has no function ${index}`);
  try {
    const descriptor = contract.functions.find((f) => f.name === fn.name);
    if (descriptor === undefined) throw new Error(`the contract has no @Function ${fn.name}`);
    // @SkipIfRecordExists lives in the bundle's decorators, not in the spec, so it is decided here.
    const skipIf = descriptor.skipIfRecordExists;
    if (skipIf !== undefined && call.constructorRecords.some((r) => r.name === skipIf && r.present)) {
      return outcome({ name: fn.name, skipped: true, error: `record ${skipIf} exists` });
    }
    if (descriptor.output.schema.typeName !== fn.outputTypeName) {
      throw new Error(`${fn.name} returns a ${descriptor.output.schema.typeName}, the spec says ${fn.outputTypeName}`);
    }
    const args = descriptor.parameters.map((parameter, i) => {
      const argument = fn.arguments[i];
      if (argument === undefined || argument.name !== parameter.name) {
        throw new Error(`${fn.name} parameter ${i + 1} (${parameter.name}) has no argument`);
      }
      return decodeRecord(argument, parameter.schema, parameter.kind === "input" ? "input" : "record");
    });
    const method = instance[fn.name];
    if (typeof method !== "function") throw new Error(`${fn.name} is not a method of the contract`);
    const value: unknown = method.apply(instance, args);
    checkFunctionOutput(contract, descriptor, value);
    if (!isMessage(value, descriptor.output.schema)) throw new Error(`${fn.name} returned no message`);
    const output = toBinary(descriptor.output.schema, value);
    if (output.length > call.maxOutputBytes) {
      throw new Error(`${fn.name} returned ${output.length} bytes, more than the limit of ${call.maxOutputBytes}`);
    }
    return outcome({ name: fn.name, passed: true, output });
  } catch (error) {
    return outcome({ name: fn.name, passed: false, error: describeError(error) });
  }
}
