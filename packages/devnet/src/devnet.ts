import type { Server } from "node:http";
import { Application } from "./app.js";
import { toHex } from "./codec.js";
import type { ChainParams } from "./context.js";
import { DevnetError } from "./errors.js";
import { type FeeScheduleInit, feeSchedule } from "./fees.js";
import { devGenesis, type GenesisConfig, resolveGenesis } from "./genesis.js";
import { Ledger, type QueryResult } from "./ledger.js";
import { createRouter } from "./modules/handlers.js";
import { listen } from "./rpc/server.js";
import { nodeInfoQuery } from "./service-queries.js";
import type { BlockHeader, TxResult } from "./store/database.js";

/** How to run a devnet. */
export interface DevnetOptions {
  /** Directory for the ledger database; state survives restarts there. In memory when omitted. */
  readonly dataDir?: string;
  /** Chain id; "testing" (Provenance's local default) unless given. */
  readonly chainId?: string;
  /** Bech32 prefix of account addresses: "tp" (testnet, the default) or "pb" (mainnet). */
  readonly bech32Prefix?: string;
  /** Genesis accounts; the dev genesis (DEV_MNEMONICS, well funded) unless given. Used on first start only. */
  readonly genesis?: GenesisConfig;
  /** Milliseconds between blocks; 1000 unless given. Ignored in instant mode. */
  readonly blockIntervalMs?: number;
  /** Instant mode: every accepted broadcast is executed in its own block before the call returns. */
  readonly instant?: boolean;
  /** Flat fee per Msg type in nhash, laid over Provenance's launch table. */
  readonly fees?: FeeScheduleInit;
  /** Interface to listen on; 127.0.0.1 unless given. */
  readonly host?: string;
  /** TCP port; 0 (an ephemeral port) unless given. */
  readonly port?: number;
  /** How long broadcast_tx_commit waits for inclusion; 10 s (CometBFT's default) unless given. */
  readonly commitTimeoutMs?: number;
  /**
   * Told when a timed block could not be committed (its txs are dropped and the chain goes on); a
   * line on stderr unless given, so that an embedding process can put it in its own logs.
   */
  readonly onBlockError?: (height: number, error: unknown) => void;
}

/** How broadcast waits: after CheckTx (sync), not at all (async), or until included (commit). */
export type BroadcastMode = "sync" | "async" | "commit";

/** What a broadcast gave. */
export interface BroadcastOutcome {
  /** Uppercase hex SHA-256 of the tx bytes. */
  readonly hash: string;
  /** The CheckTx result; refused txs have a non-zero code and are not kept. */
  readonly checkTx: TxResult;
  /** The DeliverTx result, once the tx is in a block (always for "commit" after a passing CheckTx; in instant mode for every mode). */
  readonly txResult?: TxResult;
  /** The height of the block that included the tx, when it is included. */
  readonly height?: number;
}

/** A running (or stopped) embedded ledger. */
export interface Devnet {
  /** The chain id. */
  readonly chainId: string;
  /** The bech32 prefix of account addresses. */
  readonly bech32Prefix: string;
  /** The CometBFT RPC endpoint, e.g. `http://127.0.0.1:41234`. Throws until started. */
  readonly url: string;
  /** True between start() and stop(). */
  readonly running: boolean;
  /** The latest committed height. */
  readonly height: number;
  /** Opens (or creates) the ledger, listens, and starts producing blocks. */
  start(): Promise<void>;
  /** Stops producing blocks, closes the server and the database. Safe to call twice. */
  stop(): Promise<void>;
  /** Commits a block now with whatever the mempool holds; returns its height. */
  produceBlock(): number;
  /** Submits tx bytes through the same path as the broadcast_tx_* RPCs, without HTTP. */
  broadcastTx(tx: Uint8Array, mode?: BroadcastMode): Promise<BroadcastOutcome>;
  /** Answers an ABCI query (gRPC path and protobuf request) against the latest state. */
  query(path: string, data: Uint8Array): QueryResult;
  /** Stops the devnet (for `await using`). */
  [Symbol.asyncDispose](): Promise<void>;
}

