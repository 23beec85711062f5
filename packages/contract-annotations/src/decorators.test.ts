// Type-level tests: every `@ts-expect-error` below is checked by `tsc --noEmit` (the typecheck
// script), so a decorator that stops rejecting a wrong type fails the build.
import { create } from "@bufbuild/protobuf";
import {
  type BoolValue,
  BoolValueSchema,
  type Int64Value,
  Int64ValueSchema,
  type StringValue,
  StringValueSchema,
} from "@bufbuild/protobuf/wkt";
import { describe, expect, expectTypeOf, it } from "vitest";
import type { RecordValue } from "./index.js";
import * as p8e from "./index.js";

const { PartyType } = p8e;

describe("Record()", () => {
  it("types a constructor record by its options", () => {
    expectTypeOf<RecordValue<typeof StringValueSchema, { readonly optional: false }>>().toEqualTypeOf<StringValue>();
    expectTypeOf<RecordValue<typeof StringValueSchema, { readonly optional: true }>>().toEqualTypeOf<
      StringValue | undefined
    >();
    expectTypeOf<RecordValue<typeof StringValueSchema, { readonly list: true }>>().toEqualTypeOf<StringValue[]>();
  });

  it("rejects a function whose return type is not the record's message", () => {
    class Contract extends p8e.P8eContract {
      @p8e.Function({ invokedBy: PartyType.OWNER })
      // @ts-expect-error -- returns StringValue, the record is Int64Value
      @p8e.Record("count", Int64ValueSchema)
      count(@p8e.Input("text", StringValueSchema) text: StringValue): StringValue {
        return text;
      }

      @p8e.Function({ invokedBy: PartyType.OWNER })
      @p8e.Record("text", StringValueSchema)
      text(@p8e.Input("text", StringValueSchema) text: StringValue): StringValue {
        return text;
      }
    }
    expect(Contract).toBeTypeOf("function");
  });

  it("rejects a constructor parameter whose type does not accept the record", () => {
    class Contract extends p8e.P8eContract {
      constructor(
        @p8e.Record("a", StringValueSchema) readonly a: StringValue,
        // @ts-expect-error -- Int64Value does not accept a StringValue
        @p8e.Record("b", StringValueSchema) readonly b: Int64Value,
        // @ts-expect-error -- an optional record may be undefined
        @p8e.Record("c", StringValueSchema, { optional: true }) readonly c: StringValue,
        @p8e.Record("d", StringValueSchema, { optional: true }) readonly d: StringValue | undefined,
        // @ts-expect-error -- a list record is an array
        @p8e.Record("e", StringValueSchema, { list: true }) readonly e: StringValue,
        @p8e.Record("f", StringValueSchema, { list: true }) readonly f: readonly StringValue[],
      ) {
        super();
      }
    }
    expect(Contract).toBeTypeOf("function");
  });

  it("rejects a function parameter whose type does not accept the record", () => {
    class Contract extends p8e.P8eContract {
      constructor(@p8e.Record("flag", BoolValueSchema) readonly flag: BoolValue) {
        super();
      }

      @p8e.Function({ invokedBy: PartyType.OWNER })
      @p8e.Record("out", BoolValueSchema)
      run(
        @p8e.Record("flag", BoolValueSchema) flag: BoolValue,
        // @ts-expect-error -- StringValue does not accept a BoolValue
        @p8e.Record("flag2", BoolValueSchema) other: StringValue,
      ): BoolValue {
        return other.value === "" ? flag : flag;
      }
    }
    expect(Contract).toBeTypeOf("function");
  });
});

describe("Input()", () => {
  it("rejects a parameter whose type does not accept the input", () => {
    class Contract extends p8e.P8eContract {
      @p8e.Function({ invokedBy: PartyType.OWNER })
      @p8e.Record("out", StringValueSchema)
      run(
        @p8e.Input("a", StringValueSchema) a: StringValue,
        // @ts-expect-error -- BoolValue does not accept a StringValue
        @p8e.Input("b", StringValueSchema) b: BoolValue,
      ): StringValue {
        return b.value ? a : a;
      }
    }
    expect(Contract).toBeTypeOf("function");
  });

  it("rejects @Input on a constructor parameter", () => {
    class Contract extends p8e.P8eContract {
      // @ts-expect-error -- constructor parameters are records
      constructor(@p8e.Input("a", StringValueSchema) readonly a: StringValue) {
        super();
      }
    }
    expect(() => p8e.describeContract(Contract)).toThrow(/constructor parameters are @Record only/);
  });
});

describe("Function()", () => {
  it("rejects a method that does not return a protobuf message", () => {
    class Contract extends p8e.P8eContract {
      // @ts-expect-error -- returns a string
      @p8e.Function({ invokedBy: PartyType.OWNER })
      run(): string {
        return "";
      }
    }
    expect(Contract).toBeTypeOf("function");
  });

  it("rejects a method of a class that is not a contract", () => {
    class NotAContract {
      // @ts-expect-error -- the class does not extend P8eContract
      @p8e.Function({ invokedBy: PartyType.OWNER })
      run(): StringValue {
        return create(StringValueSchema);
      }
    }
    expect(NotAContract).toBeTypeOf("function");
  });
});

describe("Participants()", () => {
  it("rejects a class that is not a contract", () => {
    // @ts-expect-error -- the class does not extend P8eContract
    @p8e.Participants([PartyType.OWNER])
    class NotAContract {}
    expect(NotAContract).toBeTypeOf("function");
  });
});

describe("ScopeSpecificationDefinition()", () => {
  it("rejects a class that does not extend P8eScopeSpecification", () => {
    // @ts-expect-error -- the class does not extend P8eScopeSpecification
    @p8e.ScopeSpecificationDefinition({
      uuid: "00000000-0000-4000-8000-000000000000",
      name: "x",
      description: "",
      partiesInvolved: [PartyType.OWNER],
    })
    class NotAScopeSpecification {}
    expect(NotAScopeSpecification).toBeTypeOf("function");
  });
});
