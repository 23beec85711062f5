import { secp256k1 } from "@noble/curves/secp256k1.js";
import { HDKey } from "@scure/bip32";
import { mnemonicToSeedSync, validateMnemonic } from "@scure/bip39";
import { wordlist } from "@scure/bip39/wordlists/english.js";
import { accountIdOfPublicKey, encodeAccountAddress } from "./codec.js";
import { DevnetError } from "./errors.js";

/** The HD path of Provenance testnet keys (coin type 1). */
export const TESTNET_HD_PATH = "m/44'/1'/0'/0/0";

/** The HD path of Provenance mainnet keys (coin type 505). */
export const MAINNET_HD_PATH = "m/44'/505'/0'/0/0";

/** A key pair derived from a mnemonic, with its account address. */
export interface DevAccount {
  /** The bech32 account address. */
  readonly address: string;
  /** The 33-byte compressed secp256k1 public key. */
  readonly publicKey: Uint8Array;
  /** The 32-byte secp256k1 private key. */
  readonly privateKey: Uint8Array;
}

/** How to derive an account from a mnemonic. */
export interface DeriveOptions {
  /** Bech32 prefix of the address; "tp" (testnet) unless given. */
  readonly prefix?: string;
  /** BIP44 path; `m/44'/1'/0'/0/0` unless given. */
  readonly hdPath?: string;
}

// Seed derivation (PBKDF2, 2048 rounds) is slow; a process derives the same few dev keys repeatedly.
const derived = new Map<string, DevAccount>();

/**
 * Derives the key pair and account address of a BIP39 mnemonic, as `provenanced keys add --recover`
 * and CosmJS's DirectSecp256k1HdWallet do (testnet prefix and path unless told otherwise).
 * @throws {DevnetError} code "invalid-genesis" when the mnemonic is not valid English BIP39.
 */
export function deriveAccount(mnemonic: string, options: DeriveOptions = {}): DevAccount {
  const normalized = mnemonic.trim().split(/\s+/).join(" ");
  const cacheKey = `${options.prefix ?? "tp"} ${options.hdPath ?? TESTNET_HD_PATH} ${normalized}`;
  const cached = derived.get(cacheKey);
  if (cached !== undefined)
    return { ...cached, publicKey: cached.publicKey.slice(), privateKey: cached.privateKey.slice() };
  if (!validateMnemonic(normalized, wordlist)) {
    throw new DevnetError("invalid-genesis", "not a valid BIP39 mnemonic (English word list, with checksum)");
  }
  const key = HDKey.fromMasterSeed(mnemonicToSeedSync(normalized)).derive(options.hdPath ?? TESTNET_HD_PATH);
  if (key.privateKey === null) throw new DevnetError("invalid-genesis", "the HD path gave no private key");
  const privateKey = key.privateKey;
  const publicKey = secp256k1.getPublicKey(privateKey, true);
  const account = {
    address: encodeAccountAddress(options.prefix ?? "tp", accountIdOfPublicKey(publicKey)),
    publicKey,
    privateKey,
  };
  derived.set(cacheKey, account);
  return { ...account, publicKey: publicKey.slice(), privateKey: privateKey.slice() };
}

/**
 * Well-known mnemonics that the default dev genesis funds. **For development only**: anyone can
 * read them here, so never use them, or keys derived from them, on a real network.
 */
export const DEV_MNEMONICS = {
  /** The first dev account; funded by the default genesis. */
  alice:
    "muffin wood miracle isolate leader ramp spike critic loud ocean cycle spread skin animal tower example sorry adapt crucial double swap radio jealous afford",
  /** The second dev account; funded by the default genesis. */
  bob: "replace desert name away mask envelope shuffle wisdom dolphin plug stadium much armor wine nation symbol exclude derive need ring visit awful surround clip",
  /** The third dev account; funded by the default genesis. */
  carol:
    "youth man inhale endless sample daring luggage similar blast ignore dress bicycle bring reward confirm raven rough way ridge insane palm valley baby endorse",
} as const;
