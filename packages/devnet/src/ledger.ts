// The ledger: the application, its storage, the mempool and block production, and the ABCI queries.
// Everything here is synchronous; the RPC server and the block timer drive it.
import { sha256 } from "@noble/hashes/sha2.js";
import { BinaryReader, BinaryWriter } from "cosmjs-types/binary";
import { BaseAccount } from "cosmjs-types/cosmos/auth/v1beta1/auth";
import { QueryAccountRequest, QueryAccountResponse } from "cosmjs-types/cosmos/auth/v1beta1/query";
import { GrantAuthorization } from "cosmjs-types/cosmos/authz/v1beta1/authz";
import {
  QueryGranteeGrantsRequest,
  QueryGranteeGrantsResponse,
  QueryGranterGrantsRequest,
  QueryGranterGrantsResponse,
  QueryGrantsRequest,
  QueryGrantsResponse,
} from "cosmjs-types/cosmos/authz/v1beta1/query";
import {
  QueryAllBalancesRequest,
  QueryAllBalancesResponse,
  QueryBalanceRequest,
  QueryBalanceResponse,
} from "cosmjs-types/cosmos/bank/v1beta1/query";
import { Coin as ProtoCoin } from "cosmjs-types/cosmos/base/v1beta1/coin";
import { SimulateRequest, SimulateResponse } from "cosmjs-types/cosmos/tx/v1beta1/service";
import { Tx } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { AbciError, sdkError, toAbciError } from "./abci-error.js";
import { type Application, nextAppHash, txHash } from "./app.js";
import { concat, decodeAccountAddress, encodeAccountAddress, toHex, utf8 } from "./codec.js";
import type { Context } from "./context.js";
import { DevnetError } from "./errors.js";
import { BASE_ACCOUNT_TYPE_URL, ensureAccount, getAccount } from "./modules/auth.js";
import { listGrants } from "./modules/authz.js";
import { allBalances, getBalance, setBalance } from "./modules/bank.js";
import { metadataQueries } from "./modules/metadata/queries.js";
import { invalidArgument, notFound, paginate, type QueryHandler } from "./modules/metadata/query-common.js";
import { moduleQueries, txQueries } from "./service-queries.js";
import {
  type BlockHeader,
  type IncludedTx,
  LedgerDatabase,
  serializeResult,
  type TxResult,
  type TxSearchCondition,
} from "./store/database.js";
import { CacheStore } from "./store/kv-store.js";

/** An account funded at genesis. */
export interface ResolvedGenesisAccount {
  readonly address: string;
  readonly nhash: bigint;
}

/** The genesis state the ledger starts from. */
export interface ResolvedGenesis {
  readonly time: Date;
  readonly accounts: readonly ResolvedGenesisAccount[];
}

/** What an ABCI query answers. */
export interface QueryResult {
  readonly code: number;
  readonly codespace: string;
  readonly log: string;
  readonly value: Uint8Array;
  readonly height: number;
}

/** A tx waiting in the mempool. */
interface PendingTx {
  readonly bytes: Uint8Array;
  readonly hash: Uint8Array;
}

const META_CHAIN_ID = "chain_id";
const META_GENESIS = "genesis";

function protoPage(response: { nextKey: Uint8Array; total: bigint }) {
  return { nextKey: response.nextKey, total: response.total };
}

/** The devnet's ledger: state, blocks, mempool and queries in one synchronous object. */
export class Ledger {
  readonly app: Application;
  readonly #db: LedgerDatabase;
  #check: CacheStore;
  #latest: BlockHeader;
  readonly #mempool: PendingTx[] = [];
  readonly #queries: Map<string, QueryHandler>;

  private constructor(app: Application, db: LedgerDatabase, latest: BlockHeader) {
    this.app = app;
    this.#db = db;
    this.#latest = latest;
    this.#check = new CacheStore(db);
    this.#queries = new Map([...metadataQueries, ...moduleQueries, ...txQueries(db)]);
    this.#registerStandardQueries();
  }

