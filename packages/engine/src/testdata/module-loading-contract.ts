// A contract that tries to load a module the sandbox does not serve while it is being loaded.
import { create } from "@bufbuild/protobuf";
import { type StringValue, StringValueSchema } from "@bufbuild/protobuf/wkt";
import * as p8e from "@p8e/contract-annotations";

const name = ["f", "s"].join("");
export const fs: unknown = await import(name);

@p8e.Participants([p8e.PartyType.OWNER])
@p8e.ScopeSpecification(["io.p8e.test.hostile"])
export class ModuleLoadingContract extends p8e.P8eContract {
  @p8e.Function({ invokedBy: p8e.PartyType.OWNER })
  @p8e.Record("echo", StringValueSchema)
  echo(@p8e.Input("text", StringValueSchema) input: StringValue): StringValue {
    return create(StringValueSchema, { value: input.value });
  }
}
