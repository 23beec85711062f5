// A hello-world-shaped contract for the bench, built as a ContractSpec directly: one OWNER function
// `record` that turns the proposed input `name` into the record `name`. (The hello-world example
// itself needs the legacy decorator transform, which tsx does not apply to other packages' files.)
import { create } from "@bufbuild/protobuf";
import { contractSpecification, recordSpecifications } from "@p8e/contract-annotations/chain";
import { bytesToBase64, type KeyPair, sha256 } from "@p8e/hashing-crypto";
import {
  type ContractSpec,
  ContractSpecSchema,
  contractSpecId,
  DefinitionSpec_Type,
  MetadataAddress,
  PartyType,
} from "@p8e/spec-model";
import { PartyType as ChainPartyType, ScopeSpecificationSchema } from "@p8e/spec-model/metadata";
import type { ChainSpecifications } from "../src/index.js";
import { specEnvelope } from "../src/testdata/spec-envelopes.js";

const bundleHash = bytesToBase64(sha256(new TextEncoder().encode("bench contract bundle")));
const nameType = "io.p8e.bench.Name";
const location = (classname: string) => ({ classname, ref: { hash: bundleHash } });

/** The bench contract's ContractSpec. */
export const benchSpec: ContractSpec = create(ContractSpecSchema, {
  definition: {
    name: "BenchContract",
    resourceLocation: location("io.p8e.bench.BenchContract"),
    type: DefinitionSpec_Type.FACT,
  },
  partiesInvolved: [PartyType.OWNER],
  functionSpecs: [
    {
      funcName: "record",
      invokerParty: PartyType.OWNER,
      inputSpecs: [{ name: "name", resourceLocation: location(nameType), type: DefinitionSpec_Type.PROPOSED }],
      outputSpec: { spec: { name: "name", resourceLocation: location(nameType), type: DefinitionSpec_Type.PROPOSED } },
    },
  ],
});

/** The bench scope specification's UUID. */
export const benchScopeSpecUuid = "5a1d1a8e-0b3f-4c2e-9d6a-7f1e2b3c4d5e";

/** The chain specifications of the bench contract, owned by `owner`. */
export function benchSpecifications(owner: string): ChainSpecifications {
  const contractSpec = contractSpecId(benchSpec).address;
  const scopeSpec = MetadataAddress.forScopeSpecification(benchScopeSpecUuid);
  return {
    contractSpecifications: [contractSpecification(benchSpec, { ownerAddresses: [owner] })],
    recordSpecifications: recordSpecifications(benchSpec),
    scopeSpecifications: [
      create(ScopeSpecificationSchema, {
        specificationId: scopeSpec.bytes,
        description: { name: "bench", description: "Scopes the memorializer bench writes." },
        ownerAddresses: [owner],
        partiesInvolved: [ChainPartyType.OWNER],
      }),
    ],
    links: [{ contractSpecificationId: contractSpec, scopeSpecificationId: scopeSpec }],
  };
}

/** A signed bench envelope: a new scope and session with one record. */
export function benchEnvelope(invoker: KeyPair, scopeUuid: string, sessionUuid: string, name: string) {
  const bytes = new TextEncoder().encode(name);
  return specEnvelope({
    spec: benchSpec,
    invoker,
    role: PartyType.OWNER,
    scopeUuid,
    sessionUuid,
    scopeSpecUuid: benchScopeSpecUuid,
    inputs: { name: bytes },
    outputs: { record: new TextEncoder().encode(`${name}-hello-world`) },
  });
}
