import { create } from "@bufbuild/protobuf";
import {
  type BoolValue,
  BoolValueSchema,
  type Int64Value,
  Int64ValueSchema,
  type StringValue,
  StringValueSchema,
} from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import * as p8e from "./index.js";
import { LoanContract } from "./testdata/loan-contract.js";

const { PartyType } = p8e;

// The error describeContract throws for a class, with its issues.
function failure(contractClass: p8e.ContractClass): p8e.ContractAnnotationsError {
  try {
    p8e.describeContract(contractClass);
  } catch (error) {
    if (p8e.isContractAnnotationsError(error)) return error;
    throw error;
  }
  throw new Error(`${contractClass.name} passed its checks`);
}

describe("describeContract()", () => {
  it("describes a valid contract in declaration order", () => {
    const d = p8e.describeContract(LoanContract);
    expect(d.name).toBe("LoanContract");
    expect(d.fullName).toBe("io.p8e.testing.LoanContract");
    expect(d.participants).toEqual([PartyType.ORIGINATOR, PartyType.SERVICER]);
    expect(d.scopeSpecifications).toEqual(["io.p8e.testing.loan"]);
    expect(d.constructorRecords.map((r) => [r.index, r.name, r.schema.typeName, r.optional, r.list])).toEqual([
      [0, "borrower", "google.protobuf.StringValue", false, false],
      [1, "approved", "google.protobuf.BoolValue", true, false],
      [2, "payments", "google.protobuf.Int64Value", false, true],
    ]);
    expect(d.functions.map((f) => [f.name, f.invokedBy, f.output.name, f.skipIfRecordExists])).toEqual([
      ["amount", PartyType.ORIGINATOR, "amount", undefined],
      ["approve", PartyType.SERVICER, "approved", "approved"],
    ]);
    expect(d.functions[0]!.parameters.map((p) => [p.kind, p.index, p.name])).toEqual([
      ["input", 0, "requested"],
      ["record", 1, "borrower"],
    ]);
  });

  it("uses the class name alone as the full name when package is empty", () => {
    @p8e.Participants([PartyType.OWNER])
    @p8e.ScopeSpecification(["s"])
    class Bare extends p8e.P8eContract {}
    expect(p8e.describeContract(Bare).fullName).toBe("Bare");
  });

  it("inherits functions and class declarations from a base contract", () => {
    @p8e.Participants([PartyType.OWNER])
    @p8e.ScopeSpecification(["s"])
    class Base extends p8e.P8eContract {
      @p8e.Function({ invokedBy: PartyType.OWNER })
      @p8e.Record("first", StringValueSchema)
      first(@p8e.Input("a", StringValueSchema) a: StringValue): StringValue {
        return a;
      }

      @p8e.Function({ invokedBy: PartyType.OWNER })
      @p8e.Record("second", StringValueSchema)
      second(@p8e.Input("b", StringValueSchema) b: StringValue): StringValue {
        return b;
      }
    }
    class Derived extends Base {
      static override readonly package = "io.example";

      @p8e.Function({ invokedBy: PartyType.OWNER })
      @p8e.Record("first", StringValueSchema)
      override first(@p8e.Input("c", StringValueSchema) c: StringValue): StringValue {
        return c;
      }

      @p8e.Function({ invokedBy: PartyType.OWNER })
      @p8e.Record("third", StringValueSchema)
      third(@p8e.Input("d", StringValueSchema) d: StringValue): StringValue {
        return d;
      }
    }
    const d = p8e.describeContract(Derived);
    expect(d.fullName).toBe("io.example.Derived");
    expect(d.participants).toEqual([PartyType.OWNER]);
    expect(d.functions.map((f) => [f.name, f.parameters[0]!.name])).toEqual([
      ["first", "c"],
      ["second", "b"],
      ["third", "d"],
    ]);
  });

  it("refuses a class that does not extend P8eContract", () => {
    class Plain {}
    expect(() => p8e.describeContract(Plain as unknown as p8e.ContractClass)).toThrow(
      expect.objectContaining({
        code: "not-a-contract",
        message: "Plain is not a contract class: it must extend P8eContract",
      }),
    );
  });

  it("requires at least one participant", () => {
    @p8e.ScopeSpecification(["s"])
    class NoParticipants extends p8e.P8eContract {}
    @p8e.Participants([])
    @p8e.ScopeSpecification(["s"])
    class EmptyParticipants extends p8e.P8eContract {}
    for (const c of [NoParticipants, EmptyParticipants]) {
      const error = failure(c);
      expect(error.code).toBe("no-participants");
      expect(error.message).toBe(`${c.name} has no participants: declare at least one role with @Participants([...])`);
    }
  });

  it("refuses roles the chain does not know and repeated roles", () => {
    @p8e.Participants([PartyType.NONE, PartyType.OWNER, PartyType.OWNER, 9 as p8e.PartyType])
    @p8e.ScopeSpecification(["s"])
    class BadRoles extends p8e.P8eContract {}
    const error = failure(BadRoles);
    expect(error.code).toBe("invalid-participant");
    expect(error.issues.map((i) => i.message)).toEqual([
      "BadRoles @Participants: NONE is not a role the chain knows",
      "BadRoles @Participants lists OWNER twice; each role is played by one party",
      "BadRoles @Participants: 9 is not a role the chain knows",
    ]);
  });

  it("requires a scope specification", () => {
    @p8e.Participants([PartyType.OWNER])
    class NoScope extends p8e.P8eContract {}
    const error = failure(NoScope);
    expect(error.code).toBe("no-scope-specification");
    expect(error.message).toMatch(/^NoScope has no scope specification: name at least one with @ScopeSpecification/);
  });

  it("requires invokedBy to be a participant", () => {
    @p8e.Participants([PartyType.ORIGINATOR])
    @p8e.ScopeSpecification(["s"])
    class WrongInvoker extends p8e.P8eContract {
      @p8e.Function({ invokedBy: PartyType.SERVICER })
      @p8e.Record("out", StringValueSchema)
      service(@p8e.Input("in", StringValueSchema) input: StringValue): StringValue {
        return input;
      }
    }
    const error = failure(WrongInvoker);
    expect(error.code).toBe("invoker-not-participant");
    expect(error.message).toBe(
      "WrongInvoker.service is invoked by SERVICER, which is not a participant of WrongInvoker [ORIGINATOR]",
    );
  });

  it("requires output record names to be unique, as the chain compares them", () => {
    @p8e.Participants([PartyType.OWNER])
    @p8e.ScopeSpecification(["s"])
    class SameOutput extends p8e.P8eContract {
      @p8e.Function({ invokedBy: PartyType.OWNER })
      @p8e.Record("name", StringValueSchema)
      first(@p8e.Input("a", StringValueSchema) a: StringValue): StringValue {
        return a;
      }

      @p8e.Function({ invokedBy: PartyType.OWNER })
      @p8e.Record(" Name", StringValueSchema)
      second(@p8e.Input("b", StringValueSchema) b: StringValue): StringValue {
        return b;
      }
    }
    const error = failure(SameOutput);
    expect(error.code).toBe("duplicate-record");
    expect(error.message).toBe(
      'SameOutput.second @Record(" Name") is also the output of SameOutput.first; record names must be unique',
    );
  });

  it("requires constructor record names to be unique", () => {
    @p8e.Participants([PartyType.OWNER])
    @p8e.ScopeSpecification(["s"])
    class SameRecord extends p8e.P8eContract {
      constructor(
        @p8e.Record("name", StringValueSchema) readonly first: StringValue,
        @p8e.Record("name", StringValueSchema) readonly second: StringValue,
      ) {
        super();
      }
    }
    const error = failure(SameRecord);
    expect(error.code).toBe("duplicate-record");
    expect(error.message).toBe(
      'SameRecord constructor parameter 1 (second) @Record("name") repeats the record of parameter 0 ("name"); record names must be unique',
    );
  });

  it("requires input names to be unique within a function", () => {
    @p8e.Participants([PartyType.OWNER])
    @p8e.ScopeSpecification(["s"])
    class SameInput extends p8e.P8eContract {
      @p8e.Function({ invokedBy: PartyType.OWNER })
      @p8e.Record("out", StringValueSchema)
      run(
        @p8e.Input("value", StringValueSchema) a: StringValue,
        @p8e.Input("value", StringValueSchema) b: StringValue,
      ): StringValue {
        return b.value === "" ? a : b;
      }
    }
    const error = failure(SameInput);
    expect(error.code).toBe("duplicate-input");
    expect(error.message).toBe(
      'SameInput.run parameter 1 (b) @Input("value") repeats the name of parameter 0 (a); input names must be unique within a function',
    );
  });

  it("requires every constructor parameter to be a record", () => {
    @p8e.Participants([PartyType.OWNER])
    @p8e.ScopeSpecification(["s"])
    class PlainParameter extends p8e.P8eContract {
      constructor(
        @p8e.Record("name", StringValueSchema) readonly name: StringValue,
        readonly extra: string,
      ) {
        super();
      }
    }
    const error = failure(PlainParameter);
    expect(error.code).toBe("undecorated-parameter");
    expect(error.message).toBe(
      "PlainParameter constructor parameter 1 (extra) has no @Record: every constructor parameter must be an existing record",
    );
  });

  it("requires every function parameter to be a record or an input", () => {
    @p8e.Participants([PartyType.OWNER])
    @p8e.ScopeSpecification(["s"])
    class PlainFunctionParameter extends p8e.P8eContract {
      @p8e.Function({ invokedBy: PartyType.OWNER })
      @p8e.Record("out", StringValueSchema)
      run(@p8e.Input("a", StringValueSchema) a: StringValue, flag: boolean): StringValue {
        return flag ? a : a;
      }
    }
    const error = failure(PlainFunctionParameter);
    expect(error.code).toBe("undecorated-parameter");
    expect(error.message).toBe("PlainFunctionParameter.run parameter 1 (flag) has neither @Record nor @Input");
  });

  it("refuses a parameter with two decorators and record options on functions", () => {
    @p8e.Participants([PartyType.OWNER])
    @p8e.ScopeSpecification(["s"])
    class Misplaced extends p8e.P8eContract {
      @p8e.Function({ invokedBy: PartyType.OWNER })
      @p8e.Record("out", StringValueSchema, { optional: true })
      run(@p8e.Input("a", StringValueSchema) @p8e.Input("b", StringValueSchema) a: StringValue): StringValue {
        return a;
      }
    }
    const error = failure(Misplaced);
    expect(error.code).toBe("misplaced-decorator");
    expect(error.issues.map((i) => i.message)).toEqual([
      '@Record("out") on Misplaced.run: "optional" and "list" apply to constructor records only',
      "Misplaced.run parameter 0 (a) has 2 @Record/@Input decorators; a parameter takes exactly one",
    ]);
  });

  it("refuses decorators on static members", () => {
    @p8e.Participants([PartyType.OWNER])
    @p8e.ScopeSpecification(["s"])
    class StaticFunction extends p8e.P8eContract {
      // @ts-expect-error -- static members are not contract functions
      @p8e.Function({ invokedBy: PartyType.OWNER })
      static run(): StringValue {
        return create(StringValueSchema);
      }
    }
    const error = failure(StaticFunction);
    expect(error.code).toBe("misplaced-decorator");
    expect(error.message).toBe(
      "@Function on static member StaticFunction.run: contract functions are instance methods",
    );
  });

  it("refuses a decorator declared twice", () => {
    @p8e.Participants([PartyType.OWNER])
    @p8e.ScopeSpecification(["s"])
    class Twice extends p8e.P8eContract {
      @p8e.Function({ invokedBy: PartyType.OWNER })
      @p8e.Function({ invokedBy: PartyType.OWNER })
      @p8e.Record("out", StringValueSchema)
      run(@p8e.Input("a", StringValueSchema) a: StringValue): StringValue {
        return a;
      }
    }
    const error = failure(Twice);
    expect(error.code).toBe("duplicate-decorator");
    expect(error.message).toBe("@Function is declared twice on Twice.run");
  });

  it("requires @Function on a method with contract decorators", () => {
    @p8e.Participants([PartyType.OWNER])
    @p8e.ScopeSpecification(["s"])
    class NoFunction extends p8e.P8eContract {
      @p8e.Record("out", StringValueSchema)
      run(@p8e.Input("a", StringValueSchema) a: StringValue): StringValue {
        return a;
      }
    }
    const error = failure(NoFunction);
    expect(error.code).toBe("missing-function");
    expect(error.message).toBe("NoFunction.run has contract decorators but no @Function({ invokedBy })");
  });

  it("requires a function to name its output record", () => {
    @p8e.Participants([PartyType.OWNER])
    @p8e.ScopeSpecification(["s"])
    class NoOutput extends p8e.P8eContract {
      @p8e.Function({ invokedBy: PartyType.OWNER })
      run(@p8e.Input("a", StringValueSchema) a: StringValue): StringValue {
        return a;
      }
    }
    const error = failure(NoOutput);
    expect(error.code).toBe("missing-output");
    expect(error.message).toBe(
      "NoOutput.run has no @Record(name, schema): a function must name the record its result is saved as",
    );
  });

  it("requires a function's record parameters to be constructor records of the same type", () => {
    @p8e.Participants([PartyType.OWNER])
    @p8e.ScopeSpecification(["s"])
    class RecordParameters extends p8e.P8eContract {
      constructor(@p8e.Record("flag", BoolValueSchema) readonly flag: BoolValue) {
        super();
      }

      @p8e.Function({ invokedBy: PartyType.OWNER })
      @p8e.Record("out", StringValueSchema)
      unknown(@p8e.Record("other", StringValueSchema) other: StringValue): StringValue {
        return other;
      }

      @p8e.Function({ invokedBy: PartyType.OWNER })
      @p8e.Record("out2", StringValueSchema)
      mismatch(@p8e.Record("flag", StringValueSchema) flag: StringValue): StringValue {
        return flag;
      }
    }
    const error = failure(RecordParameters);
    expect(error.issues).toEqual([
      {
        code: "unknown-record",
        message:
          'RecordParameters.unknown parameter 0 (other) @Record("other") is not a constructor record of RecordParameters; functions receive existing records that the constructor declares',
      },
      {
        code: "record-type-mismatch",
        message:
          'RecordParameters.mismatch parameter 0 (flag) @Record("flag") is google.protobuf.StringValue, but the constructor record is google.protobuf.BoolValue',
      },
    ]);
  });

  it("requires an output that updates a constructor record to keep its type", () => {
    @p8e.Participants([PartyType.OWNER])
    @p8e.ScopeSpecification(["s"])
    class OutputType extends p8e.P8eContract {
      constructor(@p8e.Record("count", Int64ValueSchema, { optional: true }) readonly count: Int64Value | undefined) {
        super();
      }

      @p8e.Function({ invokedBy: PartyType.OWNER })
      @p8e.Record("count", StringValueSchema)
      run(@p8e.Input("a", StringValueSchema) a: StringValue): StringValue {
        return a;
      }
    }
    const error = failure(OutputType);
    expect(error.code).toBe("record-type-mismatch");
    expect(error.message).toBe(
      'OutputType.run @Record("count") is google.protobuf.StringValue, but the constructor record of that name is google.protobuf.Int64Value',
    );
  });

  it("requires @SkipIfRecordExists to name an optional constructor record", () => {
    @p8e.Participants([PartyType.OWNER])
    @p8e.ScopeSpecification(["s"])
    class Skip extends p8e.P8eContract {
      constructor(@p8e.Record("required", StringValueSchema) readonly required: StringValue) {
        super();
      }

      @p8e.Function({ invokedBy: PartyType.OWNER })
      @p8e.Record("out", StringValueSchema)
      @p8e.SkipIfRecordExists("required")
      run(@p8e.Input("a", StringValueSchema) a: StringValue): StringValue {
        return a;
      }

      @p8e.Function({ invokedBy: PartyType.OWNER })
      @p8e.Record("out2", StringValueSchema)
      @p8e.SkipIfRecordExists("missing")
      run2(@p8e.Input("a", StringValueSchema) a: StringValue): StringValue {
        return a;
      }
    }
    const error = failure(Skip);
    expect(error.code).toBe("unknown-record");
    expect(error.issues.map((i) => i.message)).toEqual([
      'Skip.run @SkipIfRecordExists("required") must name an optional constructor record (@Record("required", schema, { optional: true }))',
      'Skip.run2 @SkipIfRecordExists("missing") must name an optional constructor record (@Record("missing", schema, { optional: true }))',
    ]);
  });

  it("refuses names the chain would refuse", () => {
    @p8e.Participants([PartyType.OWNER])
    @p8e.ScopeSpecification(["s", " "])
    class Names extends p8e.P8eContract {
      static override readonly package = "io.example.";

      @p8e.Function({ invokedBy: PartyType.OWNER })
      @p8e.Record("x".repeat(201), StringValueSchema)
      run(@p8e.Input("", StringValueSchema) a: StringValue): StringValue {
        return a;
      }
    }
    const error = failure(Names);
    expect(error.code).toBe("invalid-name");
    expect(error.issues.map((i) => i.message)).toEqual([
      'Names.package "io.example." must be dot-separated identifiers, like a Java package',
      'Names @ScopeSpecification name " " must not be empty or blank',
      `Names.run @Record name "${"x".repeat(201)}" is 201 bytes long; the chain accepts at most 200`,
      'Names.run parameter 0 (a) @Input name "" must not be empty or blank',
    ]);
  });

  it("refuses a schema that is not a protobuf message", () => {
    @p8e.Participants([PartyType.OWNER])
    @p8e.ScopeSpecification(["s"])
    class NotASchema extends p8e.P8eContract {
      @p8e.Function({ invokedBy: PartyType.OWNER })
      @p8e.Record("out", StringValueSchema)
      run(@p8e.Input("a", { typeName: "x" } as unknown as typeof StringValueSchema) a: StringValue): StringValue {
        return a;
      }
    }
    const error = failure(NotASchema);
    expect(error.issues[0]).toEqual({
      code: "invalid-schema",
      message: '@Input("a") on NotASchema.run parameter 0: x is not a protobuf message schema',
    });
  });

  it("reports every problem at once", () => {
    class Everything extends p8e.P8eContract {
      @p8e.Function({ invokedBy: PartyType.OWNER })
      run(x: StringValue): StringValue {
        return x;
      }
    }
    const error = failure(Everything);
    expect(error.issues.map((i) => i.code)).toEqual([
      "no-participants",
      "no-scope-specification",
      "invoker-not-participant",
      "missing-output",
      "undecorated-parameter",
    ]);
    expect(error.message.split("\n")[0]).toBe("5 problems:");
  });
});

