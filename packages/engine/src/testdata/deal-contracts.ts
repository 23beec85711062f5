// Contracts of two and three parties: the ORIGINATOR proposes a deal, the others sign it.
import { create } from "@bufbuild/protobuf";
import { type StringValue, StringValueSchema } from "@bufbuild/protobuf/wkt";
import * as p8e from "@p8e/contract-annotations";

const { PartyType } = p8e;

function accepted(deal: StringValue): StringValue {
  if (deal.value.trim() === "") throw new Error("a deal must say something");
  return create(StringValueSchema, { value: `deal: ${deal.value}` });
}

@p8e.Participants([PartyType.ORIGINATOR, PartyType.SERVICER])
@p8e.ScopeSpecification(["io.p8e.test.deals"])
export class DealContract extends p8e.P8eContract {
  static override readonly package = "io.p8e.test";

  @p8e.Function({ invokedBy: PartyType.ORIGINATOR })
  @p8e.Record("deal", StringValueSchema)
  propose(@p8e.Input("deal", StringValueSchema) deal: StringValue): StringValue {
    return accepted(deal);
  }
}

/** The same deal with an INVESTOR signing too (the function is inherited). */
@p8e.Participants([PartyType.ORIGINATOR, PartyType.SERVICER, PartyType.INVESTOR])
@p8e.ScopeSpecification(["io.p8e.test.deals"])
export class SyndicateContract extends DealContract {}

/** A deal whose spec and bundle a test stores for the invoker alone: a counterparty cannot load them. */
@p8e.Participants([PartyType.ORIGINATOR, PartyType.SERVICER])
@p8e.ScopeSpecification(["io.p8e.test.deals"])
export class PrivateDealContract extends DealContract {}

@p8e.ScopeSpecificationDefinition({
  uuid: "6a5b4c3d-2e1f-4a0b-9c8d-7e6f5a4b3c2d",
  name: "io.p8e.test.deals",
  description: "Scopes of deals between parties.",
  partiesInvolved: [PartyType.ORIGINATOR],
})
export class DealScopeSpecification extends p8e.P8eScopeSpecification {}

export const dealScopeSpecUuid = "6a5b4c3d-2e1f-4a0b-9c8d-7e6f5a4b3c2d";
