// An encrypted keystore: each key is a BIP-39 mnemonic sealed with AES-256-GCM under a key derived
// from a passphrase by scrypt, one JSON file per key. No private key is ever written in the clear.
import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  bytesToHex,
  generateMnemonic,
  type KeyPair,
  keyPairFromMnemonic,
  publicKeyToAddress,
  validateMnemonic,
} from "@p8e/hashing-crypto";
import type { PeerConfig } from "./config.js";
import { NodeEnvError } from "./errors.js";
import { writeFileAtomic } from "./files.js";

/** "testnet": `tp` accounts at coin type 1; "mainnet": `pb` accounts at coin type 505. */
export type KeyNetwork = "testnet" | "mainnet";

/** A party's keys: the signing key (its chain account) and the encryption key (its object-store key). */
export interface PartyKeyPairs {
  readonly mnemonic: string;
  readonly signing: KeyPair;
  readonly encryption: KeyPair;
  /** The signing key's account address. */
  readonly address: string;
}

/** What a key file shows without its passphrase. */
export interface KeyFileInfo {
  readonly name: string;
  readonly network: KeyNetwork;
  readonly address: string;
  /** Hex of the 65-byte public keys. */
  readonly signingPublicKey: string;
  readonly encryptionPublicKey: string;
  readonly createdAt: string;
}

interface KeyFile extends KeyFileInfo {
  readonly version: 1;
  readonly crypto: {
    readonly kdf: "scrypt";
    readonly n: number;
    readonly r: number;
    readonly p: number;
    readonly salt: string;
    readonly cipher: "aes-256-gcm";
    readonly iv: string;
    readonly ciphertext: string;
    readonly tag: string;
  };
}

const SCRYPT = { n: 2 ** 15, r: 8, p: 1 } as const;

/** The HD paths of a party's keys: signing at …/0/0 (the account CosmJS derives), encryption at …/0/1. */
export function partyKeyPaths(network: KeyNetwork): { signing: string; encryption: string } {
  const coin = network === "mainnet" ? 505 : 1;
  return { signing: `m/44'/${coin}'/0'/0/0`, encryption: `m/44'/${coin}'/0'/0/1` };
}

/** The object store's node key (replication between stores), derived next to the party's keys. */
export function eosNodeKeyFromMnemonic(mnemonic: string, network: KeyNetwork = "testnet"): KeyPair {
  const coin = network === "mainnet" ? 505 : 1;
  return keyPairFromMnemonic(mnemonic, { path: `m/44'/${coin}'/0'/0/2` });
}

/**
 * The `P8E_PEERS` entry of the party of `mnemonic` whose object store is at `eosUrl`: for
 * development and tests that run every party from its mnemonic (otherwise a peer's `GetInfo`).
 */
export function peerFromMnemonic(mnemonic: string, eosUrl: string, network: KeyNetwork = "testnet"): PeerConfig {
  const keys = partyKeysFromMnemonic(mnemonic, network);
  return {
    eosUrl,
    nodeKey: bytesToHex(eosNodeKeyFromMnemonic(mnemonic, network).publicKey),
    signingKey: bytesToHex(keys.signing.publicKey),
    encryptionKey: bytesToHex(keys.encryption.publicKey),
  };
}

/** Derives a party's keys from its mnemonic. */
export function partyKeysFromMnemonic(mnemonic: string, network: KeyNetwork = "testnet"): PartyKeyPairs {
  if (!validateMnemonic(mnemonic)) {
    throw new NodeEnvError("keystore", "the mnemonic is not a valid BIP-39 English mnemonic (words, count, checksum)");
  }
  const paths = partyKeyPaths(network);
  const signing = keyPairFromMnemonic(mnemonic, { path: paths.signing });
  const encryption = keyPairFromMnemonic(mnemonic, { path: paths.encryption });
  const prefix = network === "mainnet" ? "pb" : "tp";
  return { mnemonic, signing, encryption, address: publicKeyToAddress(signing.publicKey, prefix) };
}

/** Seals `mnemonic` under `passphrase` into key-file JSON text. */
export function sealKeyFile(
  name: string,
  mnemonic: string,
  passphrase: string,
  network: KeyNetwork = "testnet",
): { text: string; info: KeyFileInfo } {
  const keys = partyKeysFromMnemonic(mnemonic, network);
  const salt = randomBytes(32);
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", deriveKey(passphrase, salt), iv);
  const ciphertext = Buffer.concat([cipher.update(mnemonic, "utf8"), cipher.final()]);
  const info: KeyFileInfo = {
    name,
    network,
    address: keys.address,
    signingPublicKey: Buffer.from(keys.signing.publicKey).toString("hex"),
    encryptionPublicKey: Buffer.from(keys.encryption.publicKey).toString("hex"),
    createdAt: new Date().toISOString(),
  };
  const file: KeyFile = {
    version: 1,
    ...info,
    crypto: {
      kdf: "scrypt",
      ...SCRYPT,
      salt: salt.toString("base64"),
      cipher: "aes-256-gcm",
      iv: iv.toString("base64"),
      ciphertext: ciphertext.toString("base64"),
      tag: cipher.getAuthTag().toString("base64"),
    },
  };
  return { text: `${JSON.stringify(file, null, 2)}\n`, info };
}

