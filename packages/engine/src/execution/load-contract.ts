// Loading what an envelope runs: its spec and bundle by hash, refused (before anything runs) when
// a hash differs or when the bundle's own decorators do not dehydrate to exactly that spec.
import { equals } from "@bufbuild/protobuf";
import {
  type Contract,
  type ContractSpec,
  ContractSpecSchema,
  DefinitionSpecSchema,
  toCanonicalBinary,
} from "@p8e/spec-model";
import type { EngineContext } from "../engine-context.js";
import { EngineError } from "../errors.js";
import type { ContractCode } from "../sandbox/sandbox.js";

/** A contract's spec and bundle, checked against each other and against the contract. */
export interface LoadedContract {
  readonly spec: ContractSpec;
  readonly specHash: string;
  readonly bundle: ContractCode;
}

/** Loads and checks the spec and bundle a contract names. */
export async function loadContract(ctx: EngineContext, contract: Contract): Promise<LoadedContract> {
  const specHash = contract.spec?.dataLocation?.ref?.hash ?? "";
  if (specHash === "")
    throw new EngineError("invalid-envelope", "the contract names no spec (contract.spec.data_location.ref.hash)");
  const spec = await ctx.contracts.spec(specHash);
  const definition = spec.definition;
  const bundleHash = definition?.resourceLocation?.ref?.hash ?? "";
  if (definition === undefined || bundleHash === "") {
    throw new EngineError(
      "invalid-envelope",
      `contract spec ${specHash} names no bundle (definition.resource_location.ref.hash)`,
    );
  }
  if (contract.definition === undefined || !equals(DefinitionSpecSchema, contract.definition, definition)) {
    const named = contract.definition?.resourceLocation?.ref?.hash || "(none)";
    throw new EngineError(
      "hash-mismatch",
      `the contract's definition (bundle ${named}) is not its spec's (bundle ${bundleHash}, spec ${specHash})`,
    );
  }
  const bundle = await ctx.contracts.bundle(bundleHash);
  if (!ctx.checkedSpecs.has(specHash)) {
    const dehydrated = await ctx.sandbox.describe(bundle, definition.name);
    const expected = toCanonicalBinary(ContractSpecSchema, spec);
    if (!Buffer.from(dehydrated).equals(Buffer.from(expected))) {
      throw new EngineError(
        "spec-mismatch",
        `bundle ${bundleHash} does not dehydrate to spec ${specHash}: its decorators declare a different contract`,
      );
    }
    ctx.checkedSpecs.add(specHash);
  }
  return { spec, specHash, bundle };
}
