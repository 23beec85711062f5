import { bytesToBase64, sha256 } from "@p8e/hashing-crypto";
import { toCanonicalBinary } from "./canonical.js";
import { type ContractSpec, ContractSpecSchema } from "./gen/io/provenance/scope/contract/specification_pb.js";
import { MetadataAddress } from "./metadata-address.js";
import { uuidFromBytes } from "./uuid.js";

/**
 * The Java class name p8e peers put in `Contract.spec.data_location.classname` for a ContractSpec.
 */
export const contractSpecClassname = "io.provenance.scope.contract.proto.Specifications$ContractSpec";

/** A ContractSpec's identity in its three equivalent forms. */
export interface ContractSpecId {
  /** The first 16 bytes of SHA-256 of the canonical encoding: the object-store hash of the spec. */
  readonly hash: Uint8Array;
  /** `hash` as standard padded base64 (24 characters), as it appears in contracts and on chain. */
  readonly hashBase64: string;
  /** `hash` read as a UUID: the on-chain contract specification UUID. */
  readonly uuid: string;
  /** The on-chain contract specification address. */
  readonly address: MetadataAddress;
}

/** The id of a ContractSpec: the first 16 bytes of SHA-256 of its canonical encoding. */
export function contractSpecId(spec: ContractSpec): ContractSpecId {
  return contractSpecIdFromBytes(toCanonicalBinary(ContractSpecSchema, spec));
}

/** The id of an already encoded ContractSpec, taken over exactly these bytes. */
export function contractSpecIdFromBytes(encoded: Uint8Array): ContractSpecId {
  const hash = sha256(encoded).slice(0, 16);
  const uuid = uuidFromBytes(hash);
  return { hash, hashBase64: bytesToBase64(hash), uuid, address: MetadataAddress.forContractSpecification(uuid) };
}
