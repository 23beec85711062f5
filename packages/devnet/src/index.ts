/**
 * An embedded single-node ledger that behaves like a Provenance Blockchain node for development and
 * tests: it serves the CometBFT RPC subset CosmJS uses, verifies SIGN_MODE_DIRECT signatures and
 * account sequences, charges flat fees in nhash, applies the metadata module's validation rules,
 * supports authz grants, and keeps its state on disk across restarts.
 * @module
 */

export {
  DEV_MNEMONICS,
  type DeriveOptions,
  type DevAccount,
  deriveAccount,
  MAINNET_HD_PATH,
  TESTNET_HD_PATH,
} from "./dev-accounts.js";
export {
  type BroadcastMode,
  type BroadcastOutcome,
  createDevnet,
  type Devnet,
  type DevnetOptions,
} from "./devnet.js";
export { DevnetError, type DevnetErrorCode, isDevnetError } from "./errors.js";
export { DEFAULT_FEE_SCHEDULE, type FeeSchedule, type FeeScheduleInit, feeSchedule } from "./fees.js";
export { DEV_ACCOUNT_BALANCE, devGenesis, type GenesisAccount, type GenesisConfig } from "./genesis.js";
export type { QueryResult } from "./ledger.js";
export type { AbciEvent, AbciEventAttribute, TxResult } from "./store/database.js";
