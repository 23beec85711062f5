import { type DescMessage, isMessage } from "@bufbuild/protobuf";
import { normalizeRecordName, PartyType, partyTypeToChain } from "@p8e/spec-model";
import type { ContractClass } from "./decorators.js";
import { ContractAnnotationsError, type ContractIssue } from "./errors.js";
import { chainLength, maxNameLength, maxTypeNameLength, nameProblem } from "./limits.js";
import { P8eContract } from "./p8e-contract.js";
import { type DeclaredMethod, type DeclaredParameter, findDeclaredContract } from "./registry.js";

/** A constructor parameter or function parameter that receives an existing record. */
export interface RecordParameter {
  readonly kind: "record";
  /** The parameter's position. */
  readonly index: number;
  /** The record's name in the scope. */
  readonly name: string;
  /** The record's protobuf type; its `typeName` is the record's type name in the spec. */
  readonly schema: DescMessage;
  /** The record may be absent (constructor records only). */
  readonly optional: boolean;
  /** All records of this name are passed as an array (constructor records only; FACT_LIST). */
  readonly list: boolean;
}

/** A function parameter that receives a proposed input supplied by the invoker. */
export interface InputParameter {
  readonly kind: "input";
  /** The parameter's position. */
  readonly index: number;
  /** The input's name. */
  readonly name: string;
  /** The input's protobuf type. */
  readonly schema: DescMessage;
}

/** A parameter of a contract function. */
export type FunctionParameter = RecordParameter | InputParameter;

/** A checked `@Function` method. */
export interface FunctionDescriptor {
  /** The method name, which is the function's name in the spec. */
  readonly name: string;
  /** The role whose party runs the function. */
  readonly invokedBy: PartyType;
  /** The record the result is saved as. */
  readonly output: { readonly name: string; readonly schema: DescMessage };
  /** The parameters in positional order. */
  readonly parameters: readonly FunctionParameter[];
  /** The optional constructor record whose presence makes the function skip, if any. */
  readonly skipIfRecordExists: string | undefined;
}

/** Everything a contract class declares, checked: what `dehydrate()` writes and the engine runs. */
export interface ContractDescriptor {
  /** The class itself. */
  readonly contractClass: ContractClass;
  /** The class name (`ContractSpec.definition.name`). */
  readonly name: string;
  /** `<package>.<ClassName>` (the Java FQCN's role: the spec's classname and the chain's class_name). */
  readonly fullName: string;
  /** The roles that take part, in declared order. */
  readonly participants: readonly PartyType[];
  /** The names of the scope specifications that may run the contract. */
  readonly scopeSpecifications: readonly string[];
  /** The existing records the constructor takes, in positional order. */
  readonly constructorRecords: readonly RecordParameter[];
  /** The functions, base class first, each class in declaration order. */
  readonly functions: readonly FunctionDescriptor[];
}

// biome-ignore lint/complexity/noBannedTypes: any class constructor.
type AnyClass = Function;

const javaName = /^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/;

/** True when `value` is a class extending P8eContract. */
export function isContractClass(value: unknown): value is ContractClass {
  return typeof value === "function" && value.prototype instanceof P8eContract;
}

function roleName(role: unknown): string {
  return typeof role === "number" && PartyType[role] !== undefined ? PartyType[role] : String(role);
}

// The contract class and its ancestors below P8eContract, most derived first.
function classChain(contractClass: ContractClass): AnyClass[] {
  const chain: AnyClass[] = [];
  for (let c: unknown = contractClass; typeof c === "function" && c !== P8eContract; c = Object.getPrototypeOf(c)) {
    chain.push(c);
  }
  return chain;
}

/**
 * The parameter names of a function or of a class's constructor, read from its source text for
 * error messages only; an entry is undefined where the name cannot be read.
 */
