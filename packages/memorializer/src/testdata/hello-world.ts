// The hello-world contract's chain specifications and envelopes, for tests.
import { bytesToBase64, type KeyPair, sha256 } from "@p8e/hashing-crypto";
import { type ContractSpec, type Envelope, PartyType } from "@p8e/spec-model";
import type { ChainSpecifications } from "../spec-publishing-msgs.js";
import { oneFunctionSpec, oneFunctionSpecifications } from "./one-function-spec.js";
import { specEnvelope } from "./spec-envelopes.js";

/** The hello-world scope specification's UUID, as the example declares it. */
export const helloWorldScopeSpecUuid = "1e6280b6-3544-40d2-b862-ddd2525620d3";

/**
 * The hello-world ContractSpec as the example dehydrates (its names, roles and record type), with
 * a stand-in bundle hash: the memorializer never loads the bundle, and this package stays below
 * the examples, which build on the engine above it.
 */
const helloWorldSpec = oneFunctionSpec({
  name: "HelloWorldContract",
  fullName: "io.p8e.contracts.examplekotlin.HelloWorldContract",
  fn: "name",
  input: "name",
  output: "name",
  recordType: "io.p8e.proto.example.ExampleName",
  bundleHash: bytesToBase64(sha256(new TextEncoder().encode("hello-world bundle stand-in"))),
});

/** The hello-world ContractSpec and its chain specifications owned by `owner`. */
export async function helloWorldSpecifications(
  owner: string,
): Promise<{ spec: ContractSpec; chain: ChainSpecifications }> {
  const scope = {
    uuid: helloWorldScopeSpecUuid,
    name: "io.p8e.contracts.examplekotlin.helloWorld",
    description: "A generic scope that allows for a lot of example hello world contracts.",
  };
  return { spec: helloWorldSpec, chain: oneFunctionSpecifications(helloWorldSpec, scope, owner) };
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
  // The record bytes only need to differ per name: the memorializer hashes them, never decodes them.
  const input = new TextEncoder().encode(`${options.first} ${options.last}`);
  const output = new TextEncoder().encode(`${options.first}-hello ${options.last}-world`);
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
