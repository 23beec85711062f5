import { dehydrate } from "@p8e/contract-annotations";
import { bundleContract, type ContractBundle } from "@p8e/contract-annotations/bundle";
import type { ContractSpec } from "@p8e/spec-model";
import { HelloWorldContract } from "./contract.js";

/** The bundle entry: src/contract.ts, found the same way from src/ (sources) and dist/ (build). */
export const helloWorldEntry = new URL("../src/contract.ts", import.meta.url);

/** Bundles the hello-world contract into one deterministic ESM file. */
export function bundleHelloWorld(): Promise<ContractBundle> {
  return bundleContract(helloWorldEntry);
}

/** The bundle and the ContractSpec that names its hash: what a publisher stores and memorializes. */
export async function publishableHelloWorld(): Promise<{ bundle: ContractBundle; spec: ContractSpec }> {
  const bundle = await bundleHelloWorld();
  return { bundle, spec: dehydrate(HelloWorldContract, { bundleHash: bundle.hash }) };
}
