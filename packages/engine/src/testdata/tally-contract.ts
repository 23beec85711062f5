// A contract that builds on its scope's existing records: `add` reads the current tally (an
// optional constructor record) and records the new one; `double` takes the tally as a function
// record input and records it doubled.
import { create } from "@bufbuild/protobuf";
import { type StringValue, StringValueSchema } from "@bufbuild/protobuf/wkt";
import * as p8e from "@p8e/contract-annotations";

const { PartyType } = p8e;

@p8e.Participants([PartyType.OWNER])
@p8e.ScopeSpecification(["io.p8e.test.tallies"])
export class TallyContract extends p8e.P8eContract {
  static override readonly package = "io.p8e.test";

  constructor(
    @p8e.Record("tally", StringValueSchema, { optional: true })
    readonly tally: StringValue | undefined,
  ) {
    super();
  }

  @p8e.Function({ invokedBy: PartyType.OWNER })
  @p8e.Record("tally", StringValueSchema)
  add(@p8e.Input("amount", StringValueSchema) amount: StringValue): StringValue {
    return create(StringValueSchema, { value: String(Number(this.tally?.value ?? "0") + Number(amount.value)) });
  }

  @p8e.Function({ invokedBy: PartyType.OWNER })
  @p8e.Record("doubled", StringValueSchema)
  double(@p8e.Record("tally", StringValueSchema) tally: StringValue): StringValue {
    return create(StringValueSchema, { value: String(Number(tally.value) * 2) });
  }
}

@p8e.ScopeSpecificationDefinition({
  uuid: "0d7c2b9e-4a1f-4e8b-b3c5-6f7a8b9c0d1e",
  name: "io.p8e.test.tallies",
  description: "Scopes keeping a running tally.",
  partiesInvolved: [PartyType.OWNER],
})
export class TallyScopeSpecification extends p8e.P8eScopeSpecification {}
