// The invoker's check of a counterparty's answer (upstream checks none of this): the answer's
// contract must be byte for byte the invoker's executed contract, every signature in it must
// verify over those bytes and belong to a party whose signature is still awaited (a recital or an
// owner of the scope), and the mail must come from that party's encryption key.

import { clone, fromBinary } from "@bufbuild/protobuf";
import { publicKeyToAddress, verify } from "@p8e/hashing-crypto";
import { ContractSchema, type Envelope, EnvelopeSchema, toCanonicalBinary } from "@p8e/spec-model";
import { missingSignatures } from "../execution/signatures.js";
import { sameKey } from "../parties.js";
import type { EnvelopeRecord } from "./envelope-store.js";

/** The verdict on an answer. */
export type AnswerVerdict =
  | {
      readonly ok: true;
      /** Our envelope with the answer's new signatures added. */
      readonly merged: Envelope;
      /** The addresses whose signatures the answer added (none for a repeated answer). */
      readonly added: readonly string[];
      /** The addresses still to sign after the merge. */
      readonly missing: readonly string[];
      readonly signer: string | undefined;
    }
  | { readonly ok: false; readonly reason: string; readonly signer?: string };

/**
 * Checks an answer against the invoker's record. `encryptionKeyOf` gives a signer's encryption key
 * from the directory, for a scope owner that is not a recital (a recital names its own).
 */
export function checkAnswer(
  record: EnvelopeRecord,
  answer: Envelope,
  sender: Uint8Array | undefined,
  prefix: string,
  encryptionKeyOf: (address: string) => Uint8Array | undefined = () => undefined,
): AnswerVerdict {
  if (record.result === undefined) return { ok: false, reason: "the execution has no result to merge into" };
  const ours = fromBinary(EnvelopeSchema, record.result);
  if (answer.contract === undefined) return { ok: false, reason: "the answer carries no contract" };
  const bytes = toCanonicalBinary(ContractSchema, ours.contract!);
  if (!Buffer.from(toCanonicalBinary(ContractSchema, answer.contract)).equals(Buffer.from(bytes))) {
    return { ok: false, reason: "the answer's contract differs from the executed contract" };
  }
  const awaited = new Set(missingSignatures(ours, prefix));
  const merged = clone(EnvelopeSchema, ours);
  const added: string[] = [];
  let signer: string | undefined;
  for (const signature of answer.signatures) {
    const key = signature.signer?.signingPublicKey?.publicKeyBytes;
    if (key === undefined || key.length === 0) return { ok: false, reason: "an answer signature names no signer" };
    const address = publicKeyToAddress(key, prefix);
    signer ??= address;
    if (!verify(signature.signature, bytes, key)) {
      return { ok: false, reason: `the signature by ${address} does not verify over the contract`, signer: address };
    }
    if (ours.signatures.some((s) => sameKey(s.signer?.signingPublicKey?.publicKeyBytes, key))) continue;
    if (!awaited.has(address))
      return { ok: false, reason: `${address} is not a party whose signature is awaited`, signer: address };
    const recital = ours.contract!.recitals.find((r) => sameKey(r.signer?.signingPublicKey?.publicKeyBytes, key));
    const expectedSender = recital?.signer?.encryptionPublicKey?.publicKeyBytes ?? encryptionKeyOf(address);
    if (expectedSender === undefined || !sameKey(expectedSender, sender)) {
      return { ok: false, reason: `the answer signed by ${address} was not sent by that party's key`, signer: address };
    }
    merged.signatures.push(signature);
    added.push(address);
    awaited.delete(address);
  }
  return { ok: true, merged, added, missing: [...awaited], signer };
}
