// The engine tests' well-behaved contract: the OWNER proposes a name and records a greeting.
import { create } from "@bufbuild/protobuf";
import { type StringValue, StringValueSchema } from "@bufbuild/protobuf/wkt";
import * as p8e from "@p8e/contract-annotations";

const { PartyType } = p8e;

/** The greeting scope specification's UUID. */
export const greetingScopeSpecUuid = "3b1f6a52-8c4d-4e7f-9a0b-1c2d3e4f5a6b";

@p8e.Participants([PartyType.OWNER])
@p8e.ScopeSpecification(["io.p8e.test.greetings"])
export class GreetingContract extends p8e.P8eContract {
  static override readonly package = "io.p8e.test";

  @p8e.Function({ invokedBy: PartyType.OWNER })
  @p8e.Record("greeting", StringValueSchema)
  greet(@p8e.Input("name", StringValueSchema) name: StringValue): StringValue {
    return create(StringValueSchema, { value: `hello, ${name.value}` });
  }
}

@p8e.ScopeSpecificationDefinition({
  uuid: "3b1f6a52-8c4d-4e7f-9a0b-1c2d3e4f5a6b",
  name: "io.p8e.test.greetings",
  description: "Scopes of greetings.",
  partiesInvolved: [PartyType.OWNER],
})
export class GreetingScopeSpecification extends p8e.P8eScopeSpecification {}
