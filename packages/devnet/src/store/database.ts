// The devnet's on-disk (or in-memory) storage: application state, blocks, tx results and an
// event index, in one SQLite database. Every block is committed in one SQLite transaction, so a
// crash leaves the database at the previous block, never half-way through one.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync, type StatementSync } from "node:sqlite";
import { fromBase64, fromHex, toBase64 } from "../codec.js";
import { DevnetError } from "../errors.js";
import { type Entry, type KVRead, keyBytes, prefixEnd, type WriteSet } from "./kv-store.js";

/** One ABCI event attribute. */
export interface AbciEventAttribute {
  readonly key: string;
  readonly value: string;
  readonly index: boolean;
}

/** One ABCI event. */
export interface AbciEvent {
  readonly type: string;
  readonly attributes: readonly AbciEventAttribute[];
}

/** What CheckTx or DeliverTx answered for a transaction. */
export interface TxResult {
  readonly code: number;
  readonly codespace: string;
  readonly log: string;
  readonly data: Uint8Array;
  readonly gasWanted: bigint;
  readonly gasUsed: bigint;
  readonly events: readonly AbciEvent[];
}

/** A transaction included in a block, with its result. */
export interface IncludedTx {
  readonly hash: Uint8Array;
  readonly height: number;
  readonly index: number;
  readonly tx: Uint8Array;
  readonly result: TxResult;
}

/** A committed block's header data. */
export interface BlockHeader {
  readonly height: number;
  /** Block time in milliseconds since the epoch. */
  readonly timeMs: number;
  readonly hash: Uint8Array;
  readonly lastBlockHash: Uint8Array;
  readonly appHash: Uint8Array;
  readonly dataHash: Uint8Array;
  readonly lastResultsHash: Uint8Array;
  readonly numTxs: number;
  readonly size: number;
}

/** A condition of a tx_search query: `key op value`, where key is tx.hash, tx.height or type.attribute. */
export interface TxSearchCondition {
  readonly key: string;
  readonly op: "=" | "<" | "<=" | ">" | ">=" | "CONTAINS" | "EXISTS";
  readonly value: string;
}

interface SerializedResult {
  code: number;
  codespace: string;
  log: string;
  data: string;
  gasWanted: string;
  gasUsed: string;
  events: AbciEvent[];
}

/** A tx result as the JSON text the database stores. */
export function serializeResult(result: TxResult): string {
  const out: SerializedResult = {
    code: result.code,
    codespace: result.codespace,
    log: result.log,
    data: toBase64(result.data),
    gasWanted: result.gasWanted.toString(),
    gasUsed: result.gasUsed.toString(),
    events: result.events.map((e) => ({ type: e.type, attributes: [...e.attributes] })),
  };
  return JSON.stringify(out);
}

/** A tx result from its stored JSON text. */
export function deserializeResult(text: string): TxResult {
  const raw = JSON.parse(text) as SerializedResult;
  return {
    code: raw.code,
    codespace: raw.codespace,
    log: raw.log,
    data: fromBase64(raw.data),
    gasWanted: BigInt(raw.gasWanted),
    gasUsed: BigInt(raw.gasUsed),
    events: raw.events,
  };
}

