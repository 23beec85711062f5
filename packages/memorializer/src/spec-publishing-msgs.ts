import { create } from "@bufbuild/protobuf";
import { MetadataAddress } from "@p8e/spec-model";
import {
  type ContractSpecification,
  MsgAddContractSpecToScopeSpecRequestSchema,
  MsgWriteContractSpecificationRequestSchema,
  MsgWriteRecordSpecificationRequestSchema,
  MsgWriteScopeSpecificationRequestSchema,
  type RecordSpecification,
  type ScopeSpecification,
} from "@p8e/spec-model/metadata";
import { MemorializerError } from "./errors.js";
import type { MetadataMsg } from "./metadata-msg.js";
import { metadataTypeUrls } from "./type-urls.js";

/** A contract specification that must be allowed by a scope specification. */
export interface ContractSpecLink {
  /** The contract specification address (a MetadataAddress, raw bytes or bech32). */
  readonly contractSpecificationId: MetadataAddress | Uint8Array | string;
  /** The scope specification address (a MetadataAddress, raw bytes or bech32). */
  readonly scopeSpecificationId: MetadataAddress | Uint8Array | string;
}

/**
 * Chain specifications: what a contract package wants published, or what the chain already has.
 * `links` say which scope specifications must list which contract specifications.
 */
export interface ChainSpecifications {
  readonly scopeSpecifications?: readonly ScopeSpecification[];
  readonly contractSpecifications?: readonly ContractSpecification[];
  readonly recordSpecifications?: readonly RecordSpecification[];
  readonly links?: readonly ContractSpecLink[];
}

/** Options of specPublishingMsgs(). */
export interface SpecPublishingOptions {
  /** The account that signs; it goes into every Msg's `signers` and must own the contract specs. */
  readonly signer: string;
}

function address(
  id: MetadataAddress | Uint8Array | string,
  kind: MetadataAddress["kind"],
  what: string,
): MetadataAddress {
  let parsed: MetadataAddress;
  try {
    parsed = id instanceof MetadataAddress ? id : MetadataAddress.from(id);
  } catch (cause) {
    throw new MemorializerError("invalid-argument", `${what} is not a metadata address`, { cause });
  }
  if (parsed.kind !== kind) {
    throw new MemorializerError(
      "invalid-argument",
      `${what} ${parsed.toString()} is a ${parsed.kind} address, not a ${kind}`,
    );
  }
  return parsed;
}

function keyed<T extends { specificationId: Uint8Array }>(
  specs: readonly T[] | undefined,
  kind: MetadataAddress["kind"],
  what: string,
): Map<string, T> {
  const out = new Map<string, T>();
  for (const spec of specs ?? []) {
    const key = address(spec.specificationId, kind, `${what} specification_id`).toString();
    if (!out.has(key)) out.set(key, spec);
  }
  return out;
}

/**
 * The Msgs that publish the wanted specifications, leaving out whatever the chain already has:
 * contract specifications, then record specifications, then scope specifications, then one
 * MsgAddContractSpecToScopeSpecRequest per link the scope specification does not yet cover. That
 * order lets all of them go into one transaction. Specifications already on chain are not
 * rewritten, even when they differ.
 * @throws {MemorializerError} code "invalid-argument" for a malformed id or a link to a scope
 *   specification that is neither on chain nor being published.
 */
export function specPublishingMsgs(
  wanted: ChainSpecifications,
  existing: ChainSpecifications,
  options: SpecPublishingOptions,
): MetadataMsg[] {
  if (options.signer === "") throw new MemorializerError("invalid-argument", "specPublishingMsgs needs a signer");
  const signers = [options.signer];
  const msgs: MetadataMsg[] = [];

  const haveContract = keyed(existing.contractSpecifications, "contractSpecification", "existing contract");
  for (const [key, specification] of keyed(wanted.contractSpecifications, "contractSpecification", "contract")) {
    if (haveContract.has(key)) continue;
    msgs.push({
      typeUrl: metadataTypeUrls.writeContractSpecification,
      value: create(MsgWriteContractSpecificationRequestSchema, { specification, signers }),
    });
  }

  const haveRecord = keyed(existing.recordSpecifications, "recordSpecification", "existing record");
  for (const [key, specification] of keyed(wanted.recordSpecifications, "recordSpecification", "record")) {
    if (haveRecord.has(key)) continue;
    msgs.push({
      typeUrl: metadataTypeUrls.writeRecordSpecification,
      value: create(MsgWriteRecordSpecificationRequestSchema, { specification, signers }),
    });
  }

  const haveScope = keyed(existing.scopeSpecifications, "scopeSpecification", "existing scope");
  const writtenScope = new Map<string, ScopeSpecification>();
  for (const [key, specification] of keyed(wanted.scopeSpecifications, "scopeSpecification", "scope")) {
    if (haveScope.has(key)) continue;
    writtenScope.set(key, specification);
    msgs.push({
      typeUrl: metadataTypeUrls.writeScopeSpecification,
      value: create(MsgWriteScopeSpecificationRequestSchema, { specification, signers }),
    });
  }

  const linked = new Set<string>();
  for (const link of wanted.links ?? []) {
    const contractSpec = address(link.contractSpecificationId, "contractSpecification", "link contractSpecificationId");
    const scopeSpec = address(link.scopeSpecificationId, "scopeSpecification", "link scopeSpecificationId");
    const key = `${scopeSpec}/${contractSpec}`;
    if (linked.has(key)) continue;
    linked.add(key);
    const target = haveScope.get(scopeSpec.toString()) ?? writtenScope.get(scopeSpec.toString());
    if (target === undefined) {
      throw new MemorializerError(
        "invalid-argument",
        `link to scope specification ${scopeSpec} which is neither on chain nor being published`,
      );
    }
    if (target.contractSpecIds.some((id) => contractSpec.equals(MetadataAddress.fromBytes(id)))) continue;
    msgs.push({
      typeUrl: metadataTypeUrls.addContractSpecToScopeSpec,
      value: create(MsgAddContractSpecToScopeSpecRequestSchema, {
        contractSpecificationId: contractSpec.bytes,
        scopeSpecificationId: scopeSpec.bytes,
        signers,
      }),
    });
  }
  return msgs;
}
