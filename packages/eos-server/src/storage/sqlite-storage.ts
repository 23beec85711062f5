import { createHash, randomUUID } from "node:crypto";
import { mkdirSync, readdirSync, rmSync } from "node:fs";
import { type FileHandle, open, unlink } from "node:fs/promises";
import { join } from "node:path";
import { DatabaseSync, type SQLInputValue, type StatementSync } from "node:sqlite";
import { concatBytes } from "../bytes.js";
import { EosServerError } from "../errors.js";
import type { Logger } from "../logger.js";
import { BlobFiles } from "./blob-files.js";
import type {
  KeyRecord,
  MailRecord,
  NewObject,
  ObjectStorage,
  PutObjectResult,
  StoredObject,
} from "./object-storage.js";
import { mailQueries, replicationQueries, rowToMail, type Sql } from "./sqlite-queues.js";
import { createWriteBatcher } from "./write-batcher.js";

/** Options of {@link createSqliteStorage}. */
export interface SqliteStorageOptions {
  /** Folder for `eos.sqlite`, `blobs/` and `tmp/`; created if missing. */
  readonly dataDir: string;
  readonly logger: Logger;
}

const schema = `
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS objects (
  uuid TEXT PRIMARY KEY,
  dime_uuid TEXT NOT NULL,
  hash TEXT NOT NULL,
  unique_key TEXT NOT NULL UNIQUE,
  owner TEXT NOT NULL,
  audience TEXT NOT NULL,
  content_length INTEGER NOT NULL,
  header BLOB NOT NULL,
  body BLOB,
  blob TEXT,
  body_length INTEGER NOT NULL,
  mail_type TEXT,
  properties TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS objects_blob ON objects (blob) WHERE blob IS NOT NULL;
CREATE INDEX IF NOT EXISTS objects_hash ON objects (hash);
CREATE TABLE IF NOT EXISTS object_keys (
  hash TEXT NOT NULL,
  public_key TEXT NOT NULL,
  object_uuid TEXT NOT NULL REFERENCES objects (uuid),
  created_at INTEGER NOT NULL,
  PRIMARY KEY (hash, public_key, object_uuid)
);
CREATE TABLE IF NOT EXISTS public_keys (
  public_key TEXT PRIMARY KEY,
  uuid TEXT NOT NULL,
  url TEXT NOT NULL,
  metadata BLOB,
  registered_by TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS mail (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  uuid TEXT NOT NULL UNIQUE,
  object_uuid TEXT NOT NULL REFERENCES objects (uuid),
  public_key TEXT NOT NULL,
  message_type TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  deliveries INTEGER NOT NULL DEFAULT 0,
  acked_at INTEGER,
  dead_at INTEGER,
  dead_reason TEXT,
  UNIQUE (object_uuid, public_key)
);
CREATE INDEX IF NOT EXISTS mail_pending ON mail (public_key, seq) WHERE acked_at IS NULL AND dead_at IS NULL;
CREATE TABLE IF NOT EXISTS replication (
  object_uuid TEXT NOT NULL REFERENCES objects (uuid),
  public_key TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  last_error TEXT,
  last_error_at INTEGER,
  replicated_at INTEGER,
  PRIMARY KEY (object_uuid, public_key)
);
CREATE INDEX IF NOT EXISTS replication_due ON replication (next_attempt_at) WHERE replicated_at IS NULL;
CREATE INDEX IF NOT EXISTS replication_key ON replication (public_key) WHERE replicated_at IS NULL;
`;

type Row = Record<string, SQLInputValue>;

/**
 * The embedded storage: SQLite (node:sqlite, WAL, synchronous=FULL) for metadata and small payloads,
 * plus content-addressed blob files for large payloads. A blob is written to `tmp/`, fsynced, renamed
 * to `blobs/<aa>/<sha256>` and its folder fsynced before the row that names it commits, so a
 * committed row never points at a partial file. Commits are grouped: every write queued in one
 * event-loop turn shares one transaction and one fsync.
 */
