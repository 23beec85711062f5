// The hello-world contract's chain specifications and envelopes, for tests and the bench.
import { create, toBinary } from "@bufbuild/protobuf";
import {
  contractSpecification,
  recordSpecifications,
  scopeSpecification,
  scopeSpecificationLinks,
} from "@p8e/contract-annotations/chain";
import { ExampleNameSchema, HelloWorldContract, HelloWorldScopeSpecification } from "@p8e/example-hello-world";
import { publishableHelloWorld } from "@p8e/example-hello-world/bundle";
import type { KeyPair } from "@p8e/hashing-crypto";
import { type ContractSpec, type Envelope, PartyType } from "@p8e/spec-model";
import type { ChainSpecifications } from "../spec-publishing-msgs.js";
import { specEnvelope } from "./spec-envelopes.js";

/** The hello-world scope specification's UUID, from its decorator. */
export const helloWorldScopeSpecUuid = "1e6280b6-3544-40d2-b862-ddd2525620d3";

/** The hello-world ContractSpec (bundled once) and its chain specifications owned by `owner`. */
export async function helloWorldSpecifications(
  owner: string,
): Promise<{ spec: ContractSpec; chain: ChainSpecifications }> {
  const { spec } = await publishableHelloWorld();
  return {
    spec,
    chain: {
      contractSpecifications: [contractSpecification(spec, { ownerAddresses: [owner] })],
      recordSpecifications: recordSpecifications(spec),
      scopeSpecifications: [scopeSpecification(HelloWorldScopeSpecification, { ownerAddresses: [owner] })],
      links: scopeSpecificationLinks(HelloWorldContract, spec, [HelloWorldScopeSpecification]),
    },
  };
}

/** A signed hello-world envelope in which `invoker` (the OWNER) records the name `first last`. */
export function helloWorldEnvelope(options: {
  readonly spec: ContractSpec;
  readonly invoker: KeyPair;
  readonly scopeUuid: string;
  readonly sessionUuid: string;
  readonly first: string;
  readonly last: string;
  readonly scopeSpecUuid?: string;
  readonly newScope?: boolean;
  readonly newSession?: boolean;
  readonly others?: readonly { readonly keys: KeyPair; readonly role: PartyType }[];
}): Envelope {
  const input = toBinary(
    ExampleNameSchema,
    create(ExampleNameSchema, { firstName: options.first, lastName: options.last }),
  );
  const output = toBinary(
    ExampleNameSchema,
    create(ExampleNameSchema, { firstName: `${options.first}-hello`, lastName: `${options.last}-world` }),
  );
  return specEnvelope({
    spec: options.spec,
    invoker: options.invoker,
    role: PartyType.OWNER,
    scopeUuid: options.scopeUuid,
    sessionUuid: options.sessionUuid,
    scopeSpecUuid: options.scopeSpecUuid ?? helloWorldScopeSpecUuid,
    ...(options.newScope === undefined ? {} : { newScope: options.newScope }),
    ...(options.newSession === undefined ? {} : { newSession: options.newSession }),
    ...(options.others === undefined ? {} : { others: options.others }),
    inputs: { name: input },
    outputs: { name: output },
  });
}
