import { create } from "@bufbuild/protobuf";
import { type StringValue, StringValueSchema } from "@bufbuild/protobuf/wkt";
import * as p8e from "../index.js";

@p8e.Participants([p8e.PartyType.OWNER])
@p8e.ScopeSpecification(["com.example.greetings"])
export class GreetingContract extends p8e.P8eContract {
  static override readonly package = "com.example";

  @p8e.Function({ invokedBy: p8e.PartyType.OWNER })
  @p8e.Record("greeting", StringValueSchema)
  greet(@p8e.Input("name", StringValueSchema) name: StringValue): StringValue {
    return create(StringValueSchema, { value: `hello, ${name.value}` });
  }
}

// The hash comes from bundleContract(); see "Bundles" below.
export const spec = p8e.dehydrate(GreetingContract, { bundleHash: "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=" });
