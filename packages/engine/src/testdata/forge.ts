// Plays a party that replaces one of its own stored objects with other bytes under the same hash,
// as a tampered store or a careless owner would; the engine's readers must notice.
import type { EosClient } from "@p8e/eos-client";
import { base64ToBytes, encryptDimeBytes, type KeyPair } from "@p8e/hashing-crypto";

export async function replaceObject(
  eos: EosClient,
  keys: { signing: KeyPair; encryption: KeyPair },
  hash: string,
  plaintext: Uint8Array,
  audience: readonly Uint8Array[],
): Promise<void> {
  const dime = await encryptDimeBytes(plaintext, {
    owner: keys.encryption.publicKey,
    audience,
    signer: keys.signing,
  });
  await eos.putDime({
    dime: dime.bytes,
    contentLength: plaintext.length,
    properties: [
      ["HASH", base64ToBytes(hash)],
      ["SIGNATURE", dime.signature!],
      ["SIGNATURE_PUBLIC_KEY", new TextEncoder().encode(dime.signerPem!)],
    ],
  });
}
