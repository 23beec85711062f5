// The embedded envelope store: node:sqlite (WAL, synchronous FULL), one row per execution.
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { EngineError } from "../errors.js";
import {
  type AnswerRecord,
  type EnvelopeFilter,
  type EnvelopeRecord,
  type EnvelopeStatus,
  type EnvelopeStore,
  envelopeStatuses,
} from "./envelope-store.js";

/** Options of createSqliteEnvelopeStore(). */
export interface SqliteEnvelopeStoreOptions {
  /** The database file; created with its folder when missing. ":memory:" keeps nothing. */
  readonly path: string;
}

const schema = `
CREATE TABLE IF NOT EXISTS envelopes (
  execution_uuid TEXT PRIMARY KEY,
  side TEXT NOT NULL,
  status TEXT NOT NULL,
  scope_uuid TEXT NOT NULL,
  session_uuid TEXT NOT NULL,
  contract TEXT NOT NULL,
  input BLOB NOT NULL,
  result BLOB,
  invoker_key BLOB NOT NULL,
  expires_at INTEGER,
  error_type TEXT,
  error_message TEXT,
  times TEXT NOT NULL,
  tx_hashes TEXT NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS envelopes_status ON envelopes (status);
CREATE INDEX IF NOT EXISTS envelopes_scope ON envelopes (scope_uuid);
CREATE TABLE IF NOT EXISTS answers (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  execution_uuid TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  signer TEXT,
  accepted INTEGER NOT NULL,
  reason TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS answers_execution ON answers (execution_uuid);
`;

type Row = Record<string, unknown>;

function toRecord(row: Row): EnvelopeRecord {
  const times: Partial<Record<EnvelopeStatus, Date>> = {};
  for (const [status, millis] of Object.entries(JSON.parse(String(row.times)) as Record<string, number>)) {
    times[status as EnvelopeStatus] = new Date(millis);
  }
  return {
    executionUuid: String(row.execution_uuid),
    side: row.side === "invoker" ? "invoker" : "counterparty",
    status: String(row.status) as EnvelopeStatus,
    scopeUuid: String(row.scope_uuid),
    sessionUuid: String(row.session_uuid),
    contract: String(row.contract),
    input: new Uint8Array(row.input as Uint8Array),
    result: row.result === null ? undefined : new Uint8Array(row.result as Uint8Array),
    invokerKey: new Uint8Array(row.invoker_key as Uint8Array),
    expiresAt: row.expires_at === null ? undefined : new Date(Number(row.expires_at)),
    error: row.error_type === null ? undefined : { type: String(row.error_type), message: String(row.error_message) },
    times,
    txHashes: JSON.parse(String(row.tx_hashes)) as string[],
  };
}

/** Opens (or creates) an envelope store in a SQLite file. */
export function createSqliteEnvelopeStore(options: SqliteEnvelopeStoreOptions): EnvelopeStore {
  let db: DatabaseSync;
  try {
    if (options.path !== ":memory:") mkdirSync(dirname(options.path), { recursive: true });
    db = new DatabaseSync(options.path);
    db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000;");
    db.exec(schema);
  } catch (cause) {
    throw new EngineError("invalid-argument", `cannot open the envelope store ${options.path}: ${String(cause)}`, {
      cause,
    });
  }
  const upsert =
    db.prepare(`INSERT INTO envelopes (execution_uuid, side, status, scope_uuid, session_uuid, contract, input,
      result, invoker_key, expires_at, error_type, error_message, times, tx_hashes, updated_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (execution_uuid) DO UPDATE SET side = excluded.side, status = excluded.status, scope_uuid = excluded.scope_uuid,
      session_uuid = excluded.session_uuid, contract = excluded.contract, input = excluded.input, result = excluded.result,
      invoker_key = excluded.invoker_key, expires_at = excluded.expires_at, error_type = excluded.error_type,
      error_message = excluded.error_message, times = excluded.times, tx_hashes = excluded.tx_hashes, updated_at = excluded.updated_at`);
  const byExecution = db.prepare("SELECT * FROM envelopes WHERE execution_uuid = ?");
  const insertAnswer = db.prepare(
    "INSERT INTO answers (execution_uuid, received_at, signer, accepted, reason) VALUES (?, ?, ?, ?, ?)",
  );
  const answersOf = db.prepare("SELECT * FROM answers WHERE execution_uuid = ? ORDER BY id");
  const upsertRecord = (record: EnvelopeRecord) => {
    const times = Object.fromEntries(Object.entries(record.times).map(([k, v]) => [k, v.getTime()]));
    upsert.run(
      record.executionUuid,
      record.side,
      record.status,
      record.scopeUuid,
      record.sessionUuid,
      record.contract,
      record.input,
      record.result ?? null,
      record.invokerKey,
      record.expiresAt?.getTime() ?? null,
      record.error?.type ?? null,
      record.error?.message ?? null,
      JSON.stringify(times),
      JSON.stringify(record.txHashes),
      Date.now(),
    );
  };
  const insertAnswerRecord = (answer: AnswerRecord) => {
    insertAnswer.run(
      answer.executionUuid,
      answer.receivedAt.getTime(),
      answer.signer ?? null,
      answer.accepted ? 1 : 0,
      answer.reason,
    );
  };
  let closed = false;
  const open = () => {
    if (closed) throw new EngineError("invalid-argument", "the envelope store is closed");
  };

  return {
    async get(executionUuid) {
      open();
      const row = byExecution.get(executionUuid) as Row | undefined;
      return row === undefined ? undefined : toRecord(row);
    },
    async put(record, options = {}) {
      open();
      if (!envelopeStatuses.includes(record.status)) {
        throw new EngineError("invalid-argument", `unknown envelope status ${record.status}`);
      }
      const { answer } = options;
      if (answer === undefined) {
        upsertRecord(record);
        return;
      }
      // One transaction, so one commit (and one sync to disk) for both.
      db.exec("BEGIN IMMEDIATE");
      try {
        upsertRecord(record);
        insertAnswerRecord(answer);
        db.exec("COMMIT");
      } catch (error) {
        db.exec("ROLLBACK");
        throw error;
      }
    },
    async list(filter: EnvelopeFilter = {}) {
      open();
      const where: string[] = [];
      const params: (string | number)[] = [];
      if (filter.status !== undefined) {
        const statuses = typeof filter.status === "string" ? [filter.status] : filter.status;
        where.push(`status IN (${statuses.map(() => "?").join(", ") || "NULL"})`);
        params.push(...statuses);
      }
      if (filter.scopeUuid !== undefined) {
        where.push("scope_uuid = ?");
        params.push(filter.scopeUuid.toLowerCase());
      }
      if (filter.side !== undefined) {
        where.push("side = ?");
        params.push(filter.side);
      }
      const sql = `SELECT * FROM envelopes${where.length > 0 ? ` WHERE ${where.join(" AND ")}` : ""} ORDER BY updated_at, execution_uuid`;
      return (db.prepare(sql).all(...params) as Row[]).map(toRecord);
    },
    async addAnswer(answer: AnswerRecord) {
      open();
      insertAnswerRecord(answer);
    },
    async answers(executionUuid) {
      open();
      return (answersOf.all(executionUuid) as Row[]).map((row) => ({
        executionUuid: String(row.execution_uuid),
        receivedAt: new Date(Number(row.received_at)),
        signer: row.signer === null ? undefined : String(row.signer),
        accepted: Number(row.accepted) === 1,
        reason: String(row.reason),
      }));
    },
    async close() {
      if (closed) return;
      closed = true;
      db.close();
    },
  };
}
