// Envelope signatures: SHA512withECDSA over the canonical Contract bytes, as upstream's Pen signs,
// and the rule that says an envelope is signed (upstream's isSigned, with every signature checked).
import { create } from "@bufbuild/protobuf";
import { bytesToBase64, type KeyPair, publicKeyToAddress, sign, verify } from "@p8e/hashing-crypto";
import {
  type Contract,
  ContractSchema,
  type Envelope,
  type Signature,
  SignatureSchema,
  signingAndEncryptionKeys,
  toCanonicalBinary,
} from "@p8e/spec-model";
import { EngineError } from "../errors.js";
import { snapshotScope } from "./snapshot.js";

/** This party's signature over a contract. */
export function signContract(contract: Contract, signing: KeyPair, encryption: Uint8Array): Signature {
  return create(SignatureSchema, {
    algo: "SHA512withECDSA",
    provider: "BC",
    signature: bytesToBase64(sign(toCanonicalBinary(ContractSchema, contract), signing)),
    signer: signingAndEncryptionKeys(signing.publicKey, encryption),
  });
}

/**
 * The addresses whose signature the envelope still lacks: every recital's signing key and every
 * current scope owner must have signed. Each signature present must verify over the contract.
 * @throws {EngineError} code "invalid-envelope" for a signature that does not verify.
 */
export function missingSignatures(envelope: Envelope, prefix: string): string[] {
  const contract = envelope.contract;
  if (contract === undefined) throw new EngineError("invalid-envelope", "envelope has no contract");
  const bytes = toCanonicalBinary(ContractSchema, contract);
  const signed = new Set<string>();
  envelope.signatures.forEach((signature, index) => {
    const key = signature.signer?.signingPublicKey?.publicKeyBytes;
    if (key === undefined || key.length === 0)
      throw new EngineError("invalid-envelope", `signature ${index} names no signer`);
    if (!verify(signature.signature, bytes, key)) {
      throw new EngineError(
        "invalid-envelope",
        `signature ${index} by ${publicKeyToAddress(key, prefix)} does not verify over the contract`,
      );
    }
    signed.add(publicKeyToAddress(key, prefix));
  });
  const required = new Set<string>();
  for (const recital of contract.recitals) {
    const key = recital.signer?.signingPublicKey?.publicKeyBytes;
    if (key !== undefined && key.length > 0) required.add(publicKeyToAddress(key, prefix));
  }
  for (const owner of snapshotScope(envelope)?.owners ?? []) required.add(owner.address);
  return [...required].filter((address) => !signed.has(address));
}
