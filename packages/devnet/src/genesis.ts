import { decodeAccountAddress } from "./codec.js";
import { DEV_MNEMONICS, deriveAccount, TESTNET_HD_PATH } from "./dev-accounts.js";
import { DevnetError } from "./errors.js";
import type { ResolvedGenesis } from "./ledger.js";

/** An account the genesis funds: from a mnemonic (derived like a wallet would) or an address. */
export type GenesisAccount =
  | {
      /** A BIP39 mnemonic; the address is derived with the chain's prefix at `hdPath`. */
      readonly mnemonic: string;
      /** BIP44 path; `m/44'/1'/0'/0/0` unless given. */
      readonly hdPath?: string;
      /** Starting balance in nhash. */
      readonly nhash: bigint | number | string;
    }
  | {
      /** A bech32 account address with the chain's prefix. */
      readonly address: string;
      /** Starting balance in nhash. */
      readonly nhash: bigint | number | string;
    };

/** The state a new devnet starts from. */
export interface GenesisConfig {
  /** Genesis (block 1) time; the time of the first start unless given. */
  readonly time?: Date;
  readonly accounts: readonly GenesisAccount[];
}

/** What each dev account holds in the default genesis: 1,000,000,000 hash. */
export const DEV_ACCOUNT_BALANCE = 1_000_000_000_000_000_000n;

/**
 * The default development genesis: the well-known DEV_MNEMONICS accounts (alice, bob, carol), each
 * funded with DEV_ACCOUNT_BALANCE nhash. For local development and tests only.
 */
export function devGenesis(): GenesisConfig {
  return {
    accounts: Object.values(DEV_MNEMONICS).map((mnemonic) => ({ mnemonic, nhash: DEV_ACCOUNT_BALANCE })),
  };
}

function amount(value: bigint | number | string, where: string): bigint {
  let nhash: bigint;
  try {
    nhash = typeof value === "bigint" ? value : BigInt(value);
  } catch {
    throw new DevnetError("invalid-genesis", `${where}: nhash must be a whole number, got ${String(value)}`);
  }
  if (nhash < 0n) throw new DevnetError("invalid-genesis", `${where}: nhash must not be negative`);
  return nhash;
}

/** Derives the addresses and checks the amounts of a genesis configuration. */
export function resolveGenesis(config: GenesisConfig, prefix: string, now: Date): ResolvedGenesis {
  const seen = new Set<string>();
  const accounts = config.accounts.map((account, i) => {
    const where = `genesis account ${i}`;
    let address: string;
    if ("mnemonic" in account) {
      address = deriveAccount(account.mnemonic, { prefix, hdPath: account.hdPath ?? TESTNET_HD_PATH }).address;
    } else {
      try {
        decodeAccountAddress(prefix, account.address);
      } catch (cause) {
        throw new DevnetError("invalid-genesis", `${where}: ${(cause as Error).message}`, { cause });
      }
      address = account.address;
    }
    if (seen.has(address)) throw new DevnetError("invalid-genesis", `${where}: ${address} is listed twice`);
    seen.add(address);
    return { address, nhash: amount(account.nhash, where) };
  });
  return { time: config.time ?? now, accounts };
}