interface Waiter {
  /** Called with the tx's result when it is committed, or with undefined when waiting ends without it. */
  readonly settle: (included: { result: TxResult; height: number } | undefined) => void;
}

/** The devnet behind the RPC server; exported to the server module only. */
export class DevnetNode implements Devnet {
  readonly chainId: string;
  readonly bech32Prefix: string;
  readonly #options: DevnetOptions;
  readonly #app: Application;
  #ledger: Ledger | undefined;
  #server: Server | undefined;
  #url: string | undefined;
  #timer: NodeJS.Timeout | undefined;
  readonly #waiters = new Map<string, Waiter[]>();
  #stopping: Promise<void> | undefined;

  constructor(options: DevnetOptions) {
    this.#options = options;
    this.chainId = options.chainId ?? "testing";
    this.bech32Prefix = options.bech32Prefix ?? "tp";
    if (!/^[a-zA-Z0-9_.-]{1,50}$/.test(this.chainId)) {
      throw new DevnetError(
        "invalid-config",
        `chain id must be 1 to 50 letters, digits, '-', '_' or '.', got ${JSON.stringify(this.chainId)}`,
      );
    }
    if (!/^[a-z]{1,20}$/.test(this.bech32Prefix)) {
      throw new DevnetError(
        "invalid-config",
        `bech32Prefix must be lowercase letters, got ${JSON.stringify(this.bech32Prefix)}`,
      );
    }
    const interval = options.blockIntervalMs ?? 1000;
    if (!Number.isFinite(interval) || interval < 10) {
      throw new DevnetError("invalid-config", `blockIntervalMs must be at least 10, got ${interval}`);
    }
    const chain: ChainParams = {
      chainId: this.chainId,
      prefix: this.bech32Prefix,
      fees: feeSchedule(options.fees),
      feeDenom: "nhash",
    };
    this.#app = new Application(chain, createRouter());
  }

  get url(): string {
    if (this.#url === undefined) throw new DevnetError("not-running", "the devnet is not started; call start() first");
    return this.#url;
  }

  get running(): boolean {
    return this.#ledger !== undefined && this.#stopping === undefined;
  }

  get height(): number {
    return this.#requireLedger().latest.height;
  }

  get instant(): boolean {
    return this.#options.instant === true;
  }

  #requireLedger(): Ledger {
    if (this.#ledger === undefined || this.#stopping !== undefined) {
      throw new DevnetError("not-running", "the devnet is not running");
    }
    return this.#ledger;
  }

  /** The ledger, for the RPC server. */
  get ledger(): Ledger {
    return this.#requireLedger();
  }

