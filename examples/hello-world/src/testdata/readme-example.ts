import { dehydrate } from "@p8e/contract-annotations";
import { contractSpecId } from "@p8e/spec-model";
import { bundleHelloWorld } from "../bundle.js";
import { HelloWorldContract } from "../index.js";

// One deterministic ESM file holding the contract and ExampleName; its hash names the code.
const bundle = await bundleHelloWorld();
export const spec = dehydrate(HelloWorldContract, { bundleHash: bundle.hash });

// The spec's id is its object-store hash and its on-chain contract specification UUID.
export const { uuid, address } = contractSpecId(spec);
