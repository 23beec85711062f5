import { Bip39, EnglishMnemonic, Slip10, Slip10Curve, stringToPath } from "@cosmjs/crypto";
import { DirectSecp256k1HdWallet, DirectSecp256k1Wallet } from "@cosmjs/proto-signing";
import { MemorializerError } from "./errors.js";

/** Which Provenance network a key belongs to: it decides the address prefix and BIP-44 coin type. */
export type ProvenanceNetwork = "testnet" | "mainnet";

/** Address prefix, BIP-44 coin type and public chain id of each Provenance network. */
export const provenanceNetworks: Readonly<
  Record<ProvenanceNetwork, { readonly prefix: string; readonly coinType: number; readonly chainId: string }>
> = {
  testnet: { prefix: "tp", coinType: 1, chainId: "pio-testnet-1" },
  mainnet: { prefix: "pb", coinType: 505, chainId: "pio-mainnet-1" },
};

/** Options of walletFromMnemonic(). */
export interface WalletOptions {
  /** "testnet" (coin type 1, prefix `tp`, the default) or "mainnet" (coin type 505, prefix `pb`). */
  readonly network?: ProvenanceNetwork;
  /** The BIP-44 account (the third path element); 0 by default. */
  readonly account?: number;
  /** The BIP-44 address index (the last path element); 0 by default. */
  readonly addressIndex?: number;
  /** An optional BIP-39 passphrase. */
  readonly bip39Password?: string;
}

/** The BIP-44 path Provenance uses: `m/44'/1'/0'/0/0` on testnet, `m/44'/505'/0'/0/0` on mainnet. */
export function hdPathFor(network: ProvenanceNetwork, account = 0, addressIndex = 0): string {
  for (const [name, value] of [
    ["account", account],
    ["addressIndex", addressIndex],
  ] as const) {
    if (!Number.isInteger(value) || value < 0 || value >= 2 ** 31) {
      throw new MemorializerError("invalid-argument", `${name} must be an integer in [0, 2^31), got ${value}`);
    }
  }
  return `m/44'/${provenanceNetworks[network].coinType}'/${account}'/0/${addressIndex}`;
}

/**
 * A SIGN_MODE_DIRECT wallet for a BIP-39 mnemonic on the given Provenance network.
 * @throws {MemorializerError} code "invalid-argument" for an unknown network or an invalid mnemonic.
 */
export async function walletFromMnemonic(
  mnemonic: string,
  options: WalletOptions = {},
): Promise<DirectSecp256k1HdWallet> {
  const { words, path, prefix } = walletParameters(mnemonic, options);
  try {
    return await DirectSecp256k1HdWallet.fromMnemonic(words, {
      prefix,
      hdPaths: [stringToPath(path)],
      bip39Password: options.bip39Password ?? "",
    });
  } catch {
    throw invalidMnemonic();
  }
}

/**
 * The same account as {@link walletFromMnemonic}, as a signer whose key is derived once: the HD
 * wallet derives it again for every signature, which took 4 ms of each transaction's 5.
 * @throws {MemorializerError} code "invalid-argument" for an unknown network or an invalid mnemonic.
 */
export async function signerFromMnemonic(
  mnemonic: string,
  options: WalletOptions = {},
): Promise<DirectSecp256k1Wallet> {
  const { words, path, prefix } = walletParameters(mnemonic, options);
  let privkey: Uint8Array;
  try {
    const seed = await Bip39.mnemonicToSeed(new EnglishMnemonic(words), options.bip39Password ?? "");
    privkey = Slip10.derivePath(Slip10Curve.Secp256k1, seed, stringToPath(path)).privkey;
  } catch {
    throw invalidMnemonic();
  }
  return DirectSecp256k1Wallet.fromKey(privkey, prefix);
}

function walletParameters(mnemonic: string, options: WalletOptions) {
  const network = options.network ?? "testnet";
  if (!(network in provenanceNetworks)) {
    throw new MemorializerError(
      "invalid-argument",
      `unknown network ${JSON.stringify(network)}: use "testnet" or "mainnet"`,
    );
  }
  return {
    words: mnemonic.trim().split(/\s+/).join(" "),
    path: hdPathFor(network, options.account, options.addressIndex),
    prefix: provenanceNetworks[network].prefix,
  };
}

// Neither the mnemonic nor the library's message (which may quote a word of it) is echoed.
function invalidMnemonic(): MemorializerError {
  return new MemorializerError(
    "invalid-argument",
    "invalid mnemonic: expected 12 to 24 BIP-39 English words with a valid checksum",
  );
}
