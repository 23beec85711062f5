import { create } from "@bufbuild/protobuf";
import {
  type ContractSpec,
  ContractSpecSchema,
  type DefinitionSpec,
  DefinitionSpec_Type,
  DefinitionSpecSchema,
  FunctionSpecSchema,
  LocationSchema,
  OutputSpecSchema,
  ProvenanceReferenceSchema,
} from "@p8e/spec-model";
import type { ContractClass } from "./decorators.js";
import { type ContractDescriptor, describeContract } from "./describe-contract.js";
import { ContractAnnotationsError } from "./errors.js";

/** Options of `dehydrate()`. */
export interface DehydrateOptions {
  /**
   * The contract bundle's hash: standard padded base64 of the SHA-256 of the bundle bytes
   * (`bundleContract(entry).hash`). It plays the role of both of upstream's jar hashes.
   */
  readonly bundleHash: string;
}

const base64Sha256 = /^[A-Za-z0-9+/]{43}=$/;

/** True when `hash` is standard padded base64 of 32 bytes, the form of a bundle hash. */
export function isBundleHash(hash: unknown): hash is string {
  return typeof hash === "string" && base64Sha256.test(hash);
}

function definition(
  name: string,
  classname: string,
  bundleHash: string,
  type: DefinitionSpec_Type,
  optional = false,
): DefinitionSpec {
  return create(DefinitionSpecSchema, {
    name,
    resourceLocation: create(LocationSchema, {
      ref: create(ProvenanceReferenceSchema, { hash: bundleHash }),
      classname,
    }),
    type,
    optional,
  });
}

/**
 * Dehydrates a contract class into its ContractSpec, in upstream's layout: `definition` names the
 * class (name = class name, classname = full name, ref.hash = bundle hash, type FACT);
 * `input_specs` are the constructor records (FACT, or FACT_LIST for lists, with `optional`);
 * `parties_involved` are the participants in declared order; `function_specs` follow declaration
 * order, with inputs FACT for `@Record` and PROPOSED for `@Input` parameters, a PROPOSED output
 * named by the function's `@Record`, and the invoker role. Every type location's classname is the
 * message's full protobuf name and its ref.hash the bundle hash, because the protobuf types travel
 * inside the bundle. The same declarations and hash always give the same spec, byte for byte.
 * @throws {ContractAnnotationsError} when the contract fails its checks (see `describeContract`)
 *   or code "invalid-bundle-hash" when `bundleHash` is not base64 of 32 bytes.
 */
export function dehydrate(contract: ContractClass | ContractDescriptor, options: DehydrateOptions): ContractSpec {
  const bundleHash = options?.bundleHash;
  if (!isBundleHash(bundleHash)) {
    throw new ContractAnnotationsError(
      "invalid-bundle-hash",
      `bundleHash ${JSON.stringify(bundleHash)} is not a bundle hash: expected standard padded base64 of a SHA-256 (44 characters)`,
    );
  }
  const described = typeof contract === "function" ? describeContract(contract) : contract;
  return create(ContractSpecSchema, {
    definition: definition(described.name, described.fullName, bundleHash, DefinitionSpec_Type.FACT),
    inputSpecs: described.constructorRecords.map((record) =>
      definition(
        record.name,
        record.schema.typeName,
        bundleHash,
        record.list ? DefinitionSpec_Type.FACT_LIST : DefinitionSpec_Type.FACT,
        record.optional,
      ),
    ),
    partiesInvolved: [...described.participants],
    functionSpecs: described.functions.map((fn) =>
      create(FunctionSpecSchema, {
        funcName: fn.name,
        inputSpecs: fn.parameters.map((parameter) =>
          definition(
            parameter.name,
            parameter.schema.typeName,
            bundleHash,
            parameter.kind === "record" ? DefinitionSpec_Type.FACT : DefinitionSpec_Type.PROPOSED,
          ),
        ),
        outputSpec: create(OutputSpecSchema, {
          spec: definition(fn.output.name, fn.output.schema.typeName, bundleHash, DefinitionSpec_Type.PROPOSED),
        }),
        invokerParty: fn.invokedBy,
      }),
    ),
  });
}
