/**
 * secp256k1 key pairs for p8e: generation, import from 32-byte private keys or a BIP39 mnemonic
 * with a BIP44 path, and conversion between compressed (33-byte) and uncompressed (65-byte)
 * public keys. Key pairs never print their private key.
 * @module
 */

import { secp256k1 } from "@noble/curves/secp256k1.js";
import { HDKey } from "@scure/bip32";
import * as bip39 from "@scure/bip39";
import { wordlist as english } from "@scure/bip39/wordlists/english.js";
import { abytes, ainteger, astring, describeType, isBytes } from "./asserts.js";
import { bytesToHex } from "./encoding.js";

/** BIP44 path of the first Provenance testnet account (coin type 1). */
export const TESTNET_HD_PATH = "m/44'/1'/0'/0/0";

/** BIP44 path of the first Provenance mainnet account (coin type 505). */
export const MAINNET_HD_PATH = "m/44'/505'/0'/0/0";

/** A secp256k1 key pair; `toString`, `toJSON` and `util.inspect` show only the public key. */
export interface KeyPair {
  /** The 32-byte private scalar (a fresh copy on every read). */
  readonly privateKey: Uint8Array;
  /** The 65-byte uncompressed public point `04‖X‖Y`, the form p8e puts in protos and DIMEs. */
  readonly publicKey: Uint8Array;
  /** The 33-byte compressed public point, the form account addresses are derived from. */
  readonly compressedPublicKey: Uint8Array;
}

/** Anything that carries a private key: raw 32 bytes or a key pair. */
export type PrivateKeyInput = Uint8Array | { readonly privateKey: Uint8Array };

class Secp256k1KeyPair implements KeyPair {
  readonly #privateKey: Uint8Array;
  readonly #publicKey: Uint8Array;
  readonly #compressedPublicKey: Uint8Array;

  constructor(privateKey: Uint8Array) {
    this.#privateKey = Uint8Array.from(privateKey);
    this.#publicKey = secp256k1.getPublicKey(this.#privateKey, false);
    this.#compressedPublicKey = secp256k1.getPublicKey(this.#privateKey, true);
    Object.freeze(this);
  }

  get privateKey(): Uint8Array {
    return this.#privateKey.slice();
  }

  get publicKey(): Uint8Array {
    return this.#publicKey.slice();
  }

  get compressedPublicKey(): Uint8Array {
    return this.#compressedPublicKey.slice();
  }

  toString(): string {
    return `KeyPair(secp256k1, publicKey=${bytesToHex(this.#compressedPublicKey)})`;
  }

