import { dehydrate } from "@p8e/contract-annotations";
import { contractSpecId } from "@p8e/spec-model";
import { bundleOnboarding } from "../bundle.js";
import { OnboardingContract } from "../index.js";

// One deterministic ESM file holding the contract and its records; its hash names the code.
const bundle = await bundleOnboarding();
export const spec = dehydrate(OnboardingContract, { bundleHash: bundle.hash });

// The spec's id is its object-store hash and its on-chain contract specification UUID.
export const { uuid, address } = contractSpecId(spec);
