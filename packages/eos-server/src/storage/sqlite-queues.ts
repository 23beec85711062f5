import type { SQLInputValue, StatementSync } from "node:sqlite";
import type { AckOutcome, MailRecord, ObjectStorage, ReplicationJob, ReplicationStatus } from "./object-storage.js";
import type { createWriteBatcher } from "./write-batcher.js";

/** A cached prepared statement by its text. */
export type Sql = (text: string) => StatementSync;
type Row = Record<string, SQLInputValue>;
type Writes = ReturnType<typeof createWriteBatcher>;

export function rowToMail(row: Row): MailRecord {
  return {
    seq: row.seq as number,
    uuid: row.uuid as string,
    objectUuid: row.object_uuid as string,
    publicKey: row.public_key as string,
    messageType: row.message_type as string,
    createdAt: row.created_at as number,
    deliveries: row.deliveries as number,
    ackedAt: (row.acked_at as number | null) ?? undefined,
    deadAt: (row.dead_at as number | null) ?? undefined,
    deadReason: (row.dead_reason as string | null) ?? undefined,
  };
}

/** The mailbox part of the SQLite storage. */
export function mailQueries(
  sql: Sql,
  writes: Writes,
): Pick<
  ObjectStorage,
  "pendingMail" | "markDelivered" | "getMail" | "ackMail" | "deadMail" | "requeueMail" | "deadMailFor" | "mailCounts"
> {
  return {
    async pendingMail(publicKey, limit, afterSeq = 0) {
      return sql(
        "SELECT * FROM mail WHERE public_key = ? AND acked_at IS NULL AND dead_at IS NULL AND seq > ? ORDER BY seq LIMIT ?",
      )
        .all(publicKey, afterSeq, limit)
        .map(rowToMail);
    },
    markDelivered(uuids) {
      if (uuids.length === 0) return Promise.resolve();
      return writes.run(() => {
        const update = sql("UPDATE mail SET deliveries = deliveries + 1 WHERE uuid = ?");
        for (const uuid of uuids) update.run(uuid);
      });
    },
    async getMail(uuid) {
      const row = sql("SELECT * FROM mail WHERE uuid = ?").get(uuid);
      return row === undefined ? undefined : rowToMail(row);
    },
    ackMail(uuid, keys) {
      return writes.run((): AckOutcome => {
        const row = sql("SELECT public_key, acked_at FROM mail WHERE uuid = ?").get(uuid);
        if (row === undefined || (keys !== undefined && !keys.includes(row.public_key as string))) return "not-found";
        if (row.acked_at !== null) return "already-acked";
        sql("UPDATE mail SET acked_at = ? WHERE uuid = ?").run(Date.now(), uuid);
        return "acked";
      });
    },
    deadMail(uuid, reason) {
      return writes.run(() => {
        sql("UPDATE mail SET dead_at = ?, dead_reason = ? WHERE uuid = ? AND acked_at IS NULL").run(
          Date.now(),
          reason,
          uuid,
        );
      });
    },
    requeueMail(uuid) {
      return writes.run(() => {
        sql("UPDATE mail SET dead_at = NULL, dead_reason = NULL WHERE uuid = ?").run(uuid);
      });
    },
    async deadMailFor(publicKey, limit) {
      return sql(
        "SELECT * FROM mail WHERE public_key = ? AND dead_at IS NOT NULL AND acked_at IS NULL ORDER BY seq LIMIT ?",
      )
        .all(publicKey, limit)
        .map(rowToMail);
    },
    async mailCounts(publicKey) {
      const row = sql(
        `SELECT count(*) FILTER (WHERE dead_at IS NULL) AS pending, count(*) FILTER (WHERE dead_at IS NOT NULL) AS dead
         FROM mail WHERE public_key = ? AND acked_at IS NULL`,
      ).get(publicKey);
      return { pending: Number(row?.pending ?? 0), dead: Number(row?.dead ?? 0) };
    },
  };
}

/** The replication queue part of the SQLite storage. */
export function replicationQueries(
  sql: Sql,
  writes: Writes,
): Pick<
  ObjectStorage,
  | "dueReplications"
  | "replicationSucceeded"
  | "replicationFailed"
  | "nextReplicationAt"
  | "replicationStatus"
  | "retryReplicationsTo"
