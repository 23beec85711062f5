/**
 * Provenance account addresses: bech32 of RIPEMD160(SHA-256(33-byte compressed secp256k1 key)),
 * with prefix `tp` on testnet and `pb` on mainnet (any prefix is accepted).
 * @module
 */

import { ripemd160 } from "@noble/hashes/legacy.js";
import { astring } from "./asserts.js";
import { Bech32Error, bech32Decode, bech32Encode } from "./bech32.js";
import { sha256 } from "./hash.js";
import { compressPublicKey } from "./keys.js";

/** Account address prefix on Provenance testnet. */
export const TESTNET_ACCOUNT_PREFIX = "tp";

/** Account address prefix on Provenance mainnet. */
export const MAINNET_ACCOUNT_PREFIX = "pb";

/** A decoded account address. */
export interface DecodedAddress {
  /** The lowercase human-readable prefix, e.g. `tp`. */
  readonly prefix: string;
  /** The 20-byte account id, RIPEMD160(SHA-256(compressed public key)). */
  readonly bytes: Uint8Array;
}

/**
 * Derives the bech32 account address of a secp256k1 public key (33 or 65 bytes); testnet `tp` by default.
 * @example
 * publicKeyToAddress(keys.publicKey, MAINNET_ACCOUNT_PREFIX); // "pb1…"
 */
export function publicKeyToAddress(publicKey: Uint8Array, prefix: string = TESTNET_ACCOUNT_PREFIX): string {
  return bech32Encode(prefix, accountIdFromPublicKey(publicKey));
}

/** The 20-byte account id RIPEMD160(SHA-256(compressed key)) of a 33- or 65-byte public key. */
export function accountIdFromPublicKey(publicKey: Uint8Array): Uint8Array {
  return ripemd160(sha256(compressPublicKey(publicKey)));
}

/**
 * Decodes an account address into its prefix and 20-byte account id, optionally requiring a prefix.
 * @throws {Bech32Error} for any bech32 problem, `invalid-length` when the payload is not 20 bytes,
 * or `invalid-prefix` when it differs from `expectedPrefix`.
 */
export function decodeAddress(address: string, expectedPrefix?: string): DecodedAddress {
  astring(address, "address");
  if (expectedPrefix !== undefined) astring(expectedPrefix, "expectedPrefix");
  const { prefix, bytes } = bech32Decode(address);
  if (bytes.length !== 20) {
    throw new Bech32Error("invalid-length", `account address payload is ${bytes.length} bytes, expected 20`);
  }
  if (expectedPrefix !== undefined && prefix !== expectedPrefix.toLowerCase()) {
    throw new Bech32Error(
      "invalid-prefix",
      `account address prefix is ${JSON.stringify(prefix)}, expected ${JSON.stringify(expectedPrefix)}`,
    );
  }
  return { prefix, bytes };
}

/** Whether `address` is a valid account address (with `expectedPrefix`, if given). */
export function isAddress(address: string, expectedPrefix?: string): boolean {
  try {
    decodeAddress(address, expectedPrefix);
    return true;
  } catch {
    return false;
  }
}