  toJSON(): { curve: string; publicKey: string } {
    return { curve: "secp256k1", publicKey: bytesToHex(this.#publicKey) };
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

/**
 * Generates a random secp256k1 key pair.
 * @example
 * const keys = generateKeyPair();
 * keys.publicKey.length; // 65
 */
export function generateKeyPair(): KeyPair {
  return new Secp256k1KeyPair(secp256k1.utils.randomSecretKey());
}

/**
 * Builds a key pair from a 32-byte big-endian private scalar.
 * @throws {TypeError} when `privateKey` is not a Uint8Array.
 * @throws {RangeError} when it is not 32 bytes or not in `1..n-1`.
 */
export function keyPairFromPrivateKey(privateKey: Uint8Array): KeyPair {
  return new Secp256k1KeyPair(assertPrivateKey(privateKey, "privateKey"));
}

/** Options for {@link keyPairFromMnemonic}. */
export interface MnemonicKeyOptions {
  /** BIP32 derivation path; defaults to {@link TESTNET_HD_PATH}. */
  readonly path?: string;
  /** Optional BIP39 passphrase (the "25th word"); defaults to "". */
  readonly passphrase?: string;
}

/**
 * Derives a key pair from a BIP39 English mnemonic along a BIP44 path (testnet account 0 by default).
 * @throws {RangeError} for an invalid mnemonic or path; the message never repeats the mnemonic.
 * @example
 * keyPairFromMnemonic(words, { path: MAINNET_HD_PATH });
 */
export function keyPairFromMnemonic(mnemonic: string, options: MnemonicKeyOptions = {}): KeyPair {
  const words = normalizeMnemonic(astring(mnemonic, "mnemonic"));
  const path = astring(options.path ?? TESTNET_HD_PATH, "path");
  const passphrase = astring(options.passphrase ?? "", "passphrase");
  if (!bip39.validateMnemonic(words, english)) {
    throw new RangeError('"mnemonic" is not a valid BIP39 English mnemonic (unknown word, word count or checksum)');
  }
  if (!/^m(\/\d+'?)*$/.test(path)) {
    throw new RangeError(
      `"path" expected a BIP32 path like ${JSON.stringify(TESTNET_HD_PATH)}, got ${JSON.stringify(path)}`,
    );
  }
  const seed = bip39.mnemonicToSeedSync(words, passphrase);
  let child: HDKey;
  try {
    child = HDKey.fromMasterSeed(seed).derive(path);
  } catch {
    throw new RangeError(`"path" could not be derived: ${JSON.stringify(path)}`);
  } finally {
    seed.fill(0);
  }
  const privateKey = child.privateKey;
  if (privateKey === null) throw new RangeError(`"path" derived no private key: ${JSON.stringify(path)}`);
  return new Secp256k1KeyPair(privateKey);
}

/**
 * Generates a BIP39 English mnemonic; 256 bits of entropy (24 words) by default.
 * @example
 * generateMnemonic(128).split(" ").length; // 12
 */
export function generateMnemonic(strength: 128 | 160 | 192 | 224 | 256 = 256): string {
  ainteger(strength, "strength", 128, 256);
  if (strength % 32 !== 0) throw new RangeError(`"strength" expected 128, 160, 192, 224 or 256, got ${strength}`);
  return bip39.generateMnemonic(english, strength);
}

/** Whether `mnemonic` is a valid BIP39 English mnemonic (words, count and checksum). */
export function validateMnemonic(mnemonic: string): boolean {
  return typeof mnemonic === "string" && bip39.validateMnemonic(normalizeMnemonic(mnemonic), english);
}

/**
 * Returns the 33-byte compressed form of a 33- or 65-byte secp256k1 public key.
 * @throws {RangeError} when the bytes are not a point on the curve.
 */
export function compressPublicKey(publicKey: Uint8Array): Uint8Array {
  return pointFromBytes(publicKey, "publicKey").toBytes(true);
}

/**
 * Returns the 65-byte uncompressed form (`04‖X‖Y`) of a 33- or 65-byte secp256k1 public key.
 * @throws {RangeError} when the bytes are not a point on the curve.
 */
export function decompressPublicKey(publicKey: Uint8Array): Uint8Array {
  return pointFromBytes(publicKey, "publicKey").toBytes(false);
}

/** Checks a private key argument (32 bytes, in `1..n-1`) without ever printing it. */
export function assertPrivateKey(privateKey: unknown, title: string): Uint8Array {
  const bytes = abytes(privateKey, title, 32);
  if (!secp256k1.utils.isValidSecretKey(bytes)) {
    throw new RangeError(`"${title}" is not a valid secp256k1 private key (must be in 1..n-1)`);
  }
  return bytes;
}

/** Extracts and checks the 32-byte private key from raw bytes or a key pair. */
export function privateKeyBytes(input: PrivateKeyInput, title = "privateKey"): Uint8Array {
  if (isBytes(input)) return assertPrivateKey(input, title);
  if (typeof input === "object" && input !== null && "privateKey" in input) {
    return assertPrivateKey(input.privateKey, `${title}.privateKey`);
  }
  throw new TypeError(`"${title}" expected Uint8Array or key pair, got ${describeType(input)}`);
}

/**
 * A copy of the private scalar (the caller may wipe it) and its 65-byte public key, reusing the key
 * pair's cached public key when it is one of ours.
 */
export function keyMaterial(
  input: PrivateKeyInput,
  title = "privateKey",
): { privateKey: Uint8Array; publicKey: Uint8Array } {
  if (input instanceof Secp256k1KeyPair) return { privateKey: input.privateKey, publicKey: input.publicKey };
  const privateKey = privateKeyBytes(input, title).slice();
  return { privateKey, publicKey: secp256k1.getPublicKey(privateKey, false) };
}

type Point = ReturnType<typeof secp256k1.Point.fromBytes>;

/** Parses a 33- or 65-byte public key into a curve point. */
export function pointFromBytes(publicKey: unknown, title: string): Point {
  const bytes = abytes(publicKey, title, 33, 65);
  try {
    const point = secp256k1.Point.fromBytes(bytes);
    point.assertValidity();
    return point;
  } catch {
    throw new RangeError(`"${title}" is not a valid secp256k1 public key`);
  }
}

function normalizeMnemonic(mnemonic: string): string {
  return mnemonic.trim().split(/\s+/).join(" ");
}