  /**
   * Opens the ledger in `dataDir` (memory when undefined). A new ledger applies `genesis` and commits
   * block 1; an existing one is reloaded and must belong to the same chain id.
   */
  static open(app: Application, dataDir: string | undefined, genesis: ResolvedGenesis): Ledger {
    const db = LedgerDatabase.open(dataDir);
    try {
      const storedChainId = db.getMeta(META_CHAIN_ID);
      if (storedChainId !== undefined && storedChainId !== app.chain.chainId) {
        throw new DevnetError(
          "chain-mismatch",
          `the data directory holds chain ${JSON.stringify(storedChainId)}, not ${JSON.stringify(app.chain.chainId)}`,
        );
      }
      const latest = db.latestBlock();
      if (latest !== undefined) return new Ledger(app, db, latest);
      db.setMeta(META_CHAIN_ID, app.chain.chainId);
      db.setMeta(
        META_GENESIS,
        JSON.stringify({
          genesis_time: genesis.time.toISOString(),
          accounts: genesis.accounts.map((a) => ({ address: a.address, nhash: a.nhash.toString() })),
        }),
      );
      const store = new CacheStore(db);
      const ctx = app.writeContext(store, 1, genesis.time);
      for (const account of genesis.accounts) {
        let id: Uint8Array;
        try {
          id = decodeAccountAddress(app.chain.prefix, account.address);
        } catch (cause) {
          throw new DevnetError("invalid-genesis", `genesis account ${account.address}: ${(cause as Error).message}`, {
            cause,
          });
        }
        ensureAccount(ctx, id);
        setBalance(ctx, id, app.chain.feeDenom, getBalance(ctx, id, app.chain.feeDenom) + account.nhash);
      }
      const block = Ledger.#header(app.chain.chainId, undefined, 1, genesis.time.getTime(), [], store.writes);
      db.commitBlock(block, [], store.writes);
      return new Ledger(app, db, block);
    } catch (error) {
      db.close();
      throw error;
    }
  }