  async start(): Promise<void> {
    if (this.#ledger !== undefined) throw new DevnetError("invalid-config", "the devnet is already started");
    const genesis = resolveGenesis(this.#options.genesis ?? devGenesis(), this.bech32Prefix, new Date());
    this.#ledger = Ledger.open(this.#app, this.#options.dataDir, genesis);
    try {
      const { server, url } = await listen(this, this.#options.host ?? "127.0.0.1", this.#options.port ?? 0);
      this.#server = server;
      this.#url = url;
      this.#ledger.serve(
        "/cosmos.base.tendermint.v1beta1.Service/GetNodeInfo",
        nodeInfoQuery(this.#app.chain.chainId, url),
      );
    } catch (error) {
      this.#ledger.close();
      this.#ledger = undefined;
      throw DevnetError.from(error, "invalid-config");
    }
    if (!this.instant) this.#schedule();
  }

  #schedule(): void {
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (!this.running) return;
      try {
        this.produceBlock();
      } catch (error) {
        // The block was not committed (the database refused it); its txs are dropped, the chain goes on.
        const height = this.height + 1;
        if (this.#options.onBlockError !== undefined) this.#options.onBlockError(height, error);
        else
          console.error(
            `p8e-devnet: block ${height} failed: ${error instanceof Error ? error.message : String(error)}`,
          );
      }
      this.#schedule();
    }, this.#options.blockIntervalMs ?? 1000);
  }

  produceBlock(): number {
    const { block, txs } = this.#requireLedger().produceBlock();
    for (const tx of txs) {
      const key = toHex(tx.hash);
      for (const waiter of this.#waiters.get(key) ?? []) waiter.settle({ result: tx.result, height: block.height });
      this.#waiters.delete(key);
    }
    return block.height;
  }

  /** Waits until a tx with this hash is committed (or the timeout passes). */
  #waitForInclusion(hash: Uint8Array): Promise<{ result: TxResult; height: number } | undefined> {
    const key = toHex(hash);
    return new Promise((resolve) => {
      const timeout = setTimeout(() => {
        const list = this.#waiters.get(key)?.filter((w) => w !== waiter) ?? [];
        if (list.length === 0) this.#waiters.delete(key);
        else this.#waiters.set(key, list);
        resolve(undefined);
      }, this.#options.commitTimeoutMs ?? 10_000);
      const waiter: Waiter = {
        settle: (included) => {
          clearTimeout(timeout);
          resolve(included);
        },
      };
      this.#waiters.set(key, [...(this.#waiters.get(key) ?? []), waiter]);
    });
  }

  async broadcastTx(tx: Uint8Array, mode: BroadcastMode = "sync"): Promise<BroadcastOutcome> {
    const ledger = this.#requireLedger();
    const { hash, result: checkTx } = ledger.checkTx(tx);
    const hex = toHex(hash).toUpperCase();
    if (checkTx.code !== 0) return { hash: hex, checkTx };
    if (this.instant) {
      const height = this.produceBlock();
      const included = ledger.tx(hash);
      return { hash: hex, checkTx, ...(included === undefined ? {} : { txResult: included.result, height }) };
    }
    if (mode !== "commit") return { hash: hex, checkTx };
    const included = await this.#waitForInclusion(hash);
    if (included === undefined) {
      const why = this.running ? "timed out waiting for" : "the devnet stopped before";
      throw new DevnetError(this.running ? "internal" : "not-running", `${why} tx ${hex} to be included in a block`);
    }
    return { hash: hex, checkTx, txResult: included.result, height: included.height };
  }

  query(path: string, data: Uint8Array): QueryResult {
    return this.#requireLedger().query(path, data);
  }

  /** The latest block header, for the RPC server. */
  get latestBlock(): BlockHeader {
    return this.#requireLedger().latest;
  }

  stop(): Promise<void> {
    if (this.#stopping !== undefined) return this.#stopping;
    if (this.#ledger === undefined) return Promise.resolve();
    this.#stopping = (async () => {
      if (this.#timer !== undefined) clearTimeout(this.#timer);
      this.#timer = undefined;
      for (const waiters of this.#waiters.values()) for (const waiter of waiters) waiter.settle(undefined);
      this.#waiters.clear();
      await new Promise((resolve) => setImmediate(resolve));
      const server = this.#server;
      if (server !== undefined) {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
      }
      this.#ledger?.close();
      this.#ledger = undefined;
      this.#server = undefined;
      this.#url = undefined;
    })();
    return this.#stopping.finally(() => {
      this.#stopping = undefined;
    });
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }
}

/**
 * Creates an embedded Provenance-compatible ledger. Call `start()` to open its storage and serve the
 * CometBFT RPC at `url`; `StargateClient.connect(url)` then works unchanged.
 *
 * @example
 * const devnet = createDevnet({ instant: true });
 * await devnet.start();
 * const client = await StargateClient.connect(devnet.url);
 * await devnet.stop();
 */
export function createDevnet(options: DevnetOptions = {}): Devnet {
  return new DevnetNode(options);
}
