import type { DescMessage, Message, MessageShape } from "@bufbuild/protobuf";
import type { PartyType } from "@p8e/spec-model";
import type { ContractAnnotationsErrorCode } from "./errors.js";
import type { P8eContract } from "./p8e-contract.js";
import type { P8eScopeSpecification } from "./p8e-scope-specification.js";
import {
  type DeclaredParameter,
  declaredContract,
  declaredMethod,
  declaredScopeSpecification,
  type ScopeSpecificationOptions,
} from "./registry.js";

/** A contract class: a constructor of a P8eContract subclass. */
export type ContractClass = abstract new (...args: never[]) => P8eContract;

/** A scope specification class: a constructor of a P8eScopeSpecification subclass. */
export type ScopeSpecificationClass = abstract new (...args: never[]) => P8eScopeSpecification;

/** Options of `@Record` on a constructor parameter. */
export interface RecordOptions {
  /** The record may be absent from the scope; the parameter then receives `undefined`. */
  readonly optional?: boolean;
  /** The scope holds several records of this name; the parameter receives them all (FACT_LIST). */
  readonly list?: boolean;
}

/** What a constructor `@Record` parameter with options `O` receives. */
export type RecordValue<S extends DescMessage, O extends RecordOptions> =
  | (O extends { readonly list: true } ? MessageShape<S>[] : MessageShape<S>)
  | (O extends { readonly optional: true } ? undefined : never);

/** The type of parameter `I` of the function type `F`. */
type ParameterOf<F, I extends number> = F extends (...args: infer P) => unknown ? P[I] : never;

// `unknown` when a parameter declared as `Declared` accepts an `Expected`; otherwise an object
// type whose single key explains the mismatch, so the decorator call fails to type-check.
type Accepts<Declared, Expected, Why extends string> = [Expected] extends [Declared]
  ? unknown
  : { readonly [K in Why]: Expected };

/** The type of `@Record(name, schema, options)`: valid on constructor parameters, functions and function parameters. */
export interface RecordDecorator<S extends DescMessage, O extends RecordOptions> {
  /** On a constructor parameter: an existing record of the scope, passed in when the contract is created. */
  <C extends ContractClass, I extends number>(
    target: C & Accepts<ConstructorParameters<C>[I], RecordValue<S, O>, "constructor parameter must accept">,
    propertyKey: undefined,
    parameterIndex: I,
  ): void;
  /** On a function parameter: an existing record (a constructor record) passed to the function. */
  <T extends P8eContract, K extends keyof T, I extends number>(
    target: T & Accepts<ParameterOf<T[K], I>, MessageShape<S>, "function parameter must accept">,
    propertyKey: K,
    parameterIndex: I,
  ): void;
  /** On a function: the record the function's result is saved as; the function must return that message. */
  <T extends P8eContract, K extends keyof T, F extends (...args: never[]) => MessageShape<S>>(
    target: T,
    propertyKey: K,
    descriptor: TypedPropertyDescriptor<F>,
  ): void;
}

/** The type of `@Input(name, schema)`: valid on function parameters only. */
export type InputDecorator<S extends DescMessage> = <T extends P8eContract, K extends keyof T, I extends number>(
  target: T & Accepts<ParameterOf<T[K], I>, MessageShape<S>, "function parameter must accept">,
  propertyKey: K,
  parameterIndex: I,
) => void;

/** The type of `@Function({ invokedBy })`: valid on contract methods that return a protobuf message. */
export type FunctionDecorator = <T extends P8eContract, K extends keyof T, F extends (...args: never[]) => Message>(
  target: T,
  propertyKey: K,
  descriptor: TypedPropertyDescriptor<F>,
) => void;

/** The type of `@SkipIfRecordExists(name)`: valid on contract methods. */
export type MethodDecorator = <T extends P8eContract, K extends keyof T>(
  target: T,
  propertyKey: K,
  descriptor: PropertyDescriptor,
) => void;

/** The type of `@Participants` and `@ScopeSpecification`: valid on contract classes. */
export type ContractClassDecorator = <C extends ContractClass>(target: C) => void;

/** The type of `@ScopeSpecificationDefinition`: valid on scope specification classes. */
export type ScopeSpecificationClassDecorator = <C extends ScopeSpecificationClass>(target: C) => void;

/** The fields of `@ScopeSpecificationDefinition`, as upstream's annotation has them. */
export type ScopeSpecificationDefinitionOptions = ScopeSpecificationOptions;

