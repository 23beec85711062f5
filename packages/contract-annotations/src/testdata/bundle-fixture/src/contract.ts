// A small contract project copied to temporary folders by bundle-contract.test.ts.
import { create } from "@bufbuild/protobuf";
import { type StringValue, StringValueSchema } from "@bufbuild/protobuf/wkt";
import * as p8e from "@p8e/contract-annotations";
import { greet } from "./greeting.js";

@p8e.Participants([p8e.PartyType.OWNER])
@p8e.ScopeSpecification(["io.p8e.testing.greeting"])
export class GreetingContract extends p8e.P8eContract {
  static override readonly package = "io.p8e.testing";

  @p8e.Function({ invokedBy: p8e.PartyType.OWNER })
  @p8e.Record("greeting", StringValueSchema)
  greeting(@p8e.Input("name", StringValueSchema) name: StringValue): StringValue {
    return create(StringValueSchema, { value: greet(name.value) });
  }
}
