// Envelopes per second memorialized end to end against a devnet in instant mode: for every
// envelope, reading the chain's view of its scope, checking its signature, building its Msgs, then
// per transaction simulating the fee, signing, broadcast_tx_sync and waiting until it is included.
// The envelopes themselves (engine output) are built before the clock starts.
//
//   pnpm --filter @p8e/memorializer bench [-- --envelopes 400 --batch-size 25]
//
// The last line is a JSON object {"memorialize_envelopes_s": …, …}.
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import { createDevnet, DEV_MNEMONICS } from "@p8e/devnet";
import { keyPairFromMnemonic, publicKeyToAddress } from "@p8e/hashing-crypto";
import { createMemorializer } from "../src/index.js";
import { benchEnvelope, benchSpecifications } from "./bench-contract.js";

/** What one measurement found. */
export interface MemorializationFigures {
  readonly envelopes: number;
  readonly batchSize: number;
  readonly transactions: number;
  readonly msgs: number;
  readonly seconds: number;
  readonly envelopesPerSecond: number;
}

/**
 * Memorializes `envelopes` new envelopes of a hello-world-shaped contract (scope, session and record
 * each) through the RPC at `rpcUrl`, signed by `mnemonic`, and times it. The contract's
 * specifications are published first (untimed) if the chain lacks them.
 */
export async function measureMemorialization(options: {
  readonly rpcUrl: string;
  readonly mnemonic: string;
  readonly envelopes: number;
  readonly batchSize: number;
}): Promise<MemorializationFigures> {
  const invoker = keyPairFromMnemonic(options.mnemonic);
  const chain = benchSpecifications(publicKeyToAddress(invoker.publicKey));
  const memorializer = await createMemorializer({
    rpcUrl: options.rpcUrl,
    mnemonic: options.mnemonic,
    batchSize: options.batchSize,
  });
  try {
    await memorializer.publishSpecifications(chain);
    const envelopes = Array.from({ length: options.envelopes }, (_, i) =>
      benchEnvelope(invoker, randomUUID(), randomUUID(), `name ${i}`),
    );
    const started = performance.now();
    const result = await memorializer.memorialize(envelopes);
    const seconds = (performance.now() - started) / 1000;
    const failed = result.outcomes.filter((o) => o.status !== "memorialized");
    if (failed.length > 0) throw new Error(`${failed.length} envelopes not memorialized: ${failed[0]?.error?.message}`);
    return {
      envelopes: options.envelopes,
      batchSize: options.batchSize,
      transactions: result.transactions.length,
      msgs: result.transactions.reduce((n, t) => n + t.msgTypes.length, 0),
      seconds,
      envelopesPerSecond: options.envelopes / seconds,
    };
  } finally {
    memorializer.close();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { envelopes: { type: "string", default: "300" }, "batch-size": { type: "string", default: "25" } },
  });
  const envelopes = Number(values.envelopes);
  const batchSize = Number(values["batch-size"]);
  const devnet = createDevnet({ instant: true });
  await devnet.start();
  try {
    const rpcUrl = devnet.url;
    // Warm-up: JIT, connections, specifications.
    await measureMemorialization({ rpcUrl, mnemonic: DEV_MNEMONICS.alice, envelopes: 20, batchSize });
    const batched = await measureMemorialization({ rpcUrl, mnemonic: DEV_MNEMONICS.alice, envelopes, batchSize });
    const single = await measureMemorialization({
      rpcUrl,
      mnemonic: DEV_MNEMONICS.alice,
      envelopes: Math.min(envelopes, 100),
      batchSize: 3,
    });
    for (const f of [batched, single]) {
      console.log(
        `memorialize: ${f.envelopes} envelopes in ${f.transactions} txs (${f.msgs} Msgs, batch ${f.batchSize}): ` +
          `${f.seconds.toFixed(2)} s, ${f.envelopesPerSecond.toFixed(1)} envelopes/s`,
      );
    }
    console.log(
      JSON.stringify({
        memorialize_envelopes_s: Number(batched.envelopesPerSecond.toFixed(1)),
        memorialize_envelopes_s_one_per_tx: Number(single.envelopesPerSecond.toFixed(1)),
      }),
    );
  } finally {
    await devnet.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