// ---- runtime -------------------------------------------------------------------------------

// biome-ignore lint/complexity/noBannedTypes: any class constructor.
type AnyClass = Function;

function className(target: unknown): string {
  if (typeof target === "function") return target.name || "(anonymous class)";
  if (typeof target === "object" && target !== null) return className(target.constructor);
  return String(target);
}

function problem(owner: AnyClass, code: ContractAnnotationsErrorCode, message: string): void {
  declaredContract(owner).problems.push({ code, message });
}

function isMessageSchema(schema: unknown): schema is DescMessage {
  return typeof schema === "object" && schema !== null && (schema as { kind?: unknown }).kind === "message";
}

function describeSchema(schema: unknown): string {
  if (typeof schema === "object" && schema !== null && "typeName" in schema) return String(schema.typeName);
  return typeof schema;
}

// The class a member decorator applies to, or undefined (after recording a problem) when the
// member is static or has a symbol name: contract functions are public instance methods.
function memberOwner(decorator: string, target: unknown, propertyKey: unknown): AnyClass | undefined {
  if (typeof target === "function") {
    problem(
      target,
      "misplaced-decorator",
      `${decorator} on static member ${className(target)}.${String(propertyKey)}: contract functions are instance methods`,
    );
    return undefined;
  }
  const owner = (target as { constructor: AnyClass }).constructor;
  if (typeof propertyKey !== "string") {
    problem(
      owner,
      "misplaced-decorator",
      `${decorator} on ${className(owner)}[${String(propertyKey)}]: function names must be strings`,
    );
    return undefined;
  }
  return owner;
}

function addParameter(parameters: Map<number, DeclaredParameter[]>, index: number, parameter: DeclaredParameter): void {
  const existing = parameters.get(index);
  if (existing === undefined) parameters.set(index, [parameter]);
  else existing.push(parameter);
}

/**
 * Declares the roles that take part in the contract, in order (`ContractSpec.parties_involved`).
 * Every role must sign a session of this contract.
 */
export function Participants(roles: readonly PartyType[]): ContractClassDecorator {
  const copy = Array.isArray(roles) ? [...roles] : roles;
  return (target) => {
    const declared = declaredContract(target);
    if (declared.participants !== undefined) {
      problem(target, "duplicate-decorator", `@Participants is declared twice on ${className(target)}`);
      return;
    }
    declared.participants = copy;
  };
}

/** Declares the scope specifications, by name, whose scopes may run this contract. */
export function ScopeSpecification(names: readonly string[]): ContractClassDecorator {
  const copy = Array.isArray(names) ? [...names] : names;
  return (target) => {
    const declared = declaredContract(target);
    if (declared.scopeSpecifications !== undefined) {
      problem(target, "duplicate-decorator", `@ScopeSpecification is declared twice on ${className(target)}`);
      return;
    }
    declared.scopeSpecifications = copy;
  };
}

/** Declares a contract function: a step run by the party playing `invokedBy` that produces one record. */
function contractFunction(options: { readonly invokedBy: PartyType }): FunctionDecorator {
  const role = options?.invokedBy;
  return (target, propertyKey) => {
    const owner = memberOwner("@Function", target, propertyKey);
    if (owner === undefined) return;
    const method = declaredMethod(owner, propertyKey as string);
    if (method.invokedBy !== undefined) {
      problem(
        owner,
        "duplicate-decorator",
        `@Function is declared twice on ${className(owner)}.${String(propertyKey)}`,
      );
      return;
    }
    method.invokedBy = { role: role as PartyType };
  };
}

// Exported as `Function`, upstream's name; a local binding of that name would shadow the global.
export { contractFunction as Function };

/**
 * Names a record and its protobuf type. On a constructor parameter it is an existing record of the
 * scope (`options.optional`: may be absent; `options.list`: all records of that name); on a
 * function it is the record the result is saved as; on a function parameter it is an existing
 * (constructor) record passed to the function.
 */
