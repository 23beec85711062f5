// A valid contract exercising every decorator, with well-known types as records.
import { create } from "@bufbuild/protobuf";
import {
  type BoolValue,
  BoolValueSchema,
  type Int64Value,
  Int64ValueSchema,
  type StringValue,
  StringValueSchema,
} from "@bufbuild/protobuf/wkt";
import * as p8e from "../index.js";

const { PartyType } = p8e;

@p8e.Participants([PartyType.ORIGINATOR, PartyType.SERVICER])
@p8e.ScopeSpecification(["io.p8e.testing.loan"])
export class LoanContract extends p8e.P8eContract {
  static override readonly package = "io.p8e.testing";

  constructor(
    @p8e.Record("borrower", StringValueSchema) readonly borrower: StringValue,
    @p8e.Record("approved", BoolValueSchema, { optional: true }) readonly approved: BoolValue | undefined,
    @p8e.Record("payments", Int64ValueSchema, { list: true }) readonly payments: Int64Value[],
  ) {
    super();
  }

  @p8e.Function({ invokedBy: PartyType.ORIGINATOR })
  @p8e.Record("amount", Int64ValueSchema)
  amount(
    @p8e.Input("requested", Int64ValueSchema) requested: Int64Value,
    @p8e.Record("borrower", StringValueSchema) borrower: StringValue,
  ): Int64Value {
    return create(Int64ValueSchema, { value: borrower.value === "" ? 0n : requested.value });
  }

  @p8e.Function({ invokedBy: PartyType.SERVICER })
  @p8e.Record("approved", BoolValueSchema)
  @p8e.SkipIfRecordExists("approved")
  approve(@p8e.Input("decision", BoolValueSchema) decision: BoolValue): BoolValue {
    return create(BoolValueSchema, { value: decision.value });
  }
}

@p8e.ScopeSpecificationDefinition({
  uuid: "5b3a5c8e-4f0e-4b7e-9a39-0d1c2b3a4f5e",
  name: "io.p8e.testing.loan",
  description: "Loans for the contract-annotations tests.",
  partiesInvolved: [PartyType.ORIGINATOR],
  websiteUrl: "https://provenance.io",
})
export class LoanScopeSpecification extends p8e.P8eScopeSpecification {}
