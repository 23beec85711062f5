// The example contracts every new environment publishes: bundled here, stored in the object store,
// and written to the chain where missing (the memorializer sends only what the chain lacks).
import { type ContractClass, dehydrate, type ScopeSpecificationClass } from "@p8e/contract-annotations";
import type { ContractBundle } from "@p8e/contract-annotations/bundle";
import {
  contractSpecification,
  recordSpecifications,
  scopeSpecification,
  scopeSpecificationLinks,
} from "@p8e/contract-annotations/chain";
import type { Engine } from "@p8e/engine";
import { HelloWorldContract, HelloWorldScopeSpecification } from "@p8e/example-hello-world";
import { bundleHelloWorld } from "@p8e/example-hello-world/bundle";
import { OnboardingContract, OnboardingScopeSpecification } from "@p8e/example-onboarding";
import { bundleOnboarding } from "@p8e/example-onboarding/bundle";
import type { Memorializer } from "@p8e/memorializer";
import type { ContractSpec } from "@p8e/spec-model";

/** A contract to publish: its class, how to bundle it, and the scope specifications it runs in. */
export interface ContractSource {
  readonly name: string;
  readonly contract: ContractClass;
  readonly bundle: () => Promise<ContractBundle>;
  readonly scopeSpecifications: readonly ScopeSpecificationClass[];
}

/** The examples: hello-world (one party) and onboarding (ORIGINATOR and SERVICER). */
export const EXAMPLE_CONTRACTS: readonly ContractSource[] = [
  {
    name: "hello-world",
    contract: HelloWorldContract,
    bundle: bundleHelloWorld,
    scopeSpecifications: [HelloWorldScopeSpecification],
  },
  {
    name: "onboarding",
    contract: OnboardingContract,
    bundle: bundleOnboarding,
    scopeSpecifications: [OnboardingScopeSpecification],
  },
];

/** A published contract: its name, spec, spec hash (base64 of the 16-byte id) and how many Msgs were missing. */
export interface PublishedContract {
  readonly name: string;
  readonly className: string;
  readonly spec: ContractSpec;
  readonly specHash: string;
  readonly bundleHash: string;
  readonly sentMsgs: number;
}

/** Bundles, stores and publishes one contract; only what the chain lacks is sent. */
export async function publishContract(
  source: ContractSource,
  deps: { readonly engine: Engine; readonly memorializer: Memorializer; readonly audience?: readonly Uint8Array[] },
): Promise<PublishedContract> {
  const bundle = await source.bundle();
  const spec = dehydrate(source.contract, { bundleHash: bundle.hash });
  const stored = await deps.engine.storeContract(bundle, spec, { audience: deps.audience ?? [] });
  const owners = { ownerAddresses: [deps.memorializer.address] };
  const { msgs } = await deps.memorializer.publishSpecifications({
    contractSpecifications: [contractSpecification(spec, owners)],
    recordSpecifications: recordSpecifications(spec),
    scopeSpecifications: source.scopeSpecifications.map((s) => scopeSpecification(s, owners)),
    links: scopeSpecificationLinks(source.contract, spec, source.scopeSpecifications),
  });
  return {
    name: source.name,
    className: spec.definition?.resourceLocation?.classname ?? source.contract.name,
    spec,
    specHash: stored.specHash,
    bundleHash: bundle.hash,
    sentMsgs: msgs.length,
  };
}
