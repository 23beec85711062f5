// Benchmark of the devnet: record writes (MsgWriteRecordRequest) applied per second in instant mode,
// on a ledger kept on disk. Prints its figures and, as the last line, the JSON summary the project
// collects: {"record_msgs_s": …, "memorialize_envelopes_s": …}.
//
//   pnpm --filter @p8e/devnet bench
//
// Two paths are measured with the same pre-signed txs (signing is the client's work, not the ledger's):
//   - "rpc": broadcast_tx_sync over HTTP JSON-RPC (CheckTx, then the block with the tx is committed
//     before the answer) — what a client such as the memorializer sees; this is record_msgs_s;
//   - "in-process": Devnet.broadcastTx, the same CheckTx + block path without HTTP and JSON.

import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Comet38Client } from "@cosmjs/tendermint-rpc";
import { createDevnet, type Devnet } from "../src/index.js";
import {
  contractSpecMsg,
  devAccount,
  party,
  recordMsg,
  recordSpecMsg,
  scopeMsg,
  scopeSpecMsg,
  sessionMsg,
  signTx,
  type TestAccount,
} from "../src/testdata/fixtures.js";

const SCOPES = Number(process.env.BENCH_SCOPES ?? 1000);
const RECORDS_PER_TX = Number(process.env.BENCH_RECORDS_PER_TX ?? 100);
const PASSES = Number(process.env.BENCH_PASSES ?? 2);

interface Figure {
  readonly path: string;
  readonly records: number;
  readonly txs: number;
  readonly seconds: number;
  readonly cpuSeconds: number;
  readonly perSecond: number;
}

/** Sets up specs and SCOPES scopes with one session each; returns the (scope, session) pairs. */
async function setUp(devnet: Devnet, alice: TestAccount, sequence: { next: number }): Promise<[string, string][]> {
  const submit = async (messages: Parameters<typeof signTx>[2]) => {
    const tx = await signTx(
      devnet.chainId,
      [{ account: alice, accountNumber: 0, sequence: sequence.next++ }],
      messages,
      {
        fee: { amount: "100000000000000" },
      },
    );
    const outcome = await devnet.broadcastTx(tx);
    if (outcome.txResult?.code !== 0)
      throw new Error(`setup failed: ${outcome.checkTx.log} ${outcome.txResult?.log ?? ""}`);
  };
  await submit([contractSpecMsg(alice.address), recordSpecMsg(alice.address), scopeSpecMsg(alice.address)]);
  const pairs: [string, string][] = Array.from({ length: SCOPES }, () => [randomUUID(), randomUUID()]);
  for (let i = 0; i < pairs.length; i += 50) {
    const batch = pairs.slice(i, i + 50);
    await submit(
      batch.flatMap(([scope, session]) => [
        scopeMsg(scope, [party(alice.address)], [alice.address]),
        sessionMsg(scope, session, [party(alice.address)], [alice.address]),
      ]),
    );
  }
  return pairs;
}

/** Pre-signs the record txs: PASSES writes of one record per scope, RECORDS_PER_TX per tx. */
async function signRecordTxs(
  devnet: Devnet,
  alice: TestAccount,
  pairs: [string, string][],
  sequence: { next: number },
) {
  const txs: Uint8Array[] = [];
  for (let pass = 0; pass < PASSES; pass++) {
    for (let i = 0; i < pairs.length; i += RECORDS_PER_TX) {
      const messages = pairs
        .slice(i, i + RECORDS_PER_TX)
        .map(([scope, session]) =>
          recordMsg(scope, session, [alice.address], { outputs: [{ hash: `pass-${pass}-${scope}`, status: 1 }] }),
        );
      txs.push(
        await signTx(devnet.chainId, [{ account: alice, accountNumber: 0, sequence: sequence.next++ }], messages, {
          fee: { amount: "100000000000000", gas: 4_000_000 },
        }),
      );
    }
  }
  return txs;
}

async function measure(path: "rpc" | "in-process"): Promise<Figure> {
  const dir = await mkdtemp(join(tmpdir(), "p8e-devnet-bench-"));
  const devnet = createDevnet({ instant: true, dataDir: dir });
  await devnet.start();
  try {
    const alice = await devAccount("alice");
    const sequence = { next: 0 };
    const pairs = await setUp(devnet, alice, sequence);
    const txs = await signRecordTxs(devnet, alice, pairs, sequence);
    const records = pairs.length * PASSES;
    const client = path === "rpc" ? await Comet38Client.connect(devnet.url) : undefined;
    const cpu = process.cpuUsage();
    const started = performance.now();
    for (const tx of txs) {
      const code =
        client === undefined
          ? (await devnet.broadcastTx(tx)).txResult?.code
          : (await client.broadcastTxSync({ tx })).code;
      if (code !== 0) throw new Error(`a record tx failed with code ${code}`);
    }
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    const cpuSeconds = (used.user + used.system) / 1e6;
    client?.disconnect();
    return { path, records, txs: txs.length, seconds, cpuSeconds, perSecond: records / seconds };
  } finally {
    await devnet.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

function print(figure: Figure): void {
  console.log(
    `record writes, ${figure.path.padEnd(10)}: ${figure.records} records in ${figure.txs} txs of ${RECORDS_PER_TX} in ${figure.seconds.toFixed(2)} s = ${Math.round(figure.perSecond)} records/s (${(figure.txs / figure.seconds).toFixed(1)} txs/s; ${figure.cpuSeconds.toFixed(2)} s of CPU, ${Math.round(figure.records / figure.cpuSeconds)} records per CPU second)`,
  );
}

/** The devnet's figures, keyed as in the summary line. */
export async function devnetFigures(): Promise<{ record_msgs_s: number }> {
  console.log(
    `devnet bench: ${SCOPES} scopes, ${PASSES} record writes each, ${RECORDS_PER_TX} MsgWriteRecordRequest per tx, instant mode, ledger on disk`,
  );
  const inProcess = await measure("in-process");
  print(inProcess);
  const rpc = await measure("rpc");
  print(rpc);
  return { record_msgs_s: Math.round(rpc.perSecond) };
}

// Envelopes memorialized end to end per second comes from @p8e/memorializer's own bench, run as a
// child process: the memorializer depends on the devnet, so the devnet cannot import it.
function memorializerFigure(): number {
  const packageDir = fileURLToPath(new URL("../../memorializer/", import.meta.url));
  const tsx = fileURLToPath(new URL("../node_modules/.bin/tsx", import.meta.url));
  console.log("memorializer bench (child process):");
  const child = spawnSync(tsx, ["--conditions", "@p8e/source", "bench/memorialize.bench.ts"], {
    cwd: packageDir,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  process.stdout.write(child.stdout ?? "");
  const lastLine = (child.stdout ?? "").trim().split("\n").at(-1) ?? "";
  if (child.status !== 0) throw new Error(`the memorializer bench exited with ${child.status}`);
  const figure = (JSON.parse(lastLine) as { memorialize_envelopes_s?: unknown }).memorialize_envelopes_s;
  if (typeof figure !== "number") throw new Error(`the memorializer bench printed no figure: ${lastLine}`);
  return figure;
}

const figures = {
  ...(await devnetFigures()),
  memorialize_envelopes_s: memorializerFigure(),
};
console.log(JSON.stringify(figures));
