// A contract whose constructor takes a list record (FACT_LIST): every note the scope holds.
import { create } from "@bufbuild/protobuf";
import { type StringValue, StringValueSchema } from "@bufbuild/protobuf/wkt";
import * as p8e from "@p8e/contract-annotations";

const { PartyType } = p8e;

@p8e.Participants([PartyType.OWNER])
@p8e.ScopeSpecification(["io.p8e.test.notes"])
export class NotesContract extends p8e.P8eContract {
  static override readonly package = "io.p8e.test";

  constructor(
    @p8e.Record("notes", StringValueSchema, { optional: true, list: true })
    readonly notes: StringValue[] | undefined,
  ) {
    super();
  }

  @p8e.Function({ invokedBy: PartyType.OWNER })
  @p8e.Record("summary", StringValueSchema)
  summarize(@p8e.Input("note", StringValueSchema) note: StringValue): StringValue {
    return create(StringValueSchema, { value: [...(this.notes ?? []).map((n) => n.value), note.value].join(" | ") });
  }
}

@p8e.ScopeSpecificationDefinition({
  uuid: "9c8b7a69-5847-4362-a150-f4e3d2c1b0a9",
  name: "io.p8e.test.notes",
  description: "Scopes of notes.",
  partiesInvolved: [PartyType.OWNER],
})
export class NotesScopeSpecification extends p8e.P8eScopeSpecification {}
