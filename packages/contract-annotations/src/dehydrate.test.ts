import { create, equals, toBinary } from "@bufbuild/protobuf";
import { type StringValue, StringValueSchema } from "@bufbuild/protobuf/wkt";
import {
  ContractSpecSchema,
  DefinitionSpec_Type,
  DefinitionSpecSchema,
  FunctionSpecSchema,
  LocationSchema,
  OutputSpecSchema,
  ProvenanceReferenceSchema,
  toCanonicalBinary,
} from "@p8e/spec-model";
import { describe, expect, it } from "vitest";
import * as p8e from "./index.js";
import { LoanContract } from "./testdata/loan-contract.js";

const { PartyType } = p8e;
const bundleHash = "n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=";

// One DefinitionSpec written out by hand, in upstream's layout.
function def(name: string, classname: string, type: DefinitionSpec_Type, optional = false) {
  return create(DefinitionSpecSchema, {
    name,
    resourceLocation: create(LocationSchema, {
      ref: create(ProvenanceReferenceSchema, { hash: bundleHash }),
      classname,
    }),
    type,
    optional,
  });
}

// Declares the same small contract anew each call, with its functions in the given order.
function declareContract(order: "ab" | "ba"): p8e.ContractClass {
  @p8e.Participants([PartyType.OWNER])
  @p8e.ScopeSpecification(["s"])
  class Twin extends p8e.P8eContract {
    @p8e.Function({ invokedBy: PartyType.OWNER })
    @p8e.Record(order === "ab" ? "a" : "b", StringValueSchema)
    first(@p8e.Input("x", StringValueSchema) x: StringValue): StringValue {
      return x;
    }

    @p8e.Function({ invokedBy: PartyType.OWNER })
    @p8e.Record(order === "ab" ? "b" : "a", StringValueSchema)
    second(@p8e.Input("x", StringValueSchema) x: StringValue): StringValue {
      return x;
    }
  }
  return Twin;
}

describe("dehydrate()", () => {
  it("writes upstream's ContractSpec layout", () => {
    const expected = create(ContractSpecSchema, {
      definition: def("LoanContract", "io.p8e.testing.LoanContract", DefinitionSpec_Type.FACT),
      inputSpecs: [
        def("borrower", "google.protobuf.StringValue", DefinitionSpec_Type.FACT),
        def("approved", "google.protobuf.BoolValue", DefinitionSpec_Type.FACT, true),
        def("payments", "google.protobuf.Int64Value", DefinitionSpec_Type.FACT_LIST),
      ],
      partiesInvolved: [PartyType.ORIGINATOR, PartyType.SERVICER],
      functionSpecs: [
        create(FunctionSpecSchema, {
          funcName: "amount",
          inputSpecs: [
            def("requested", "google.protobuf.Int64Value", DefinitionSpec_Type.PROPOSED),
            def("borrower", "google.protobuf.StringValue", DefinitionSpec_Type.FACT),
          ],
          outputSpec: create(OutputSpecSchema, {
            spec: def("amount", "google.protobuf.Int64Value", DefinitionSpec_Type.PROPOSED),
          }),
          invokerParty: PartyType.ORIGINATOR,
        }),
        create(FunctionSpecSchema, {
          funcName: "approve",
          inputSpecs: [def("decision", "google.protobuf.BoolValue", DefinitionSpec_Type.PROPOSED)],
          outputSpec: create(OutputSpecSchema, {
            spec: def("approved", "google.protobuf.BoolValue", DefinitionSpec_Type.PROPOSED),
          }),
          invokerParty: PartyType.SERVICER,
        }),
      ],
    });
    const spec = p8e.dehydrate(LoanContract, { bundleHash });
    expect(equals(ContractSpecSchema, spec, expected)).toBe(true);
    expect(toCanonicalBinary(ContractSpecSchema, spec)).toEqual(toBinary(ContractSpecSchema, expected));
  });

  it("gives the same bytes for the same declarations, and other bytes for another order", () => {
    const encode = (c: p8e.ContractClass) => toCanonicalBinary(ContractSpecSchema, p8e.dehydrate(c, { bundleHash }));
    const first = encode(declareContract("ab"));
    expect(encode(declareContract("ab"))).toEqual(first);
    expect(encode(declareContract("ba"))).not.toEqual(first);
  });

  it("accepts a descriptor as well as a class", () => {
    const fromClass = p8e.dehydrate(LoanContract, { bundleHash });
    const fromDescriptor = p8e.dehydrate(p8e.describeContract(LoanContract), { bundleHash });
    expect(equals(ContractSpecSchema, fromClass, fromDescriptor)).toBe(true);
  });

  it("refuses a bundle hash that is not base64 of a SHA-256", () => {
    for (const hash of ["", "abc", `${bundleHash.slice(0, -1)}A`, bundleHash.replace("+", "-")]) {
      expect(() => p8e.dehydrate(LoanContract, { bundleHash: hash })).toThrow(
        expect.objectContaining({ code: "invalid-bundle-hash" }),
      );
    }
    expect(p8e.isBundleHash(bundleHash)).toBe(true);
  });

  it("refuses a contract that fails its checks", () => {
    class Unchecked extends p8e.P8eContract {}
    expect(() => p8e.dehydrate(Unchecked, { bundleHash })).toThrow(
      expect.objectContaining({ code: "no-participants" }),
    );
  });
});
