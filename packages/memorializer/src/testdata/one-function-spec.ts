// A one-function, one-party ContractSpec built directly (no decorators, no bundle), and the chain
// specifications that publish it: what the tests and the bench memorialize against.
import { create } from "@bufbuild/protobuf";
import { contractSpecification, recordSpecifications } from "@p8e/contract-annotations/chain";
import {
  type ContractSpec,
  ContractSpecSchema,
  contractSpecId,
  DefinitionSpec_Type,
  MetadataAddress,
  PartyType,
} from "@p8e/spec-model";
import { PartyType as ChainPartyType, ScopeSpecificationSchema } from "@p8e/spec-model/metadata";
import type { ChainSpecifications } from "../spec-publishing-msgs.js";

/** What a one-function OWNER contract is called and what it records. */
export interface OneFunctionContract {
  /** The class name (`definition.name`). */
  readonly name: string;
  /** The full name (`definition.resource_location.classname`). */
  readonly fullName: string;
  /** The function, which turns the proposed input `input` into the record `output`. */
  readonly fn: string;
  readonly input: string;
  readonly output: string;
  /** The message type of input and output. */
  readonly recordType: string;
  readonly bundleHash: string;
}

/** The contract's ContractSpec, laid out as dehydrate() lays out a decorated class. */
export function oneFunctionSpec(contract: OneFunctionContract): ContractSpec {
  const location = (classname: string) => ({ classname, ref: { hash: contract.bundleHash } });
  return create(ContractSpecSchema, {
    definition: { name: contract.name, resourceLocation: location(contract.fullName), type: DefinitionSpec_Type.FACT },
    partiesInvolved: [PartyType.OWNER],
    functionSpecs: [
      {
        funcName: contract.fn,
        invokerParty: PartyType.OWNER,
        inputSpecs: [
          { name: contract.input, resourceLocation: location(contract.recordType), type: DefinitionSpec_Type.PROPOSED },
        ],
        outputSpec: {
          spec: {
            name: contract.output,
            resourceLocation: location(contract.recordType),
            type: DefinitionSpec_Type.PROPOSED,
          },
        },
      },
    ],
  });
}

/** The chain specifications of `spec` in an OWNER scope specification, owned by `owner`. */
export function oneFunctionSpecifications(
  spec: ContractSpec,
  scope: { readonly uuid: string; readonly name: string; readonly description: string },
  owner: string,
): ChainSpecifications {
  const contractSpec = contractSpecId(spec).address;
  const scopeSpec = MetadataAddress.forScopeSpecification(scope.uuid);
  return {
    contractSpecifications: [contractSpecification(spec, { ownerAddresses: [owner] })],
    recordSpecifications: recordSpecifications(spec),
    scopeSpecifications: [
      create(ScopeSpecificationSchema, {
        specificationId: scopeSpec.bytes,
        description: { name: scope.name, description: scope.description },
        ownerAddresses: [owner],
        partiesInvolved: [ChainPartyType.OWNER],
      }),
    ],
    links: [{ contractSpecificationId: contractSpec, scopeSpecificationId: scopeSpec }],
  };
}