describe("checkFunctionOutput()", () => {
  it("accepts a message of the declared type and refuses anything else", () => {
    const contract = p8e.describeContract(LoanContract);
    const amount = contract.functions[0]!;
    expect(() => p8e.checkFunctionOutput(contract, amount, create(Int64ValueSchema, { value: 5n }))).not.toThrow();
    expect(() => p8e.checkFunctionOutput(contract, amount, create(StringValueSchema))).toThrow(
      expect.objectContaining({
        code: "invalid-output",
        message:
          'LoanContract.amount returned a google.protobuf.StringValue message; its @Record("amount") is google.protobuf.Int64Value',
      }),
    );
    expect(() => p8e.checkFunctionOutput(contract, amount, null)).toThrow(/returned null/);
  });
});

describe("P8eContract", () => {
  it("gives a contract the execution time the engine set, and refuses to guess one", () => {
    class Clock extends p8e.P8eContract {
      now(): Date {
        return this.currentTime;
      }
    }
    const clock = new Clock();
    expect(() => clock.now()).toThrow(expect.objectContaining({ code: "no-execution-time" }));
    p8e.setExecutionTime(clock, new Date("2024-05-06T07:08:09Z"));
    expect(clock.now().toISOString()).toBe("2024-05-06T07:08:09.000Z");
    clock.now().setFullYear(1999);
    expect(clock.now().getUTCFullYear()).toBe(2024);
  });
});
