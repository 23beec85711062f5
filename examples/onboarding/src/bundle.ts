import { dehydrate } from "@p8e/contract-annotations";
import { bundleContract, type ContractBundle } from "@p8e/contract-annotations/bundle";
import type { ContractSpec } from "@p8e/spec-model";
import { OnboardingContract } from "./contract.js";

/** The bundle entry: src/contract.ts, found the same way from src/ (sources) and dist/ (build). */
export const onboardingEntry = new URL("../src/contract.ts", import.meta.url);

/** Bundles the onboarding contract into one deterministic ESM file. */
export function bundleOnboarding(): Promise<ContractBundle> {
  return bundleContract(onboardingEntry);
}

/** The bundle and the ContractSpec that names its hash: what a publisher stores and memorializes. */
export async function publishableOnboarding(): Promise<{ bundle: ContractBundle; spec: ContractSpec }> {
  const bundle = await bundleOnboarding();
  return { bundle, spec: dehydrate(OnboardingContract, { bundleHash: bundle.hash }) };
}