> {
  return {
    async dueReplications(now, limit) {
      return sql(
        `SELECT r.object_uuid, r.public_key, r.attempts, k.url FROM replication r JOIN public_keys k ON k.public_key = r.public_key
         WHERE r.replicated_at IS NULL AND r.next_attempt_at <= ? AND k.url <> '' ORDER BY r.next_attempt_at, r.created_at LIMIT ?`,
      )
        .all(now, limit)
        .map(
          (row): ReplicationJob => ({
            objectUuid: row.object_uuid as string,
            publicKey: row.public_key as string,
            url: row.url as string,
            attempts: row.attempts as number,
          }),
        );
    },
    replicationSucceeded(objectUuid, publicKey) {
      return writes.run(() => {
        sql(
          "UPDATE replication SET replicated_at = ?, attempts = attempts + 1 WHERE object_uuid = ? AND public_key = ?",
        ).run(Date.now(), objectUuid, publicKey);
      });
    },
    replicationFailed(objectUuid, publicKey, error, nextAttemptAt) {
      return writes.run(() => {
        sql(
          `UPDATE replication SET attempts = attempts + 1, last_error = ?, last_error_at = ?, next_attempt_at = ?
           WHERE object_uuid = ? AND public_key = ? AND replicated_at IS NULL`,
        ).run(error, Date.now(), nextAttemptAt, objectUuid, publicKey);
      });
    },
    async nextReplicationAt() {
      const row = sql(
        `SELECT min(r.next_attempt_at) AS next FROM replication r JOIN public_keys k ON k.public_key = r.public_key
         WHERE r.replicated_at IS NULL AND k.url <> ''`,
      ).get();
      return (row?.next as number | null) ?? undefined;
    },
    async replicationStatus(): Promise<ReplicationStatus> {
      const remotes = sql(
        `SELECT k.public_key, k.url,
           (SELECT count(*) FROM replication r WHERE r.public_key = k.public_key AND r.replicated_at IS NULL) AS pending,
           (SELECT count(*) FROM replication r WHERE r.public_key = k.public_key AND r.replicated_at IS NOT NULL) AS replicated,
           (SELECT max(attempts) FROM replication r WHERE r.public_key = k.public_key AND r.replicated_at IS NULL) AS attempts,
           (SELECT last_error FROM replication r WHERE r.public_key = k.public_key AND r.replicated_at IS NULL AND r.last_error IS NOT NULL
              ORDER BY r.last_error_at DESC LIMIT 1) AS last_error,
           (SELECT max(last_error_at) FROM replication r WHERE r.public_key = k.public_key AND r.replicated_at IS NULL) AS last_error_at,
           (SELECT min(next_attempt_at) FROM replication r WHERE r.public_key = k.public_key AND r.replicated_at IS NULL) AS next_attempt_at
         FROM public_keys k WHERE k.url <> '' ORDER BY k.public_key`,
      )
        .all()
        .map((row) => ({
          publicKey: row.public_key as string,
          url: row.url as string,
          pending: row.pending as number,
          replicated: row.replicated as number,
          attempts: (row.attempts as number | null) ?? 0,
          lastError: (row.last_error as string | null) ?? undefined,
          lastErrorAt: (row.last_error_at as number | null) ?? undefined,
          nextAttemptAt: (row.next_attempt_at as number | null) ?? undefined,
        }));
      const unrouted = sql(
        `SELECT count(*) AS n FROM replication r LEFT JOIN public_keys k ON k.public_key = r.public_key
         WHERE r.replicated_at IS NULL AND k.public_key IS NULL`,
      ).get();
      const unroutedKeys = sql(
        `SELECT r.public_key AS public_key, count(*) AS n FROM replication r LEFT JOIN public_keys k ON k.public_key = r.public_key
         WHERE r.replicated_at IS NULL AND k.public_key IS NULL GROUP BY r.public_key ORDER BY r.public_key`,
      )
        .all()
        .map((row) => ({ publicKey: row.public_key as string, pending: row.n as number }));
      return { remotes, unrouted: (unrouted?.n as number) ?? 0, unroutedKeys };
    },
    retryReplicationsTo(url, now) {
      return writes.run(() => {
        const result = sql(
          `UPDATE replication SET next_attempt_at = ?, attempts = 0
           WHERE replicated_at IS NULL AND next_attempt_at > ? AND public_key IN (SELECT public_key FROM public_keys WHERE url = ?)`,
        ).run(now, now, url);
        return Number(result.changes);
      });
    },
  };
}
