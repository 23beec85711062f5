import { create } from "@bufbuild/protobuf";
import { bech32Decode } from "@p8e/hashing-crypto";
import {
  type ContractSpec,
  contractSpecId,
  MetadataAddress,
  normalizeRecordName,
  PartyType,
  partyTypeToChain,
} from "@p8e/spec-model";
import {
  type ContractSpecification,
  ContractSpecificationSchema,
  DefinitionType,
  DescriptionSchema,
  InputSpecificationSchema,
  type MsgAddContractSpecToScopeSpecRequest,
  MsgAddContractSpecToScopeSpecRequestSchema,
  type MsgWriteContractSpecificationRequest,
  MsgWriteContractSpecificationRequestSchema,
  type MsgWriteRecordSpecificationRequest,
  MsgWriteRecordSpecificationRequestSchema,
  type MsgWriteScopeSpecificationRequest,
  MsgWriteScopeSpecificationRequestSchema,
  type RecordSpecification,
  RecordSpecificationSchema,
  type ScopeSpecification,
  ScopeSpecificationSchema,
} from "@p8e/spec-model/metadata";
import type { ContractClass, ScopeSpecificationClass } from "./decorators.js";
import { type ContractDescriptor, describeContract } from "./describe-contract.js";
import { describeScopeSpecification, type ScopeSpecificationDescriptor } from "./describe-scope-specification.js";
import { ContractAnnotationsError } from "./errors.js";
import { maxNameLength, maxTypeNameLength, nameProblem } from "./limits.js";

/** Who owns a published specification: the accounts that may later change it. */
export interface OwnerOptions {
  /** Bech32 account addresses, at least one. */
  readonly ownerAddresses: readonly string[];
}

/** Who signs a specification Msg. */
export interface SignerOptions {
  /** Bech32 account addresses of the transaction's signers, at least one. */
  readonly signers: readonly string[];
}

/** A (contract specification, scope specification) pair to link with `MsgAddContractSpecToScopeSpecRequest`. */
export interface ScopeSpecificationLink {
  /** The contract specification address (0x03). */
  readonly contractSpecificationId: MetadataAddress;
  /** The scope specification address (0x04). */
  readonly scopeSpecificationId: MetadataAddress;
  /** The scope specification's name, as the contract's `@ScopeSpecification` lists it. */
  readonly scopeSpecificationName: string;
}

function invalidSpec(message: string): ContractAnnotationsError {
  return new ContractAnnotationsError("invalid-contract-spec", `ContractSpec ${message}`);
}

// Account addresses as the chain accepts them: bech32, a 20-byte account or 32-byte contract
// payload, and one prefix (one chain) for all of them.
function checkAddresses(what: string, addresses: readonly string[], others: readonly string[] = []): string[] {
  if (!Array.isArray(addresses) || addresses.length === 0) {
    throw new ContractAnnotationsError("invalid-address", `${what} must list at least one account address`);
  }
  const prefixes = new Set<string>();
  for (const address of [...addresses, ...others]) {
    let decoded: { prefix: string; bytes: Uint8Array };
    try {
      decoded = bech32Decode(address);
    } catch (cause) {
      throw new ContractAnnotationsError(
        "invalid-address",
        `${what}: ${JSON.stringify(address)} is not a bech32 account address (${cause instanceof Error ? cause.message : String(cause)})`,
        { cause },
      );
    }
    if (decoded.bytes.length !== 20 && decoded.bytes.length !== 32) {
      throw new ContractAnnotationsError(
        "invalid-address",
        `${what}: ${address} holds ${decoded.bytes.length} bytes; an account address holds 20 (or 32 for a smart contract)`,
      );
    }
    prefixes.add(decoded.prefix);
  }
  if (prefixes.size > 1) {
    throw new ContractAnnotationsError(
      "invalid-address",
      `${what}: addresses of different chains mixed (prefixes ${[...prefixes].join(", ")})`,
    );
  }
  return [...addresses];
}

function chainRole(role: PartyType, where: string): ReturnType<typeof partyTypeToChain> {
  try {
    return partyTypeToChain(role);
  } catch (cause) {
    throw new ContractAnnotationsError(
      "invalid-contract-spec",
      `ContractSpec ${where}: ${PartyType[role] ?? role} is not a role the chain knows`,
      { cause },
    );
  }
}

