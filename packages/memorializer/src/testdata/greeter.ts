// A second contract for the hello-world scope specification whose function takes an existing
// record: `greet(@Record("name") name)` records a greeting. Built as a ContractSpec directly.
import { create } from "@bufbuild/protobuf";
import { type ContractSpec, ContractSpecSchema, DefinitionSpec_Type, PartyType } from "@p8e/spec-model";

/** The Greeter ContractSpec, with `name` a constructor record of type `recordType`. */
export function greeterSpec(bundleHash: string, recordType: string): ContractSpec {
  const location = (classname: string) => ({ classname, ref: { hash: bundleHash } });
  const name = { name: "name", resourceLocation: location(recordType), type: DefinitionSpec_Type.FACT };
  return create(ContractSpecSchema, {
    definition: { name: "Greeter", resourceLocation: location("io.p8e.test.Greeter"), type: DefinitionSpec_Type.FACT },
    inputSpecs: [name],
    partiesInvolved: [PartyType.OWNER],
    functionSpecs: [
      {
        funcName: "greet",
        invokerParty: PartyType.OWNER,
        inputSpecs: [name],
        outputSpec: {
          spec: { name: "greeting", resourceLocation: location(recordType), type: DefinitionSpec_Type.PROPOSED },
        },
      },
    ],
  });
}
