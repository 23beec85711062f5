// A contract whose one function stamps its record with the execution time, so re-executing it
// needs the envelope's start time.
import { create } from "@bufbuild/protobuf";
import { type StringValue, StringValueSchema } from "@bufbuild/protobuf/wkt";
import * as p8e from "@p8e/contract-annotations";

const { PartyType } = p8e;

@p8e.Participants([PartyType.OWNER])
@p8e.ScopeSpecification(["io.p8e.test.clock"])
export class ClockContract extends p8e.P8eContract {
  static override readonly package = "io.p8e.test";

  @p8e.Function({ invokedBy: PartyType.OWNER })
  @p8e.Record("stamp", StringValueSchema)
  stamp(@p8e.Input("label", StringValueSchema) label: StringValue): StringValue {
    return create(StringValueSchema, { value: `${label.value} at ${this.currentTime.toISOString()}` });
  }
}

@p8e.ScopeSpecificationDefinition({
  uuid: "8f0e2d4c-6b8a-4c1e-a3f5-0d2b4c6e8a1f",
  name: "io.p8e.test.clock",
  description: "Scopes stamped with execution times.",
  partiesInvolved: [PartyType.OWNER],
})
export class ClockScopeSpecification extends p8e.P8eScopeSpecification {}