function checkName(value: string, where: string, max = maxNameLength): void {
  const why = nameProblem(value, max);
  if (why !== undefined) throw invalidSpec(`${where} ${JSON.stringify(value)} ${why}`);
}

// The parts of a ContractSpec that the chain derivations read, checked against the chain's limits.
function checkSpec(spec: ContractSpec): { name: string; classname: string } {
  const definition = spec?.definition;
  const classname = definition?.resourceLocation?.classname ?? "";
  if (definition === undefined) throw invalidSpec("has no definition");
  checkName(definition.name, "definition.name");
  checkName(classname, "definition.resource_location.classname", maxTypeNameLength);
  if ((definition.resourceLocation?.ref?.hash ?? "") === "") throw invalidSpec("definition has no bundle hash");
  if (spec.partiesInvolved.length === 0) throw invalidSpec("has no parties_involved");
  for (const role of spec.partiesInvolved) chainRole(role, "parties_involved");
  const outputs = new Set<string>();
  for (const fn of spec.functionSpecs) {
    const where = `function ${fn.funcName}`;
    const output = fn.outputSpec?.spec;
    if (output === undefined) throw invalidSpec(`${where} has no output_spec`);
    checkName(output.name, `${where} output name`);
    checkName(output.resourceLocation?.classname ?? "", `${where} output classname`, maxTypeNameLength);
    const key = normalizeRecordName(output.name);
    if (outputs.has(key)) throw invalidSpec(`${where} output "${output.name}" is the output of another function too`);
    outputs.add(key);
    chainRole(fn.invokerParty, `${where} invoker_party`);
    const inputs = new Set<string>();
    for (const input of fn.inputSpecs) {
      checkName(input.name, `${where} input name`);
      checkName(input.resourceLocation?.classname ?? "", `${where} input ${input.name} classname`, maxTypeNameLength);
      if ((input.resourceLocation?.ref?.hash ?? "") === "")
        throw invalidSpec(`${where} input ${input.name} has no hash`);
      if (inputs.has(input.name)) throw invalidSpec(`${where} lists input "${input.name}" twice`);
      inputs.add(input.name);
    }
  }
  return { name: definition.name, classname };
}

/**
 * The chain's ContractSpecification for a ContractSpec, as upstream's publisher builds it: id =
 * the contract-spec address of the spec id, description {name = class name, description = full
 * name}, the owners, the participants as chain roles, hash = the spec id in base64 and
 * class_name = the full name.
 * @throws {ContractAnnotationsError} code "invalid-contract-spec" or "invalid-address".
 */
export function contractSpecification(spec: ContractSpec, options: OwnerOptions): ContractSpecification {
  const { name, classname } = checkSpec(spec);
  const ownerAddresses = checkAddresses("ownerAddresses", options?.ownerAddresses);
  const id = contractSpecId(spec);
  return create(ContractSpecificationSchema, {
    specificationId: id.address.bytes,
    description: create(DescriptionSchema, { name, description: classname }),
    ownerAddresses,
    partiesInvolved: spec.partiesInvolved.map((role) => chainRole(role, "parties_involved")),
    source: { case: "hash", value: id.hashBase64 },
    className: classname,
  });
}

/**
 * The chain's RecordSpecification of every function output, in function order, as upstream's
 * publisher builds them: id = recspec(spec id, output name), the function's inputs (name, type
 * name, hash = the bundle hash), type_name = the output's type, result_type PROPOSED and the
 * invoker as the responsible party.
 * @throws {ContractAnnotationsError} code "invalid-contract-spec".
 */