const schema = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS state (key BLOB PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS blocks (
  height INTEGER PRIMARY KEY,
  time_ms INTEGER NOT NULL,
  hash BLOB NOT NULL,
  last_block_hash BLOB NOT NULL,
  app_hash BLOB NOT NULL,
  data_hash BLOB NOT NULL,
  last_results_hash BLOB NOT NULL,
  num_txs INTEGER NOT NULL,
  size INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS txs (
  hash BLOB PRIMARY KEY,
  height INTEGER NOT NULL,
  idx INTEGER NOT NULL,
  tx BLOB NOT NULL,
  result TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS txs_by_height ON txs (height, idx);
CREATE TABLE IF NOT EXISTS tx_events (
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  height INTEGER NOT NULL,
  idx INTEGER NOT NULL,
  PRIMARY KEY (key, value, height, idx)
) WITHOUT ROWID;
`;

type Row = Record<string, unknown>;

function blockFromRow(row: Row): BlockHeader {
  return {
    height: Number(row.height),
    timeMs: Number(row.time_ms),
    hash: row.hash as Uint8Array,
    lastBlockHash: row.last_block_hash as Uint8Array,
    appHash: row.app_hash as Uint8Array,
    dataHash: row.data_hash as Uint8Array,
    lastResultsHash: row.last_results_hash as Uint8Array,
    numTxs: Number(row.num_txs),
    size: Number(row.size),
  };
}

function txFromRow(row: Row): IncludedTx {
  return {
    hash: row.hash as Uint8Array,
    height: Number(row.height),
    index: Number(row.idx),
    tx: row.tx as Uint8Array,
    result: deserializeResult(row.result as string),
  };
}

/** Where the ledger keeps its data: a directory on disk, or memory. */
export class LedgerDatabase implements KVRead {
  readonly #db: DatabaseSync;
  readonly #statements = new Map<string, StatementSync>();
  #closed = false;

  private constructor(db: DatabaseSync) {
    this.#db = db;
  }

  /** Opens (creating if needed) the database in `dataDir`, or an in-memory one when dataDir is undefined. */
  static open(dataDir: string | undefined): LedgerDatabase {
    let db: DatabaseSync;
    try {
      if (dataDir === undefined) {
        db = new DatabaseSync(":memory:");
      } else {
        mkdirSync(dataDir, { recursive: true });
        db = new DatabaseSync(join(dataDir, "ledger.sqlite"));
        // WAL keeps readers and the single writer apart; NORMAL sync keeps every commit atomic and
        // survives a process crash (an OS crash may lose the last blocks, never leave half of one).
        db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;");
      }
      db.exec(schema);
    } catch (cause) {
      throw new DevnetError("storage", `cannot open the ledger database in ${dataDir ?? "memory"}: ${String(cause)}`, {
        cause,
      });
    }
    return new LedgerDatabase(db);
  }

  #statement(sql: string): StatementSync {
    if (this.#closed) throw new DevnetError("closed", "the ledger database is closed");
    let statement = this.#statements.get(sql);
    if (statement === undefined) {
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  getMeta(key: string): string | undefined {
    const row = this.#statement("SELECT value FROM meta WHERE key = ?").get(key) as Row | undefined;
    return row === undefined ? undefined : (row.value as string);
  }

  setMeta(key: string, value: string): void {
    this.#statement("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)").run(key, value);
  }

  get(key: Uint8Array): Uint8Array | undefined {
    const row = this.#statement("SELECT value FROM state WHERE key = ?").get(key) as Row | undefined;
    return row === undefined ? undefined : (row.value as Uint8Array);
  }

  iterate(prefix: Uint8Array): Entry[] {
    const end = prefixEnd(prefix);
    const rows = (
      end === undefined
        ? this.#statement("SELECT key, value FROM state WHERE key >= ? ORDER BY key").all(prefix)
        : this.#statement("SELECT key, value FROM state WHERE key >= ? AND key < ? ORDER BY key").all(prefix, end)
    ) as Row[];
    return rows.map((row) => [row.key as Uint8Array, row.value as Uint8Array] as const);
  }

  /** Writes a block, its txs and the state changes it made, all or nothing. */
  commitBlock(block: BlockHeader, txs: readonly IncludedTx[], writes: WriteSet): void {
    this.#db.exec("BEGIN IMMEDIATE");
    try {
      const put = this.#statement("INSERT OR REPLACE INTO state (key, value) VALUES (?, ?)");
      const del = this.#statement("DELETE FROM state WHERE key = ?");
      for (const [key, value] of writes) {
        if (value === undefined) del.run(keyBytes(key));
        else put.run(keyBytes(key), value);
      }
      this.#statement(
        `INSERT INTO blocks (height, time_ms, hash, last_block_hash, app_hash, data_hash, last_results_hash, num_txs, size)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        block.height,
        block.timeMs,
        block.hash,
        block.lastBlockHash,
        block.appHash,
        block.dataHash,
        block.lastResultsHash,
        block.numTxs,
        block.size,
      );
      const insertTx = this.#statement(
        "INSERT OR REPLACE INTO txs (hash, height, idx, tx, result) VALUES (?, ?, ?, ?, ?)",
      );
      const insertEvent = this.#statement(
        "INSERT OR IGNORE INTO tx_events (key, value, height, idx) VALUES (?, ?, ?, ?)",
      );
      for (const tx of txs) {
        insertTx.run(tx.hash, tx.height, tx.index, tx.tx, serializeResult(tx.result));
        for (const event of tx.result.events) {
          for (const attribute of event.attributes) {
            if (attribute.index)
              insertEvent.run(`${event.type}.${attribute.key}`, attribute.value, tx.height, tx.index);
          }
        }
      }
      this.#db.exec("COMMIT");
    } catch (cause) {
      this.#db.exec("ROLLBACK");
      throw new DevnetError("storage", `cannot commit block ${block.height}: ${String(cause)}`, { cause });
    }
  }

  latestBlock(): BlockHeader | undefined {
    const row = this.#statement("SELECT * FROM blocks ORDER BY height DESC LIMIT 1").get() as Row | undefined;
    return row === undefined ? undefined : blockFromRow(row);
  }

  earliestBlock(): BlockHeader | undefined {
    const row = this.#statement("SELECT * FROM blocks ORDER BY height ASC LIMIT 1").get() as Row | undefined;
    return row === undefined ? undefined : blockFromRow(row);
  }

  block(height: number): BlockHeader | undefined {
    const row = this.#statement("SELECT * FROM blocks WHERE height = ?").get(height) as Row | undefined;
    return row === undefined ? undefined : blockFromRow(row);
  }

  /** Block headers with minHeight ≤ height ≤ maxHeight, newest first, at most `limit`. */
  blocks(minHeight: number, maxHeight: number, limit: number): BlockHeader[] {
    const rows = this.#statement(
      "SELECT * FROM blocks WHERE height >= ? AND height <= ? ORDER BY height DESC LIMIT ?",
    ).all(minHeight, maxHeight, limit) as Row[];
    return rows.map(blockFromRow);
  }

  blockTxs(height: number): IncludedTx[] {
    const rows = this.#statement("SELECT * FROM txs WHERE height = ? ORDER BY idx").all(height) as Row[];
    return rows.map(txFromRow);
  }

  tx(hash: Uint8Array): IncludedTx | undefined {
    const row = this.#statement("SELECT * FROM txs WHERE hash = ?").get(hash) as Row | undefined;
    return row === undefined ? undefined : txFromRow(row);
  }

  /** Txs matching every condition, ordered by height and index, one page of them plus the total count. */
  searchTxs(
    conditions: readonly TxSearchCondition[],
    page: { readonly offset: number; readonly limit: number; readonly descending: boolean },
  ): { txs: IncludedTx[]; total: number } {
    const where: string[] = [];
    const params: (string | number | Uint8Array)[] = [];
    for (const condition of conditions) {
      if (condition.key === "tx.hash") {
        where.push("t.hash = ?");
        params.push(/^[0-9a-fA-F]{64}$/.test(condition.value) ? fromHex(condition.value) : new Uint8Array(0));
      } else if (condition.key === "tx.height") {
        const op = condition.op === "CONTAINS" || condition.op === "EXISTS" ? "=" : condition.op;
        where.push(`t.height ${op} ?`);
        params.push(Number(condition.value));
      } else if (condition.op === "EXISTS") {
        where.push("EXISTS (SELECT 1 FROM tx_events e WHERE e.key = ? AND e.height = t.height AND e.idx = t.idx)");
        params.push(condition.key);
      } else if (condition.op === "CONTAINS") {
        where.push(
          "EXISTS (SELECT 1 FROM tx_events e WHERE e.key = ? AND instr(e.value, ?) > 0 AND e.height = t.height AND e.idx = t.idx)",
        );
        params.push(condition.key, condition.value);
      } else if (condition.op === "=") {
        where.push(
          "EXISTS (SELECT 1 FROM tx_events e WHERE e.key = ? AND e.value = ? AND e.height = t.height AND e.idx = t.idx)",
        );
        params.push(condition.key, condition.value);
      } else {
        where.push(
          `EXISTS (SELECT 1 FROM tx_events e WHERE e.key = ? AND CAST(e.value AS INTEGER) ${condition.op} ? AND e.height = t.height AND e.idx = t.idx)`,
        );
        params.push(condition.key, Number(condition.value));
      }
    }
    const clause = where.length === 0 ? "" : `WHERE ${where.join(" AND ")}`;
    const total = Number((this.#db.prepare(`SELECT COUNT(*) AS n FROM txs t ${clause}`).get(...params) as Row).n);
    const order = page.descending ? "DESC" : "ASC";
    const rows = this.#db
      .prepare(`SELECT t.* FROM txs t ${clause} ORDER BY t.height ${order}, t.idx ${order} LIMIT ? OFFSET ?`)
      .all(...params, page.limit, page.offset) as Row[];
    return { txs: rows.map(txFromRow), total };
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#statements.clear();
    this.#db.close();
  }
}