function parameterNames(fn: AnyClass, ofConstructor: boolean): (string | undefined)[] {
  let source: string;
  try {
    source = globalThis.Function.prototype.toString.call(fn);
  } catch {
    return [];
  }
  let start: number;
  if (ofConstructor) {
    const match = /\bconstructor\s*\(/.exec(source);
    if (match === null) return [];
    start = match.index + match[0].length;
  } else {
    start = source.indexOf("(") + 1;
    if (start === 0) return [];
  }
  const names: (string | undefined)[] = [];
  let depth = 0;
  let current = "";
  for (let i = start; i < source.length; i++) {
    const char = source[i]!;
    if (char === "(" || char === "[" || char === "{") depth++;
    if (char === ")" || char === "]" || char === "}") {
      if (depth === 0) break;
      depth--;
    }
    if (char === "," && depth === 0) {
      names.push(/^\s*(?:\.\.\.)?([A-Za-z_$][\w$]*)/.exec(current)?.[1]);
      current = "";
    } else {
      current += char;
    }
  }
  if (current.trim() !== "") names.push(/^\s*(?:\.\.\.)?([A-Za-z_$][\w$]*)/.exec(current)?.[1]);
  return names;
}

function parameterLabel(names: readonly (string | undefined)[], index: number): string {
  const name = names[index];
  return name === undefined ? `parameter ${index}` : `parameter ${index} (${name})`;
}

// The positions 0..n-1 a function or constructor has, at least as many as are decorated.
function parameterCount(fn: AnyClass, declared: Map<number, DeclaredParameter[]>): number {
  let count = fn.length;
  for (const index of declared.keys()) count = Math.max(count, index + 1);
  return count;
}

/**
 * Checks a contract class and returns what it declares. Every problem found is reported, naming
 * the class, member and parameter: a missing or empty `@Participants` or `@ScopeSpecification`,
 * roles that are not chain party types or repeat, an `invokedBy` that is not a participant,
 * constructor or function parameters without exactly one `@Record`/`@Input`, `@Input` on the
 * constructor, a function without `@Record` output or decorators without `@Function`, output
 * record names that are not unique, input names repeated within a function, function `@Record`
 * parameters that are not constructor records or differ in type, `@SkipIfRecordExists` naming
 * anything but an optional constructor record, and names the chain would refuse.
 * @throws {ContractAnnotationsError} with every issue found.
 */
export function describeContract(contractClass: ContractClass): ContractDescriptor {
  if (!isContractClass(contractClass)) {
    const what =
      typeof contractClass === "function"
        ? (contractClass as AnyClass).name || "(anonymous class)"
        : typeof contractClass;
    throw new ContractAnnotationsError("not-a-contract", `${what} is not a contract class: it must extend P8eContract`);
  }
  const issues: ContractIssue[] = [];
  const report = (code: ContractIssue["code"], message: string): void => {
    issues.push({ code, message });
  };

  const chain = classChain(contractClass);
  const name = contractClass.name;
  const label = name || "(anonymous contract class)";
  for (const c of [...chain].reverse()) {
    for (const p of findDeclaredContract(c)?.problems ?? []) report(p.code, p.message);
  }

  // Names.
  if (name === "") report("invalid-name", "a contract class must have a name");
  else if (chainLength(name) > maxNameLength) {
    report("invalid-name", `${label}: the class name is longer than ${maxNameLength} bytes`);
  }
  const pkg: unknown = (contractClass as unknown as { package?: unknown }).package;
  let fullName = name;
  if (typeof pkg !== "string") {
    report("invalid-name", `${label}.package must be a string, got ${typeof pkg}`);
  } else if (pkg !== "") {
    fullName = `${pkg}.${name}`;
    if (!javaName.test(pkg)) {
      report("invalid-name", `${label}.package "${pkg}" must be dot-separated identifiers, like a Java package`);
    }
  }
  if (chainLength(fullName) > maxTypeNameLength) {
    report("invalid-name", `${label}: the full name ${fullName} is longer than ${maxTypeNameLength} bytes`);
  }

  // @Participants: the nearest declaration wins.
  const participantsDeclaration = chain.map((c) => findDeclaredContract(c)?.participants).find((p) => p !== undefined);
  const participants: PartyType[] = [];
  if (
    participantsDeclaration === undefined ||
    !Array.isArray(participantsDeclaration) ||
    participantsDeclaration.length === 0
  ) {
    report("no-participants", `${label} has no participants: declare at least one role with @Participants([...])`);
  } else {
    for (const role of participantsDeclaration) {
      try {
        if (typeof role !== "number" || PartyType[role] === undefined) throw new Error("unknown");
        partyTypeToChain(role);
      } catch {
        report("invalid-participant", `${label} @Participants: ${roleName(role)} is not a role the chain knows`);
        continue;
      }
      if (participants.includes(role)) {
        report(
          "invalid-participant",
          `${label} @Participants lists ${roleName(role)} twice; each role is played by one party`,
        );
        continue;
      }
      participants.push(role);
    }
  }

  // @ScopeSpecification: the nearest declaration wins.
  const scopeDeclaration = chain.map((c) => findDeclaredContract(c)?.scopeSpecifications).find((s) => s !== undefined);
  const scopeSpecifications: string[] = [];
  if (scopeDeclaration === undefined || !Array.isArray(scopeDeclaration) || scopeDeclaration.length === 0) {
    report(
      "no-scope-specification",
      `${label} has no scope specification: name at least one with @ScopeSpecification([...]) (a contract runs only in scopes of those specifications)`,
    );
  } else {
    for (const scopeName of scopeDeclaration) {
      const why = nameProblem(scopeName);
      if (why !== undefined)
        report("invalid-name", `${label} @ScopeSpecification name ${JSON.stringify(scopeName)} ${why}`);
      else if (scopeSpecifications.includes(scopeName)) {
        report("invalid-name", `${label} @ScopeSpecification lists "${scopeName}" twice`);
      } else scopeSpecifications.push(scopeName);
    }
  }

  // Constructor records: from the nearest class whose constructor parameters are decorated.
  const constructorOwner =
    chain.find((c) => (findDeclaredContract(c)?.constructorParameters.size ?? 0) > 0) ?? contractClass;
  const ownerLabel = constructorOwner.name || label;
  const declaredConstructor =
    findDeclaredContract(constructorOwner)?.constructorParameters ?? new Map<number, DeclaredParameter[]>();
  const constructorNames = parameterNames(constructorOwner, true);
  const constructorRecords: RecordParameter[] = [];
  if (constructorOwner !== contractClass && contractClass.length > 0) {
    report(
      "undecorated-parameter",
      `${label} constructor has ${contractClass.length} parameter(s) without @Record; every constructor parameter must be an existing record`,
    );
  }
  for (let index = 0; index < parameterCount(constructorOwner, declaredConstructor); index++) {
    const where = `${ownerLabel} constructor ${parameterLabel(constructorNames, index)}`;
    const declared = declaredConstructor.get(index) ?? [];
    if (declared.length === 0) {
      report(
        "undecorated-parameter",
        `${where} has no @Record: every constructor parameter must be an existing record`,
      );
      continue;
    }
    if (declared.length > 1) {
      report(
        "misplaced-decorator",
        `${where} has ${declared.length} @Record decorators; a parameter takes exactly one`,
      );
      continue;
    }
    const parameter = declared[0]!;
    const why = nameProblem(parameter.name);
    if (why !== undefined) {
      report("invalid-name", `${where} @Record name ${JSON.stringify(parameter.name)} ${why}`);
      continue;
    }
    if (chainLength(parameter.schema.typeName) > maxTypeNameLength) {
      report(
        "invalid-name",
        `${where}: type name ${parameter.schema.typeName} is longer than ${maxTypeNameLength} bytes`,
      );
    }
    const clash = constructorRecords.find((r) => normalizeRecordName(r.name) === normalizeRecordName(parameter.name));
    if (clash !== undefined) {
      report(
        "duplicate-record",
        `${where} @Record("${parameter.name}") repeats the record of parameter ${clash.index} ("${clash.name}"); record names must be unique`,
      );
      continue;
    }
    constructorRecords.push({
      kind: "record",
      index,
      name: parameter.name,
      schema: parameter.schema,
      optional: parameter.optional,
      list: parameter.list,
    });
  }

  // Functions: base class first; a subclass's declaration of the same method replaces the base's.
  const methods = new Map<string, DeclaredMethod>();
  for (const c of [...chain].reverse()) {
    for (const [methodName, method] of findDeclaredContract(c)?.methods ?? []) methods.set(methodName, method);
  }
  const functions: FunctionDescriptor[] = [];
  const outputs = new Map<string, string>(); // normalized output name -> function
  for (const [methodName, method] of methods) {
    const where = `${label}.${methodName}`;
    const implementation: unknown = (contractClass.prototype as unknown as Record<string, unknown>)[methodName];
    if (typeof implementation !== "function") {
      report("misplaced-decorator", `${where} is not a method; contract functions are instance methods`);
      continue;
    }
    if (method.invokedBy === undefined) {
      report("missing-function", `${where} has contract decorators but no @Function({ invokedBy })`);
      continue;
    }
    let ok = true;
    const invokedBy = method.invokedBy.role;
    if (!participants.includes(invokedBy)) {
      const known = participants.map(roleName).join(", ");
      report(
        "invoker-not-participant",
        `${where} is invoked by ${roleName(invokedBy)}, which is not a participant of ${label} [${known}]`,
      );
      ok = false;
    }
    const output = method.output;
    if (output === undefined) {
      report(
        "missing-output",
        `${where} has no @Record(name, schema): a function must name the record its result is saved as`,
      );
      ok = false;
    } else {
      const why = nameProblem(output.name);
      if (why !== undefined) {
        report("invalid-name", `${where} @Record name ${JSON.stringify(output.name)} ${why}`);
        ok = false;
      } else {
        const key = normalizeRecordName(output.name);
        const previous = outputs.get(key);
        if (previous !== undefined) {
          report(
            "duplicate-record",
            `${where} @Record("${output.name}") is also the output of ${label}.${previous}; record names must be unique`,
          );
          ok = false;
        } else outputs.set(key, methodName);
        const same = constructorRecords.find((r) => normalizeRecordName(r.name) === key);
        if (same !== undefined && (same.schema.typeName !== output.schema.typeName || same.list)) {
          report(
            "record-type-mismatch",
            `${where} @Record("${output.name}") is ${output.schema.typeName}, but the constructor record of that name is ${same.list ? "a list of " : ""}${same.schema.typeName}`,
          );
          ok = false;
        }
        if (chainLength(output.schema.typeName) > maxTypeNameLength) {
          report(
            "invalid-name",
            `${where}: type name ${output.schema.typeName} is longer than ${maxTypeNameLength} bytes`,
          );
        }
      }
    }

    const names = parameterNames(implementation, false);
    const parameters: FunctionParameter[] = [];
    const inputNames = new Map<string, number>();
    for (let index = 0; index < parameterCount(implementation, method.parameters); index++) {
      const at = `${where} ${parameterLabel(names, index)}`;
      const declared = method.parameters.get(index) ?? [];
      if (declared.length === 0) {
        report("undecorated-parameter", `${at} has neither @Record nor @Input`);
        ok = false;
        continue;
      }
      if (declared.length > 1) {
        report(
          "misplaced-decorator",
          `${at} has ${declared.length} @Record/@Input decorators; a parameter takes exactly one`,
        );
        ok = false;
        continue;
      }
      const parameter = declared[0]!;
      const decorator = parameter.kind === "record" ? "@Record" : "@Input";
      const why = nameProblem(parameter.name);
      if (why !== undefined) {
        report("invalid-name", `${at} ${decorator} name ${JSON.stringify(parameter.name)} ${why}`);
        ok = false;
        continue;
      }
      const previous = inputNames.get(parameter.name);
      if (previous !== undefined) {
        report(
          "duplicate-input",
          `${at} ${decorator}("${parameter.name}") repeats the name of ${parameterLabel(names, previous)}; input names must be unique within a function`,
        );
        ok = false;
        continue;
      }
      inputNames.set(parameter.name, index);
      if (chainLength(parameter.schema.typeName) > maxTypeNameLength) {
        report(
          "invalid-name",
          `${at}: type name ${parameter.schema.typeName} is longer than ${maxTypeNameLength} bytes`,
        );
        ok = false;
      }
      if (parameter.kind === "record") {
        const source = constructorRecords.find((r) => r.name === parameter.name);
        if (source === undefined) {
          report(
            "unknown-record",
            `${at} @Record("${parameter.name}") is not a constructor record of ${label}; functions receive existing records that the constructor declares`,
          );
          ok = false;
          continue;
        }
        if (source.schema.typeName !== parameter.schema.typeName || source.list) {
          report(
            "record-type-mismatch",
            `${at} @Record("${parameter.name}") is ${parameter.schema.typeName}, but the constructor record is ${source.list ? "a list of " : ""}${source.schema.typeName}`,
          );
          ok = false;
          continue;
        }
        parameters.push({
          kind: "record",
          index,
          name: parameter.name,
          schema: parameter.schema,
          optional: false,
          list: false,
        });
      } else {
        parameters.push({ kind: "input", index, name: parameter.name, schema: parameter.schema });
      }
    }

    const skip = method.skipIfRecordExists;
    if (skip !== undefined) {
      const record = constructorRecords.find((r) => r.name === skip);
      if (record === undefined || !record.optional) {
        report(
          "unknown-record",
          `${where} @SkipIfRecordExists("${String(skip)}") must name an optional constructor record (@Record("${String(skip)}", schema, { optional: true }))`,
        );
        ok = false;
      }
    }
    if (ok && output !== undefined) {
      functions.push({
        name: methodName,
        invokedBy,
        output: { name: output.name, schema: output.schema },
        parameters,
        skipIfRecordExists: skip,
      });
    }
  }

  if (issues.length > 0) throw ContractAnnotationsError.fromIssues(issues);
  return {
    contractClass,
    name,
    fullName,
    participants,
    scopeSpecifications,
    constructorRecords,
    functions,
  };
}

/**
 * Checks that `value`, returned by function `fn` of `contract`, is a message of the function's
 * declared `@Record` type. The engine calls it on every result.
 * @throws {ContractAnnotationsError} code "invalid-output" naming the function and both types.
 */
export function checkFunctionOutput(contract: ContractDescriptor, fn: FunctionDescriptor, value: unknown): void {
  if (isMessage(value, fn.output.schema)) return;
  const got =
    typeof value === "object" && value !== null && "$typeName" in value
      ? `a ${String(value.$typeName)} message`
      : value === null
        ? "null"
        : typeof value;
  throw new ContractAnnotationsError(
    "invalid-output",
    `${contract.name}.${fn.name} returned ${got}; its @Record("${fn.output.name}") is ${fn.output.schema.typeName}`,
  );
}