/**
 * Opens key-file JSON text with `passphrase`.
 * @throws {NodeEnvError} "wrong-passphrase" when it does not open, "keystore" when the file is damaged.
 */
export function openKeyFile(text: string, passphrase: string, where = "the key file"): PartyKeyPairs {
  const file = parseKeyFile(text, where);
  const { crypto } = file;
  let mnemonic: string;
  try {
    const key = scryptSync(passphrase, Buffer.from(crypto.salt, "base64"), 32, {
      N: crypto.n,
      r: crypto.r,
      p: crypto.p,
      maxmem: 256 * crypto.n * crypto.r,
    });
    const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(crypto.iv, "base64"));
    decipher.setAuthTag(Buffer.from(crypto.tag, "base64"));
    mnemonic = Buffer.concat([decipher.update(Buffer.from(crypto.ciphertext, "base64")), decipher.final()]).toString(
      "utf8",
    );
  } catch (cause) {
    throw new NodeEnvError(
      "wrong-passphrase",
      `the passphrase does not open ${where}; give the one it was created with (P8E_PASSPHRASE)`,
      { cause },
    );
  }
  const keys = partyKeysFromMnemonic(mnemonic, file.network);
  if (keys.address !== file.address) {
    throw new NodeEnvError("keystore", `${where} names ${file.address} but its key is ${keys.address}; it is damaged`);
  }
  return keys;
}

/** Reads what a key file shows without opening it. */
export function keyFileInfo(text: string, where = "the key file"): KeyFileInfo {
  const { name, network, address, signingPublicKey, encryptionPublicKey, createdAt } = parseKeyFile(text, where);
  return { name, network, address, signingPublicKey, encryptionPublicKey, createdAt };
}

/** A folder of key files, one `<name>.json` per key. */
export interface Keystore {
  readonly dir: string;
  list(): KeyFileInfo[];
  has(name: string): boolean;
  /** Creates a key from a new mnemonic (or `mnemonic`, to import one); refuses to overwrite a name. */
  create(
    name: string,
    passphrase: string,
    options?: { readonly mnemonic?: string; readonly network?: KeyNetwork },
  ): KeyFileInfo;
  info(name: string): KeyFileInfo;
  open(name: string, passphrase: string): PartyKeyPairs;
}

/** The keystore in `dir` (created when a key is first written). */
export function createKeystore(dir: string): Keystore {
  const pathOf = (name: string) => {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name)) {
      throw new NodeEnvError("keystore", `bad key name "${name}": use letters, digits, ".", "_" or "-" (up to 64)`);
    }
    return join(dir, `${name}.json`);
  };
  const read = (name: string) => {
    const path = pathOf(name);
    try {
      return readFileSync(path, "utf8");
    } catch (cause) {
      throw new NodeEnvError(
        "keystore",
        `no key named "${name}" in ${dir}; create one with \`p8e keys create ${name}\``,
        {
          cause,
        },
      );
    }
  };
  const names = () => {
    try {
      return readdirSync(dir)
        .filter((f) => f.endsWith(".json"))
        .map((f) => f.slice(0, -5))
        .sort();
    } catch {
      return [];
    }
  };
  return {
    dir,
    list: () => names().map((name) => keyFileInfo(read(name), pathOf(name))),
    has: (name) => names().includes(name),
    create(name, passphrase, options = {}) {
      const path = pathOf(name);
      if (names().includes(name)) throw new NodeEnvError("keystore", `a key named "${name}" exists already in ${dir}`);
      const { text, info } = sealKeyFile(name, options.mnemonic ?? generateMnemonic(), passphrase, options.network);
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      writeFileAtomic(path, text);
      return info;
    },
    info: (name) => keyFileInfo(read(name), pathOf(name)),
    open: (name, passphrase) => openKeyFile(read(name), passphrase, pathOf(name)),
  };
}

function deriveKey(passphrase: string, salt: Buffer): Buffer {
  return scryptSync(passphrase, salt, 32, { N: SCRYPT.n, r: SCRYPT.r, p: SCRYPT.p, maxmem: 256 * SCRYPT.n * SCRYPT.r });
}

function parseKeyFile(text: string, where: string): KeyFile {
  let file: KeyFile;
  try {
    file = JSON.parse(text) as KeyFile;
  } catch (cause) {
    throw new NodeEnvError("keystore", `${where} is not JSON; restore it from a backup`, { cause });
  }
  if (file?.version !== 1 || file.crypto?.kdf !== "scrypt" || file.crypto.cipher !== "aes-256-gcm") {
    throw new NodeEnvError("keystore", `${where} is not a version 1 scrypt/aes-256-gcm key file`);
  }
  return file;
}