export function recordSpecifications(spec: ContractSpec): RecordSpecification[] {
  checkSpec(spec);
  const { uuid } = contractSpecId(spec);
  return spec.functionSpecs.map((fn) => {
    const output = fn.outputSpec!.spec!;
    return create(RecordSpecificationSchema, {
      specificationId: MetadataAddress.forRecordSpecification(uuid, output.name).bytes,
      name: output.name,
      inputs: fn.inputSpecs.map((input) =>
        create(InputSpecificationSchema, {
          name: input.name,
          typeName: input.resourceLocation!.classname,
          source: { case: "hash", value: input.resourceLocation!.ref!.hash },
        }),
      ),
      typeName: output.resourceLocation!.classname,
      resultType: DefinitionType.PROPOSED,
      responsibleParties: [chainRole(fn.invokerParty, `function ${fn.funcName} invoker_party`)],
    });
  });
}

function scopeDescriptor(scope: ScopeSpecificationClass | ScopeSpecificationDescriptor): ScopeSpecificationDescriptor {
  return typeof scope === "function" ? describeScopeSpecification(scope) : scope;
}

/**
 * The chain's ScopeSpecification declared by a `@ScopeSpecificationDefinition`: id = scopespec
 * address of its UUID, description {name, description, website_url, icon_url}, the owners, its
 * roles, and (optionally) contract specification ids. Upstream publishes it without contract
 * specs and links them with `MsgAddContractSpecToScopeSpecRequest`.
 * @throws {ContractAnnotationsError} code "invalid-scope-specification" or "invalid-address".
 */
export function scopeSpecification(
  scope: ScopeSpecificationClass | ScopeSpecificationDescriptor,
  options: OwnerOptions & { readonly contractSpecIds?: readonly MetadataAddress[] },
): ScopeSpecification {
  const described = scopeDescriptor(scope);
  const ownerAddresses = checkAddresses("ownerAddresses", options?.ownerAddresses);
  const contractSpecIds = (options.contractSpecIds ?? []).map((id) => {
    if (!(id instanceof MetadataAddress) || id.kind !== "contractSpecification") {
      throw new ContractAnnotationsError(
        "invalid-address",
        `contractSpecIds: ${String(id)} is not a contract specification address`,
      );
    }
    return id.bytes;
  });
  return create(ScopeSpecificationSchema, {
    specificationId: MetadataAddress.forScopeSpecification(described.uuid).bytes,
    description: create(DescriptionSchema, {
      name: described.name,
      description: described.description,
      websiteUrl: described.websiteUrl,
      iconUrl: described.iconUrl,
    }),
    ownerAddresses,
    partiesInvolved: described.partiesInvolved.map((role) => partyTypeToChain(role)),
    contractSpecIds,
  });
}

/**
 * The (contract spec, scope spec) pairs to link for a contract: one per name in its
 * `@ScopeSpecification`, resolved against the given scope specifications.
 * @throws {ContractAnnotationsError} code "undefined-scope-specification" when a name has no
 *   definition among `scopeSpecifications` or "duplicate-scope-specification" when it has several;
 *   "invalid-contract-spec" when `spec` is not the contract's (its classname differs).
 */
export function scopeSpecificationLinks(
  contract: ContractClass | ContractDescriptor,
  spec: ContractSpec,
  scopeSpecifications: readonly (ScopeSpecificationClass | ScopeSpecificationDescriptor)[],
): ScopeSpecificationLink[] {
  const described = typeof contract === "function" ? describeContract(contract) : contract;
  const { classname } = checkSpec(spec);
  if (classname !== described.fullName) {
    throw invalidSpec(`is the spec of ${classname}, not of ${described.fullName}`);
  }
  const scopes = scopeSpecifications.map(scopeDescriptor);
  const contractSpecificationId = contractSpecId(spec).address;
  return described.scopeSpecifications.map((name) => {
    const matches = scopes.filter((s) => s.name === name);
    if (matches.length === 0) {
      throw new ContractAnnotationsError(
        "undefined-scope-specification",
        `${described.name} @ScopeSpecification names "${name}", which none of the given scope specifications defines`,
      );
    }
    if (matches.length > 1) {
      throw new ContractAnnotationsError(
        "duplicate-scope-specification",
        `scope specification "${name}" is defined ${matches.length} times among the given scope specifications`,
      );
    }
    return {
      contractSpecificationId,
      scopeSpecificationId: MetadataAddress.forScopeSpecification(matches[0]!.uuid),
      scopeSpecificationName: name,
    };
  });
}

