import { ContractAnnotationsError } from "./errors.js";

const executionTimes = new WeakMap<P8eContract, Date>();

/**
 * The base class of every contract. A contract class extends it, carries `@Participants` and
 * `@ScopeSpecification`, takes its existing records as `@Record` constructor parameters and
 * declares its steps as `@Function` methods.
 *
 * The static `package` plays the role of a Java package: the contract's full name (the class name
 * in the spec and on chain) is `<package>.<ClassName>`, or just the class name when it is empty.
 */
export abstract class P8eContract {
  /** The namespace of the contract's full name, e.g. "io.p8e.contracts.examplekotlin". */
  static readonly package: string = "";

  /**
   * The time of the execution in progress: the envelope's start time, set by the engine. Contracts
   * must use it instead of the ambient clock so that every party computes the same results.
   * @throws {ContractAnnotationsError} code "no-execution-time" outside an execution.
   */
  protected get currentTime(): Date {
    const time = executionTimes.get(this);
    if (time === undefined) {
      throw new ContractAnnotationsError(
        "no-execution-time",
        `${this.constructor.name}.currentTime was read outside an execution: no execution time is set`,
      );
    }
    return new Date(time.getTime());
  }
}

/**
 * Sets the time `contract.currentTime` returns during an execution. Called by the engine (or a
 * test harness) before it invokes any function.
 */
export function setExecutionTime(contract: P8eContract, time: Date): void {
  if (!(time instanceof Date) || Number.isNaN(time.getTime()))
    throw new TypeError("execution time must be a valid Date");
  executionTimes.set(contract, new Date(time.getTime()));
}
