import { create, equals } from "@bufbuild/protobuf";
import { checkContracts, describeContract, PartyType } from "@p8e/contract-annotations";
import { describe, expect, it } from "vitest";
import { ExampleNameSchema, HelloWorldContract, HelloWorldScopeSpecification } from "./index.js";

describe("HelloWorldContract", () => {
  it("records the proposed name with -hello and -world appended", () => {
    const input = create(ExampleNameSchema, { firstName: "Ada", lastName: "Lovelace", suffix: "PhD" });
    const output = new HelloWorldContract().name(input);
    expect(
      equals(
        ExampleNameSchema,
        output,
        create(ExampleNameSchema, { firstName: "Ada-hello", lastName: "Lovelace-world", suffix: "PhD" }),
      ),
    ).toBe(true);
    expect(input.firstName).toBe("Ada");
  });

  it("declares the seed's contract: OWNER runs name, taking the input name and recording name", () => {
    const d = describeContract(HelloWorldContract);
    expect(d.fullName).toBe("io.p8e.contracts.examplekotlin.HelloWorldContract");
    expect(d.participants).toEqual([PartyType.OWNER]);
    expect(d.scopeSpecifications).toEqual(["io.p8e.contracts.examplekotlin.helloWorld"]);
    expect(d.constructorRecords).toEqual([]);
    expect(
      d.functions.map((f) => [f.name, f.invokedBy, f.output.name, f.parameters.map((p) => [p.kind, p.name])]),
    ).toEqual([["name", PartyType.OWNER, "name", [["input", "name"]]]]);
  });

  it("passes the publishing checks with its scope specification", () => {
    const checked = checkContracts([HelloWorldContract], [HelloWorldScopeSpecification]);
    expect(checked.scopeSpecifications[0]).toMatchObject({
      uuid: "1e6280b6-3544-40d2-b862-ddd2525620d3",
      name: "io.p8e.contracts.examplekotlin.helloWorld",
      partiesInvolved: [PartyType.OWNER],
    });
  });
});