/** `MsgWriteContractSpecificationRequest` for `contractSpecification(spec, options)`. */
export function writeContractSpecificationMsg(
  spec: ContractSpec,
  options: OwnerOptions & SignerOptions,
): MsgWriteContractSpecificationRequest {
  const signers = checkAddresses("signers", options?.signers, options?.ownerAddresses ?? []);
  return create(MsgWriteContractSpecificationRequestSchema, {
    specification: contractSpecification(spec, options),
    signers,
  });
}

/**
 * One `MsgWriteRecordSpecificationRequest` per function output, with `contract_spec_uuid` set.
 * The chain requires the contract specification's owners to sign them, even on creation.
 */
export function writeRecordSpecificationMsgs(
  spec: ContractSpec,
  options: SignerOptions,
): MsgWriteRecordSpecificationRequest[] {
  const signers = checkAddresses("signers", options?.signers);
  const { uuid } = contractSpecId(spec);
  return recordSpecifications(spec).map((specification) =>
    create(MsgWriteRecordSpecificationRequestSchema, { specification, signers, contractSpecUuid: uuid }),
  );
}

/** `MsgWriteScopeSpecificationRequest` for `scopeSpecification(scope, options)`. */
export function writeScopeSpecificationMsg(
  scope: ScopeSpecificationClass | ScopeSpecificationDescriptor,
  options: OwnerOptions & SignerOptions & { readonly contractSpecIds?: readonly MetadataAddress[] },
): MsgWriteScopeSpecificationRequest {
  const signers = checkAddresses("signers", options?.signers, options?.ownerAddresses ?? []);
  return create(MsgWriteScopeSpecificationRequestSchema, {
    specification: scopeSpecification(scope, options),
    signers,
  });
}

/** One `MsgAddContractSpecToScopeSpecRequest` per link; the scope specification's owners must sign. */
export function addContractSpecToScopeSpecMsgs(
  links: readonly ScopeSpecificationLink[],
  options: SignerOptions,
): MsgAddContractSpecToScopeSpecRequest[] {
  const signers = checkAddresses("signers", options?.signers);
  return links.map((link) =>
    create(MsgAddContractSpecToScopeSpecRequestSchema, {
      contractSpecificationId: link.contractSpecificationId.bytes,
      scopeSpecificationId: link.scopeSpecificationId.bytes,
      signers,
    }),
  );
}

/** Every Msg that publishes a contract and its scope specifications, grouped in the order the chain needs them. */
export interface SpecificationMsgs {
  readonly contractSpecification: MsgWriteContractSpecificationRequest;
  readonly recordSpecifications: readonly MsgWriteRecordSpecificationRequest[];
  readonly scopeSpecifications: readonly MsgWriteScopeSpecificationRequest[];
  readonly links: readonly MsgAddContractSpecToScopeSpecRequest[];
}

/**
 * The Msgs that publish a contract from scratch: its contract specification, its record
 * specifications, the scope specifications it names (without contract ids) and the links between
 * them — the order in which the chain accepts them in one transaction. A publisher that finds
 * some of them on chain already sends only the rest, keeping this order.
 */
export function specificationMsgs(options: {
  readonly contract: ContractClass | ContractDescriptor;
  readonly spec: ContractSpec;
  readonly scopeSpecifications: readonly (ScopeSpecificationClass | ScopeSpecificationDescriptor)[];
  readonly ownerAddresses: readonly string[];
  readonly signers: readonly string[];
}): SpecificationMsgs {
  const { spec, ownerAddresses, signers } = options;
  const links = scopeSpecificationLinks(options.contract, spec, options.scopeSpecifications);
  const scopes = options.scopeSpecifications
    .map(scopeDescriptor)
    .filter((s) => links.some((l) => l.scopeSpecificationName === s.name));
  return {
    contractSpecification: writeContractSpecificationMsg(spec, { ownerAddresses, signers }),
    recordSpecifications: writeRecordSpecificationMsgs(spec, { signers }),
    scopeSpecifications: scopes.map((scope) => writeScopeSpecificationMsg(scope, { ownerAddresses, signers })),
    links: addContractSpecToScopeSpecMsgs(links, { signers }),
  };
}
