// Prometheus metrics with prom-client, on one registry per environment (several may share a process).
import { statfs } from "node:fs/promises";
import { envelopeStatuses } from "@p8e/engine";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/** The environment's metrics. */
export interface NodeEnvMetrics {
  readonly registry: Registry;
  /** Executions by result: signed, needs-signatures, failed. */
  readonly executions: Counter<"result">;
  /** Sandbox fuel used per execution, in ticks. */
  readonly fuel: Histogram;
  /** Envelopes memorialized, by the chain's outcome: memorialized, already-memorialized, failed. */
  readonly broadcasts: Counter<"result">;
  /** Envelopes the environment holds, by state; filled from `countEnvelopesFrom`'s source when scraped. */
  readonly envelopes: Gauge<"status">;
  /** Sets where the envelope gauge reads the envelopes from (the party's list()). */
  countEnvelopesFrom(source: () => Promise<readonly { readonly status: string }[]>): void;
  /** Pushes the party's object store still owes remote stores (and keys no store is known for yet), read when scraped. */
  readonly replicationBacklog: Gauge<"remote">;
  /** Sets where the replication gauge reads from (the store's replication status). */
  countReplicationFrom(
    source: () => Promise<{
      readonly remotes: readonly { readonly url: string; readonly pending: number }[];
      readonly unrouted: number;
    }>,
  ): void;
  /** The party's unacked mail on its store (state pending or dead), read when scraped. */
  readonly mailboxDepth: Gauge<"state">;
  /** Sets where the mailbox gauge reads from (the store's GetMailboxStatus). */
  countMailboxFrom(source: () => Promise<{ readonly pending: number; readonly dead: number }>): void;
  /** Configured peers by state (waiting, found), read when scraped. */
  readonly peers: Gauge<"state">;
  /** Sets where the peers gauge reads from (the peer discovery's status). */
  countPeersFrom(source: () => readonly { readonly state: string }[]): void;
  /** Objects and bytes this party put into the object store (contracts, inputs, outputs, envelopes). */
  readonly eosObjects: Counter;
  readonly eosBytes: Counter;
}

/** Creates the metrics; `dataDir` adds the free bytes of its file system. */
export function createMetrics(options: { readonly dataDir?: string } = {}): NodeEnvMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "p8e_node_" });
  const { dataDir } = options;
  if (dataDir !== undefined) {
    new Gauge({
      name: "p8e_data_dir_free_bytes",
      help: "Free bytes on the file system of the data folder",
      registers: [registry],
      async collect() {
        const fs = await statfs(dataDir);
        this.set(fs.bavail * fs.bsize);
      },
    });
  }
  let envelopeSource: (() => Promise<readonly { readonly status: string }[]>) | undefined;
  let replicationSource: Parameters<NodeEnvMetrics["countReplicationFrom"]>[0] | undefined;
  let mailboxSource: Parameters<NodeEnvMetrics["countMailboxFrom"]>[0] | undefined;
  let peerSource: Parameters<NodeEnvMetrics["countPeersFrom"]>[0] | undefined;
  return {
    registry,
    countEnvelopesFrom(source) {
      envelopeSource = source;
    },
    countReplicationFrom(source) {
      replicationSource = source;
    },
    countMailboxFrom(source) {
      mailboxSource = source;
    },
    countPeersFrom(source) {
      peerSource = source;
    },
    mailboxDepth: new Gauge({
      name: "p8e_mailbox_depth",
      help: "Mail for this party on its object store not yet acked: pending (to process) or dead (set aside)",
      labelNames: ["state"],
      registers: [registry],
      async collect() {
        if (mailboxSource === undefined) return;
        this.reset();
        // A store that does not answer leaves the gauge empty rather than failing every other metric.
        const status = await mailboxSource().catch(() => undefined);
        if (status === undefined) return;
        this.set({ state: "pending" }, status.pending);
        this.set({ state: "dead" }, status.dead);
      },
    }),
    peers: new Gauge({
      name: "p8e_peers",
      help: "Other parties' environments configured (P8E_PEERS), by state: waiting or found",
      labelNames: ["state"],
      registers: [registry],
      collect() {
        if (peerSource === undefined) return;
        const counts = new Map([
          ["waiting", 0],
          ["found", 0],
        ]);
        for (const { state } of peerSource()) counts.set(state, (counts.get(state) ?? 0) + 1);
        for (const [state, count] of counts) this.set({ state }, count);
      },
    }),
    replicationBacklog: new Gauge({
      name: "p8e_eos_replication_backlog",
      help: "Objects the party's object store still has to push, by remote store URL ('unrouted': keys no store is known for yet)",
      labelNames: ["remote"],
      registers: [registry],
      async collect() {
        if (replicationSource === undefined) return;
        this.reset();
        // The store answers only its members (keys registered there) and admins; without an
        // answer the gauge stays empty rather than failing every other metric.
        const status = await replicationSource().catch(() => undefined);
        if (status === undefined) return;
        const byRemote = new Map<string, number>();
        for (const remote of status.remotes) byRemote.set(remote.url, (byRemote.get(remote.url) ?? 0) + remote.pending);
        for (const [remote, pending] of byRemote) this.set({ remote }, pending);
        this.set({ remote: "unrouted" }, status.unrouted);
      },
    }),
    executions: new Counter({
      name: "p8e_executions_total",
      help: "Contract executions by result (signed, needs-signatures, failed)",
      labelNames: ["result"],
      registers: [registry],
    }),
    fuel: new Histogram({
      name: "p8e_sandbox_fuel_ticks",
      help: "Sandbox fuel one execution used, in ticks",
      buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 5000, 20000],
      registers: [registry],
    }),
    broadcasts: new Counter({
      name: "p8e_chain_broadcasts_total",
      help: "Envelopes sent to the chain, by outcome (memorialized, already-memorialized, failed)",
      labelNames: ["result"],
      registers: [registry],
    }),
    envelopes: new Gauge({
      name: "p8e_envelopes",
      help: "Envelopes this environment holds, by state",
      labelNames: ["status"],
      registers: [registry],
      async collect() {
        if (envelopeSource === undefined) return;
        const counts = new Map<string, number>(envelopeStatuses.map((status) => [status, 0]));
        for (const { status } of await envelopeSource()) counts.set(status, (counts.get(status) ?? 0) + 1);
        for (const [status, count] of counts) this.set({ status }, count);
      },
    }),
    eosObjects: new Counter({
      name: "p8e_eos_put_objects_total",
      help: "Objects this party put into its object store",
      registers: [registry],
    }),
    eosBytes: new Counter({
      name: "p8e_eos_put_bytes_total",
      help: "Plaintext bytes this party put into its object store",
      registers: [registry],
    }),
  };
}