export function createSqliteStorage(options: SqliteStorageOptions): ObjectStorage {
  const { dataDir, logger } = options;
  const blobDir = join(dataDir, "blobs");
  const tmpDir = join(dataDir, "tmp");
  mkdirSync(blobDir, { recursive: true });
  // Whatever a crash left in tmp/ was never acknowledged.
  rmSync(tmpDir, { recursive: true, force: true });
  mkdirSync(tmpDir, { recursive: true });

  const db = new DatabaseSync(join(dataDir, "eos.sqlite"));
  db.exec(
    "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;",
  );
  db.exec(schema);

  const statements = new Map<string, StatementSync>();
  const sql: Sql = (text: string): StatementSync => {
    let statement = statements.get(text);
    if (statement === undefined) {
      statement = db.prepare(text);
      statements.set(text, statement);
    }
    return statement;
  };

  const writes = createWriteBatcher(db, logger);
  const blobs = new BlobFiles(blobDir, tmpDir);

  migrateUniqueKeys();
  sweepOrphanBlobs();

  /**
   * Objects are identified by hash, owner and audience since schema 2 (before: hash and audience, so
   * that one key's Put could land on another owner's object). Recomputes the key of older rows.
   */
  function migrateUniqueKeys(): void {
    const version = sql("SELECT value FROM meta WHERE name = 'schema.version'").get();
    if (version !== undefined && Number(Buffer.from(version.value as Uint8Array).toString()) >= 2) return;
    db.exec("BEGIN IMMEDIATE");
    try {
      const update = sql("UPDATE objects SET unique_key = ? WHERE uuid = ?");
      for (const row of sql("SELECT uuid, hash, owner, audience FROM objects").all()) {
        const audience = JSON.parse(row.audience as string) as string[];
        update.run(uniqueKeyOf(row.hash as string, row.owner as string, audience), row.uuid as string);
      }
      sql(
        "INSERT INTO meta (name, value) VALUES ('schema.version', ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
      ).run(Buffer.from("2"));
      db.exec("COMMIT");
    } catch (error) {
      db.exec("ROLLBACK");
      throw error;
    }
  }

  function sweepOrphanBlobs(): void {
    let removed = 0;
    for (const prefix of readdirSync(blobDir)) {
      for (const name of readdirSync(join(blobDir, prefix))) {
        const referenced = sql("SELECT 1 FROM objects WHERE blob = ? LIMIT 1").get(name);
        if (referenced === undefined) {
          rmSync(join(blobDir, prefix, name), { force: true });
          removed++;
        }
      }
    }
    if (removed > 0) logger.warn("storage.orphan_blobs_removed", { count: removed });
  }

  function rowToObject(row: Row): StoredObject {
    return {
      uuid: row.uuid as string,
      dimeUuid: row.dime_uuid as string,
      hash: row.hash as string,
      owner: row.owner as string,
      audience: JSON.parse(row.audience as string) as string[],
      contentLength: row.content_length as number,
      headerLength: row.header_length as number,
      bodyLength: row.body_length as number,
      blob: (row.blob as string | null) ?? undefined,
      mailType: (row.mail_type as string | null) ?? undefined,
      properties: JSON.parse(row.properties as string) as Record<string, string>,
      createdAt: row.created_at as number,
    };
  }

  const columnsOf = (alias: string) =>
    [
      "uuid",
      "dime_uuid",
      "hash",
      "owner",
      "audience",
      "content_length",
      "body_length",
      "blob",
      "mail_type",
      "properties",
      "created_at",
    ]
      .map((column) => `${alias}${column}`)
      .concat(`length(${alias}header) AS header_length`)
      .join(", ");
  const objectColumns = columnsOf("");

  function rowToKey(row: Row): KeyRecord {
    return {
      publicKey: row.public_key as string,
      uuid: row.uuid as string,
      url: row.url as string,
      metadata: (row.metadata as Uint8Array | null) ?? undefined,
      registeredBy: (row.registered_by as string | null) ?? undefined,
      createdAt: row.created_at as number,
      updatedAt: row.updated_at as number,
    };
  }

  function insertObject(object: NewObject): PutObjectResult {
    const uniqueKey = uniqueKeyOf(object.hash, object.owner, object.audience);
    const existing = sql(`SELECT ${objectColumns} FROM objects WHERE unique_key = ?`).get(uniqueKey);
    if (existing !== undefined) {
      if (!object.replace || holdsSame(existing.uuid as string, object)) return unchanged(existing);
      return replaceObject(rowToObject(existing), object);
    }
    const now = Date.now();
    const uuid = randomUUID();
    sql(
      `INSERT INTO objects (uuid, dime_uuid, hash, unique_key, owner, audience, content_length, header, body, blob, body_length, mail_type, properties, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      uuid,
      object.dimeUuid,
      object.hash,
      uniqueKey,
      object.owner,
      JSON.stringify(object.audience),
      object.contentLength,
      object.header,
      object.body.kind === "inline" ? object.body.bytes : null,
      object.body.kind === "blob" ? object.body.name : null,
      object.body.kind === "inline" ? object.body.bytes.length : object.body.size,
      object.mailType ?? null,
      JSON.stringify(object.properties),
      now,
    );
    const insertKey = sql("INSERT INTO object_keys (hash, public_key, object_uuid, created_at) VALUES (?, ?, ?, ?)");
    for (const key of object.audience) insertKey.run(object.hash, key, uuid, now);

    const mail: MailRecord[] = [];
    let replicationQueued = 0;
    for (const key of object.audience) {
      if (key === object.owner) continue;
      const registration = sql("SELECT url FROM public_keys WHERE public_key = ?").get(key);
      const isRemote = registration !== undefined && (registration.url as string) !== "";
      const isLocal = registration !== undefined && !isRemote;
      if (object.mailType !== undefined && !isRemote) {
        const mailUuid = randomUUID();
        const result = sql(
          "INSERT INTO mail (uuid, object_uuid, public_key, message_type, created_at) VALUES (?, ?, ?, ?, ?) RETURNING *",
        ).get(mailUuid, uuid, key, object.mailType, now);
        mail.push(rowToMail(result!));
      }
      if (object.replicate && !isLocal) {
        sql("INSERT INTO replication (object_uuid, public_key, created_at, next_attempt_at) VALUES (?, ?, ?, ?)").run(
          uuid,
          key,
          now,
          now,
        );
        replicationQueued++;
      }
    }
    const stored = sql(`SELECT ${objectColumns} FROM objects WHERE uuid = ?`).get(uuid)!;
    return { object: rowToObject(stored), created: true, replaced: undefined, mail, replicationQueued };
  }

  function unchanged(row: Row): PutObjectResult {
    return { object: rowToObject(row), created: false, replaced: undefined, mail: [], replicationQueued: 0 };
  }

  /**
   * Whether the stored object already holds exactly these DIME bytes (the same container, header
   * with its signature, and payload; a payload file is named by its content's hash). Storing them
   * again would change nothing: this is how the replica of mail that was also put straight into
   * this store arrives, and how a retried Put does.
   */
  function holdsSame(uuid: string, object: NewObject): boolean {
    const row = sql("SELECT dime_uuid, header, body, blob FROM objects WHERE uuid = ?").get(uuid);
    if (row === undefined || row.dime_uuid !== object.dimeUuid) return false;
    if (!Buffer.from(row.header as Uint8Array).equals(object.header)) return false;
    return object.body.kind === "blob"
      ? row.blob === object.body.name
      : row.blob === null &&
          Buffer.from((row.body as Uint8Array | null) ?? new Uint8Array(0)).equals(object.body.bytes);
  }

  /**
   * The owner stored (hash, audience) again with other bytes: the new DIME takes the old one's
   * place under the same uuid (an upload that failed verification is repaired by putting it again),
   * with no new mail, and its pushes to remote stores are queued again so that they get the new
   * bytes too.
   */
  function replaceObject(previous: StoredObject, object: NewObject): PutObjectResult {
    const now = Date.now();
    sql(
      `UPDATE objects SET dime_uuid = ?, content_length = ?, header = ?, body = ?, blob = ?, body_length = ?, properties = ?
       WHERE uuid = ?`,
    ).run(
      object.dimeUuid,
      object.contentLength,
      object.header,
      object.body.kind === "inline" ? object.body.bytes : null,
      object.body.kind === "blob" ? object.body.name : null,
      object.body.kind === "inline" ? object.body.bytes.length : object.body.size,
      JSON.stringify(object.properties),
      previous.uuid,
    );
    let replicationQueued = 0;
    if (object.replicate) {
      const requeued = sql(
        `UPDATE replication SET replicated_at = NULL, attempts = 0, next_attempt_at = ?, last_error = NULL, last_error_at = NULL
         WHERE object_uuid = ?`,
      ).run(now, previous.uuid);
      replicationQueued = Number(requeued.changes);
    }
    const stored = sql(`SELECT ${objectColumns} FROM objects WHERE uuid = ?`).get(previous.uuid)!;
    return { object: rowToObject(stored), created: false, replaced: previous, mail: [], replicationQueued };
  }

  async function* readObject(object: StoredObject, chunkSize: number): AsyncGenerator<Uint8Array> {
    // The row is read here, not taken from `object`: its owner may have replaced it since. A payload
    // file replaced between reading the row and opening the file is looked up once more.
    let row: Row | undefined;
    let handle: FileHandle | undefined;
    for (let attempt = 0; handle === undefined; attempt++) {
      row = sql("SELECT header, body, blob, body_length FROM objects WHERE uuid = ?").get(object.uuid);
      if (row === undefined) throw new EosServerError("not-found", `object ${object.uuid} is gone`);
      if (row.blob === null) break;
      try {
        handle = await open(blobs.path(row.blob as string), "r");
      } catch (cause) {
        if (attempt > 0)
          throw new EosServerError("storage-failure", `payload file of object ${object.uuid} cannot be opened`, {
            cause,
          });
      }
    }
    const header = row!.header as Uint8Array;
    const bodyLength = row!.body_length as number;
    if (handle === undefined) {
      const body = row!.body as Uint8Array | null;
      const whole = body === null ? header : concatBytes(header, body);
      for (let offset = 0; offset < whole.length; offset += chunkSize) yield whole.subarray(offset, offset + chunkSize);
      return;
    }
    try {
      // The first piece is the header followed by the start of the payload.
      let pending: Uint8Array | undefined = header;
      let position = 0;
      for (;;) {
        const want = chunkSize - (pending?.length ?? 0);
        const buffer = new Uint8Array(Math.max(want, 0));
        let filled = 0;
        while (filled < buffer.length) {
          const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, position);
          if (bytesRead === 0) break;
          filled += bytesRead;
          position += bytesRead;
        }
        const piece: Uint8Array =
          pending === undefined ? buffer.subarray(0, filled) : concatBytes(pending, buffer.subarray(0, filled));
        pending = undefined;
        if (piece.length > 0) yield piece;
        if (filled < buffer.length) break;
      }
      if (position !== bodyLength) {
        throw new EosServerError(
          "storage-failure",
          `payload file of object ${object.uuid} has ${position} bytes, expected ${bodyLength}`,
        );
      }
    } finally {
      await handle.close();
    }
  }

  const storage: ObjectStorage = {
    stageBlob: () => blobs.stageBlob(),
    async putObject(object) {
      try {
        const result = await writes.run(() => insertObject(object));
        const previousBlob = result.replaced?.blob;
        if (previousBlob !== undefined && previousBlob !== result.object.blob) await storage.releaseBlob(previousBlob);
        return result;
      } finally {
        if (object.body.kind === "blob") blobs.unpin(object.body.name);
      }
    },
    async releaseBlob(name) {
      if (blobs.isPinned(name)) return;
      if (sql("SELECT 1 FROM objects WHERE blob = ? LIMIT 1").get(name) !== undefined) return;
      await unlink(blobs.path(name)).catch(() => {});
    },
    async findObject(hash, publicKey, owner) {
      // With an owner: that owner's object only. Without: the reader's own object, else the one stored first.
      const row =
        owner === undefined
          ? sql(
              `SELECT ${columnsOf("o.")} FROM object_keys k JOIN objects o ON o.uuid = k.object_uuid
               WHERE k.hash = ? AND k.public_key = ? ORDER BY o.owner = k.public_key DESC, o.created_at, o.rowid LIMIT 1`,
            ).get(hash, publicKey)
          : sql(
              `SELECT ${columnsOf("o.")} FROM object_keys k JOIN objects o ON o.uuid = k.object_uuid
               WHERE k.hash = ? AND k.public_key = ? AND o.owner = ? LIMIT 1`,
            ).get(hash, publicKey, owner);
      return row === undefined ? undefined : rowToObject(row);
    },
    async hasHash(hash, owner) {
      return owner === undefined
        ? sql("SELECT 1 FROM objects WHERE hash = ? LIMIT 1").get(hash) !== undefined
        : sql("SELECT 1 FROM objects WHERE hash = ? AND owner = ? LIMIT 1").get(hash, owner) !== undefined;
    },
    async ownerCount(hash, publicKey) {
      const row = sql(
        `SELECT count(DISTINCT o.owner) AS n FROM object_keys k JOIN objects o ON o.uuid = k.object_uuid
         WHERE k.hash = ? AND k.public_key = ?`,
      ).get(hash, publicKey);
      return (row?.n as number | undefined) ?? 0;
    },
    async getObject(uuid) {
      const row = sql(`SELECT ${objectColumns} FROM objects WHERE uuid = ?`).get(uuid);
      return row === undefined ? undefined : rowToObject(row);
    },
    readObject,
    async getKey(publicKey) {
      const row = sql("SELECT * FROM public_keys WHERE public_key = ?").get(publicKey);
      return row === undefined ? undefined : rowToKey(row);
    },
    async localKeysWithMetadata(limit) {
      return sql(
        "SELECT * FROM public_keys WHERE url = '' AND metadata IS NOT NULL ORDER BY created_at, public_key LIMIT ?",
      )
        .all(limit)
        .map(rowToKey);
    },
    upsertKey(record) {
      return writes.run(() => {
        const now = Date.now();
        sql(
          `INSERT INTO public_keys (public_key, uuid, url, metadata, registered_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (public_key) DO UPDATE SET url = excluded.url, metadata = excluded.metadata, updated_at = excluded.updated_at`,
        ).run(
          record.publicKey,
          randomUUID(),
          record.url,
          record.metadata ?? null,
          record.registeredBy ?? null,
          now,
          now,
        );
        if (record.url === "") {
          // A key served here needs no replication: what was queued for it is already here.
          sql("UPDATE replication SET replicated_at = ? WHERE public_key = ? AND replicated_at IS NULL").run(
            now,
            record.publicKey,
          );
        } else {
          // A (new) route: try the backlog for this key now.
          sql(
            "UPDATE replication SET next_attempt_at = ?, attempts = 0 WHERE public_key = ? AND replicated_at IS NULL",
          ).run(now, record.publicKey);
        }
        return rowToKey(sql("SELECT * FROM public_keys WHERE public_key = ?").get(record.publicKey)!);
      });
    },
    ...mailQueries(sql, writes),
    ...replicationQueries(sql, writes),
    async getMeta(name) {
      const row = sql("SELECT value FROM meta WHERE name = ?").get(name);
      return row === undefined ? undefined : (row.value as Uint8Array);
    },
    setMeta(name, value) {
      return writes.run(() => {
        sql("INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value").run(
          name,
          value,
        );
      });
    },
    async healthy() {
      try {
        sql("SELECT 1").get();
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      await writes.drain();
      db.close();
    },
  };
  return storage;
}

/** The identity of an object: its hash, its owner and its sorted audience. */
function uniqueKeyOf(hash: string, owner: string, audience: readonly string[]): string {
  return createHash("sha256")
    .update(`${hash};${owner};${audience.join(";")}`)
    .digest("hex");
}
