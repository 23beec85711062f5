// The hello-world contract and its scope specification: the bundle entry. It imports only the
// host-provided @p8e/contract-annotations and @bufbuild/protobuf, and its own generated types.
import { create } from "@bufbuild/protobuf";
import * as p8e from "@p8e/contract-annotations";
import { type ExampleName, ExampleNameSchema } from "./gen/io/p8e/proto/example/hello_world_pb.js";

export { type ExampleName, ExampleNameSchema };

const { PartyType } = p8e;

/** The name of the scope specification hello-world runs in. */
export const helloWorldScopeSpecificationName = "io.p8e.contracts.examplekotlin.helloWorld";

/** One party, the OWNER, records a name: the input `name`, decorated, becomes the record `name`. */
@p8e.Participants([PartyType.OWNER])
@p8e.ScopeSpecification([helloWorldScopeSpecificationName])
export class HelloWorldContract extends p8e.P8eContract {
  static override readonly package = "io.p8e.contracts.examplekotlin";

  /** Records the proposed name with "-hello" appended to the first name and "-world" to the last. */
  @p8e.Function({ invokedBy: PartyType.OWNER })
  @p8e.Record("name", ExampleNameSchema)
  name(@p8e.Input("name", ExampleNameSchema) name: ExampleName): ExampleName {
    return create(ExampleNameSchema, {
      ...name,
      firstName: `${name.firstName}-hello`,
      lastName: `${name.lastName}-world`,
    });
  }
}

/** The scope specification for hello-world scopes: every such scope has an OWNER. */
@p8e.ScopeSpecificationDefinition({
  uuid: "1e6280b6-3544-40d2-b862-ddd2525620d3",
  name: helloWorldScopeSpecificationName,
  description: "A generic scope that allows for a lot of example hello world contracts.",
  partiesInvolved: [PartyType.OWNER],
})
export class HelloWorldScopeSpecification extends p8e.P8eScopeSpecification {}
