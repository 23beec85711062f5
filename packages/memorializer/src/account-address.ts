import { bech32Encode, publicKeyToAddress } from "@p8e/hashing-crypto";
import { MemorializerError } from "./errors.js";

/**
 * The bech32 account address of a secp256k1 public key: RIPEMD160(SHA-256(compressed key)) with
 * the given prefix. Accepts the 33-byte compressed or 65-byte uncompressed form.
 * @throws {MemorializerError} code "invalid-argument" when the bytes are not a secp256k1 public key.
 */
export function accountAddressOf(publicKey: Uint8Array, prefix: string): string {
  try {
    return publicKeyToAddress(publicKey, prefix);
  } catch (cause) {
    throw new MemorializerError(
      "invalid-argument",
      `not a secp256k1 public key (${publicKey.length} bytes): ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
  }
}

/** The bech32 account address of a raw 20-byte account id. */
export function accountAddressFromBytes(accountId: Uint8Array, prefix: string): string {
  if (accountId.length !== 20 && accountId.length !== 32) {
    throw new MemorializerError("invalid-argument", `an account id is 20 (or 32) bytes, got ${accountId.length}`);
  }
  return bech32Encode(prefix, accountId);
}