  static #header(
    chainId: string,
    previous: BlockHeader | undefined,
    height: number,
    timeMs: number,
    txs: readonly IncludedTx[],
    writes: ReadonlyMap<string, Uint8Array | undefined>,
  ): BlockHeader {
    const lastBlockHash = previous?.hash ?? new Uint8Array();
    const appHash = nextAppHash(previous?.appHash ?? new Uint8Array(32), writes);
    const dataHash = sha256(concat(...txs.map((t) => t.hash)));
    const lastResultsHash = sha256(utf8(txs.map((t) => serializeResult(t.result)).join("\n")));
    const hash = sha256(
      utf8(
        JSON.stringify({
          chainId,
          height,
          timeMs,
          lastBlockHash: toHex(lastBlockHash),
          appHash: toHex(appHash),
          dataHash: toHex(dataHash),
        }),
      ),
    );
    const size = txs.reduce((n, t) => n + t.tx.length, 0);
    return { height, timeMs, hash, lastBlockHash, appHash, dataHash, lastResultsHash, numTxs: txs.length, size };
  }

  /** The latest committed block. */
  get latest(): BlockHeader {
    return this.#latest;
  }

  get earliest(): BlockHeader {
    return this.#db.earliestBlock() ?? this.#latest;
  }

  /** The genesis document as stored at the first start. */
  get genesis(): { genesis_time: string; accounts: { address: string; nhash: string }[] } {
    return JSON.parse(this.#db.getMeta(META_GENESIS) ?? "{}") as {
      genesis_time: string;
      accounts: { address: string; nhash: string }[];
    };
  }

  get mempoolSize(): number {
    return this.#mempool.length;
  }

  /** True when a tx with this hash waits in the mempool. */
  inMempool(hash: Uint8Array): boolean {
    const hex = toHex(hash);
    return this.#mempool.some((t) => toHex(t.hash) === hex);
  }

  #nextBlockTime(): Date {
    return new Date(Math.max(Date.now(), this.#latest.timeMs + 1));
  }

  /** CheckTx; a tx that passes waits in the mempool for the next block. */
  checkTx(bytes: Uint8Array): { hash: Uint8Array; result: TxResult } {
    const hash = txHash(bytes);
    const result = this.app.checkTx(this.#check, bytes, this.#latest.height + 1, this.#nextBlockTime());
    if (result.code === 0) this.#mempool.push({ bytes, hash });
    return { hash, result };
  }

  /** Executes every mempool tx in a new block and commits it. */
  produceBlock(): { block: BlockHeader; txs: IncludedTx[] } {
    const pending = this.#mempool.splice(0, this.#mempool.length);
    const height = this.#latest.height + 1;
    const time = this.#nextBlockTime();
    const store = new CacheStore(this.#db);
    const txs: IncludedTx[] = pending.map((tx, index) => ({
      hash: tx.hash,
      height,
      index,
      tx: tx.bytes,
      result: this.app.deliverTx(store, tx.bytes, height, time),
    }));
    const block = Ledger.#header(this.app.chain.chainId, this.#latest, height, time.getTime(), txs, store.writes);
    this.#db.commitBlock(block, txs, store.writes);
    this.#latest = block;
    this.#check = new CacheStore(this.#db);
    return { block, txs };
  }

  block(height: number): BlockHeader | undefined {
    return this.#db.block(height);
  }

  blocks(minHeight: number, maxHeight: number, limit: number): BlockHeader[] {
    return this.#db.blocks(minHeight, maxHeight, limit);
  }

  blockTxs(height: number): IncludedTx[] {
    return this.#db.blockTxs(height);
  }

  tx(hash: Uint8Array): IncludedTx | undefined {
    return this.#db.tx(hash);
  }

  searchTxs(
    conditions: readonly TxSearchCondition[],
    page: { offset: number; limit: number; descending: boolean },
  ): { txs: IncludedTx[]; total: number } {
    return this.#db.searchTxs(conditions, page);
  }

  /** Answers an ABCI query against the latest state. */
  query(path: string, data: Uint8Array): QueryResult {
    const height = this.#latest.height;
    const handler = this.#queries.get(path);
    if (handler === undefined) {
      // baseapp Query: a path no service routes is "unknown query path: unknown request".
      const error = sdkError("unknownRequest", "unknown query path");
      return { code: error.code, codespace: error.codespace, log: error.message, value: new Uint8Array(), height };
    }
    try {
      const ctx = this.app.readContext(this.#db, height, new Date(this.#latest.timeMs));
      return { code: 0, codespace: "", log: "", value: handler(ctx, data), height };
    } catch (error) {
      const abci = toAbciError(error);
      return { code: abci.code, codespace: abci.codespace, log: abci.message, value: new Uint8Array(), height };
    }
  }

  /** Answers `path` with `handler` from now on (the node adds what only it knows, such as its URL). */
  serve(path: string, handler: QueryHandler): void {
    this.#queries.set(path, handler);
  }

  /** Query paths this ledger answers. */
  get queryPaths(): string[] {
    return [...this.#queries.keys()];
  }

  #account(ctx: Context, text: string): Uint8Array {
    try {
      return decodeAccountAddress(ctx.chain.prefix, text);
    } catch (error) {
      throw invalidArgument(`invalid address: ${(error as Error).message}`);
    }
  }

  #registerStandardQueries(): void {
    const q = this.#queries;
    q.set("/cosmos.auth.v1beta1.Query/Account", (ctx, data) => {
      const request = QueryAccountRequest.decode(data);
      const account = getAccount(ctx, this.#account(ctx, request.address));
      if (account === undefined) throw notFound(`account ${request.address} not found`);
      return QueryAccountResponse.encode({
        account: { typeUrl: BASE_ACCOUNT_TYPE_URL, value: BaseAccount.encode(account).finish() },
      }).finish();
    });
    q.set("/cosmos.bank.v1beta1.Query/Balance", (ctx, data) => {
      const request = QueryBalanceRequest.decode(data);
      const id = this.#account(ctx, request.address);
      if (request.denom.length === 0) throw invalidArgument("invalid denom");
      const amount = getBalance(ctx, id, request.denom);
      return QueryBalanceResponse.encode({ balance: { denom: request.denom, amount: amount.toString() } }).finish();
    });
    q.set("/cosmos.bank.v1beta1.Query/AllBalances", (ctx, data) => {
      const request = QueryAllBalancesRequest.decode(data);
      const page = paginate(allBalances(ctx, this.#account(ctx, request.address)), request.pagination);
      return QueryAllBalancesResponse.encode({
        balances: page.items.map((c) => ({ denom: c.denom, amount: c.amount.toString() })),
        pagination: protoPage(page.response),
      }).finish();
    });
    const toGrantAuthorization = (g: ReturnType<typeof listGrants>[number]) =>
      GrantAuthorization.fromPartial({
        granter: encodeAccountAddress(this.app.chain.prefix, g.granter),
        grantee: encodeAccountAddress(this.app.chain.prefix, g.grantee),
        ...(g.grant.authorization === undefined ? {} : { authorization: g.grant.authorization }),
        ...(g.grant.expiration === undefined ? {} : { expiration: g.grant.expiration }),
      });
    q.set("/cosmos.authz.v1beta1.Query/Grants", (ctx, data) => {
      const request = QueryGrantsRequest.decode(data);
      const granter = this.#account(ctx, request.granter);
      const grantee = this.#account(ctx, request.grantee);
      let grants = listGrants(ctx, granter, grantee);
      if (request.msgTypeUrl.length > 0) {
        grants = grants.filter((g) => g.msgTypeUrl === request.msgTypeUrl);
        if (grants.length === 0) {
          throw new AbciError(
            "authz",
            2,
            `authorization not found for ${request.msgTypeUrl} type: authorization not found`,
          );
        }
      }
      const page = paginate(grants, request.pagination);
      return QueryGrantsResponse.encode({
        grants: page.items.map((g) => g.grant),
        pagination: protoPage(page.response),
      }).finish();
    });
    q.set("/cosmos.authz.v1beta1.Query/GranterGrants", (ctx, data) => {
      const request = QueryGranterGrantsRequest.decode(data);
      const page = paginate(listGrants(ctx, this.#account(ctx, request.granter)), request.pagination);
      return QueryGranterGrantsResponse.encode({
        grants: page.items.map(toGrantAuthorization),
        pagination: protoPage(page.response),
      }).finish();
    });
    q.set("/cosmos.authz.v1beta1.Query/GranteeGrants", (ctx, data) => {
      const request = QueryGranteeGrantsRequest.decode(data);
      const grantee = toHex(this.#account(ctx, request.grantee));
      const grants = listGrants(ctx).filter((g) => toHex(g.grantee) === grantee);
      const page = paginate(grants, request.pagination);
      return QueryGranteeGrantsResponse.encode({
        grants: page.items.map(toGrantAuthorization),
        pagination: protoPage(page.response),
      }).finish();
    });
    q.set("/cosmos.tx.v1beta1.Service/Simulate", (_ctx, data) => {
      const request = SimulateRequest.decode(data);
      const bytes =
        request.txBytes.length > 0
          ? request.txBytes
          : request.tx === undefined
            ? new Uint8Array()
            : Tx.encode(request.tx).finish();
      const result = this.app.simulate(this.#check, bytes, this.#latest.height + 1, this.#nextBlockTime());
      return SimulateResponse.encode({
        gasInfo: { gasWanted: result.gasWanted, gasUsed: result.gasUsed },
        result: {
          data: result.data,
          log: result.log,
          events: result.events.map((e) => ({ type: e.type, attributes: [...e.attributes] })),
          msgResponses: [...result.msgResponses],
        },
      }).finish();
    });
    // Provenance's flat-fee calculator: QueryCalculateTxFeesRequest{bytes tx_bytes = 1; float gas_adjustment = 2}
    // → {repeated Coin total_fees = 1; uint64 estimated_gas = 2}.
    q.set("/provenance.flatfees.v1.Query/CalculateTxFees", (_ctx, data) => {
      const reader = new BinaryReader(data);
      let txBytes: Uint8Array = new Uint8Array();
      while (reader.pos < reader.len) {
        const tag = reader.uint32();
        if (tag >>> 3 === 1) txBytes = reader.bytes();
        else reader.skipType(tag & 7);
      }
      const { fee, gas } = this.app.calculateFee(txBytes);
      const writer = new BinaryWriter();
      ProtoCoin.encode({ denom: this.app.chain.feeDenom, amount: fee.toString() }, writer.uint32(10).fork()).ldelim();
      writer.uint32(16).uint64(gas);
      return writer.finish();
    });
  }

  close(): void {
    this.#db.close();
  }
}
