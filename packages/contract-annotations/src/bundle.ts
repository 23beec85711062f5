/**
 * Deterministic contract bundles: `bundleContract(entry)` turns a contract package into one ESM
 * file (the role of upstream's uberjar) whose SHA-256 goes into the contract's spec. This subpath
 * pulls in esbuild and Node APIs, so it is for build and publish tooling, never for contract code.
 * @module
 */

export { type BundleContractOptions, bundleContract, bundleHash, type ContractBundle } from "./bundle-contract.js";
export { hostModules, isHostModule } from "./host-modules.js";