export function Record<S extends DescMessage, const O extends RecordOptions = { readonly optional: false }>(
  name: string,
  schema: S,
  options?: O,
): RecordDecorator<S, O> {
  const optional = options?.optional === true;
  const list = options?.list === true;
  // On a method or a method parameter: the schema must be a message, and the constructor-only
  // options are reported (but do not stop the declaration). False when nothing is to be recorded.
  const checkMemberRecord = (owner: AnyClass, where: string): boolean => {
    if (!isMessageSchema(schema)) {
      problem(
        owner,
        "invalid-schema",
        `@Record("${name}") on ${where}: ${describeSchema(schema)} is not a protobuf message schema`,
      );
      return false;
    }
    if (optional || list) {
      problem(
        owner,
        "misplaced-decorator",
        `@Record("${name}") on ${where}: "optional" and "list" apply to constructor records only`,
      );
    }
    return true;
  };
  const decorator = (target: unknown, propertyKey: unknown, third: unknown): void => {
    if (typeof third === "number") {
      if (propertyKey === undefined && typeof target === "function") {
        if (!isMessageSchema(schema)) {
          problem(
            target,
            "invalid-schema",
            `@Record("${name}") on ${className(target)} constructor parameter ${third}: ${describeSchema(schema)} is not a protobuf message schema`,
          );
          return;
        }
        addParameter(declaredContract(target).constructorParameters, third, {
          kind: "record",
          name,
          schema,
          optional,
          list,
        });
        return;
      }
      const owner = memberOwner("@Record", target, propertyKey);
      if (owner === undefined) return;
      const where = `${className(owner)}.${String(propertyKey)} parameter ${third}`;
      if (!checkMemberRecord(owner, where)) return;
      addParameter(declaredMethod(owner, propertyKey as string).parameters, third, {
        kind: "record",
        name,
        schema,
        optional: false,
        list: false,
      });
      return;
    }
    const owner = memberOwner("@Record", target, propertyKey);
    if (owner === undefined) return;
    const where = `${className(owner)}.${String(propertyKey)}`;
    if (!checkMemberRecord(owner, where)) return;
    const method = declaredMethod(owner, propertyKey as string);
    if (method.output !== undefined) {
      problem(owner, "duplicate-decorator", `@Record is declared twice on ${where}`);
      return;
    }
    method.output = { name, schema };
  };
  return decorator as RecordDecorator<S, O>;
}

/** Names a proposed input of a function: a message the invoker supplies when building the session. */
export function Input<S extends DescMessage>(name: string, schema: S): InputDecorator<S> {
  const decorator = (target: unknown, propertyKey: unknown, index: unknown): void => {
    if (propertyKey === undefined && typeof target === "function") {
      problem(
        target,
        "misplaced-decorator",
        `@Input("${name}") on ${className(target)} constructor parameter ${String(index)}: constructor parameters are @Record only`,
      );
      return;
    }
    const owner = memberOwner("@Input", target, propertyKey);
    if (owner === undefined) return;
    if (!isMessageSchema(schema)) {
      problem(
        owner,
        "invalid-schema",
        `@Input("${name}") on ${className(owner)}.${String(propertyKey)} parameter ${String(index)}: ${describeSchema(schema)} is not a protobuf message schema`,
      );
      return;
    }
    addParameter(declaredMethod(owner, propertyKey as string).parameters, index as number, {
      kind: "input",
      name,
      schema,
      optional: false,
      list: false,
    });
  };
  return decorator as InputDecorator<S>;
}

/** Skips the function when the scope already holds the named record (an optional constructor record). */
export function SkipIfRecordExists(name: string): MethodDecorator {
  return (target, propertyKey) => {
    const owner = memberOwner("@SkipIfRecordExists", target, propertyKey);
    if (owner === undefined) return;
    const method = declaredMethod(owner, propertyKey as string);
    if (method.skipIfRecordExists !== undefined) {
      problem(
        owner,
        "duplicate-decorator",
        `@SkipIfRecordExists is declared twice on ${className(owner)}.${String(propertyKey)}`,
      );
      return;
    }
    method.skipIfRecordExists = name;
  };
}

/**
 * Declares an on-chain scope specification: its fixed UUID, name, description, the roles every
 * scope of it must have, and optional website and icon URLs.
 */
export function ScopeSpecificationDefinition(
  options: ScopeSpecificationDefinitionOptions,
): ScopeSpecificationClassDecorator {
  const copy: ScopeSpecificationOptions = {
    ...options,
    partiesInvolved: Array.isArray(options?.partiesInvolved) ? [...options.partiesInvolved] : options?.partiesInvolved,
  };
  return (target) => {
    declaredScopeSpecification(target).definitions.push(copy);
  };
}
