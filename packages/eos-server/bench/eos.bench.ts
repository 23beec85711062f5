// pnpm --filter @p8e/eos-server bench
//
// Prints the store's figures, then as the last line one JSON object:
//   large_mib_s          put + get of 64 MiB objects through @p8e/eos-client and the server (a child
//                        process) on loopback: payload bytes moved (put + get) per second, client-side
//                        encryption, hashing, signing, decryption and verification included (median)
//   large_floor_mib_s    DIME encrypt + hash (and sign) of the same bytes in one process: the floor (median)
//   large_ratio          the median of the runs' large / floor ratios, each transfer run following its
//                        floor run (goal ≥ 0.6)
//   small_ops_s          put + get pairs of 1 KiB objects per second, 16 in flight, through the store's
//                        real Put and Get streams with a bearer token (objects encrypted beforehand)
//   echo_ops_s           the same pairs against a bare Connect service with the same two call shapes
//   small_ratio          small_ops_s / echo_ops_s (goal ≥ 0.5)
//   put_1gib_rss_growth_mib  peak server RSS growth while one 1 GiB object is put (goal < 64)
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { createEosClient, putRequests, WindowedSessionManager } from "@p8e/eos-client";
import { encryptDime, encryptDimeBytes, generateKeyPair } from "@p8e/hashing-crypto";
import { ObjectService } from "@p8e/spec-model/objectstore";
import { spawnServer } from "../src/testdata/child-server.js";
import { pseudoRandomBytes, tokenFor } from "../src/testdata/harness.js";

const MiB = 1024 * 1024;
/** Interleaved floor and transfer runs of the large-object figures. */
const LARGE_RUNS = 7;
const benchDir = dirname(fileURLToPath(import.meta.url));
const figures: Record<string, number> = {};
const round = (n: number) => Math.round(n * 100) / 100;

function report(name: string, value: number, unit: string): void {
  figures[name] = round(value);
  console.log(`${name.padEnd(26)} ${round(value).toString().padStart(10)} ${unit}`);
}

async function* blocks(total: number, seed: number): AsyncGenerator<Uint8Array> {
  const block = pseudoRandomBytes(MiB, seed);
  for (let i = 0; i < total / MiB; i++) {
    block[0] = i & 0xff;
    block[1] = (i >> 8) & 0xff;
    yield block;
  }
}

/** Seconds to DIME-encrypt, hash and sign `size` bytes in this process: the floor of one transfer. */
async function floorRun(keys: ReturnType<typeof generateKeyPair>, size: number, seed: number): Promise<number> {
  const start = performance.now();
  const dime = encryptDime(blocks(size, seed), { owner: keys.publicKey, signer: keys });
  for await (const _ of dime.stream) {
  }
  await dime.result;
  return (performance.now() - start) / 1000;
}

/** Seconds to put `size` bytes through the client and the store, then get them back, decrypted and verified. */
async function pairRun(client: ReturnType<typeof createEosClient>, size: number, seed: number): Promise<number> {
  const start = performance.now();
  const put = await client.put(blocks(size, seed), { contentLength: size });
  const stream = await client.getStream(put.hash);
  for await (const _ of stream.plaintext) {
  }
  await stream.verified;
  return (performance.now() - start) / 1000;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Put + get pairs per second, `concurrency` in flight, for `seconds`. */
async function pairs(
  url: string,
  token: string | undefined,
  dimes: Array<Awaited<ReturnType<typeof encryptDimeBytes>>>,
  publicKey: Uint8Array,
  seconds: number,
  concurrency: number,
): Promise<number> {
  // The same transport settings as @p8e/eos-client (windows, no Nagle delay), for the store and the echo alike.
  const transport = createGrpcTransport({
    baseUrl: url,
    acceptCompression: [],
    sessionManager: new WindowedSessionManager(url, {}),
  });
  const objects = createClient(ObjectService, transport);
  const headers = token === undefined ? {} : { authorization: `Bearer ${token}` };
  let next = 0;
  let done = 0;
  const deadline = performance.now() + seconds * 1000;
  const worker = async () => {
    while (performance.now() < deadline) {
      const dime = dimes[next++ % dimes.length]!;
      const properties: Array<[string, Uint8Array]> = [
        ["HASH", dime.hash],
        ["SIGNATURE", dime.signature!],
        ["SIGNATURE_PUBLIC_KEY", new TextEncoder().encode(dime.signerPem!)],
      ];
      await objects.put(
        putRequests([dime.bytes], BigInt(dime.plaintextLength), async () => ({ properties })),
        { headers },
      );
      for await (const _ of objects.get({ hash: dime.hash, publicKey }, { headers })) {
      }
      done++;
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return done / ((performance.now() - start) / 1000);
}

function spawnEcho(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    ["--conditions", "@p8e/source", "--import", "tsx", join(benchDir, "echo-server.ts")],
    {
      cwd: join(benchDir, ".."),
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  return new Promise((resolve, reject) => {
    child.stdout!.once("data", (chunk: Buffer) =>
      resolve({ url: (JSON.parse(chunk.toString()) as { url: string }).url, child }),
    );
    child.once("exit", (code) => reject(new Error(`echo server exited with ${code}`)));
  });
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "eos-bench-"));
  try {
    console.log(`EOS bench on ${process.version}, ${process.arch}`);
    // Large objects: floor and transfer runs interleaved, so each ratio compares runs under the same
    // conditions on this shared machine, after one warm-up of each (JIT, crypto worker, connection).
    const size = 64 * MiB;
    const floorKeys = generateKeyPair();
    let server = await spawnServer({ EOS_DATA_DIR: join(dir, "large") });
    const largeClient = createEosClient({ baseUrl: server.url, keys: { encryption: generateKeyPair() } });
    await floorRun(floorKeys, size, 1);
    await pairRun(largeClient, size, 1);
    const floors: number[] = [];
    const transfers: number[] = [];
    const ratios: number[] = [];
    for (let run = 0; run < LARGE_RUNS; run++) {
      const floor = size / MiB / (await floorRun(floorKeys, size, 2 + run));
      const transfer = (2 * size) / MiB / (await pairRun(largeClient, size, 2 + run));
      floors.push(floor);
      transfers.push(transfer);
      ratios.push(transfer / floor);
      console.log(
        `  run ${run + 1}: floor ${round(floor)} MiB/s, put + get ${round(transfer)} MiB/s, ratio ${round(transfer / floor)}`,
      );
    }
    largeClient.close();
    report("large_floor_mib_s", median(floors), "MiB/s  DIME encrypt + hash + sign, one process (median)");
    report("large_mib_s", median(transfers), "MiB/s  put + get of 64 MiB, client + server on loopback (median)");
    report("large_ratio", median(ratios), "median of the runs' ratios");
    await server.stop();

    // Small objects: the store against a bare service with the same call shapes.
    const keys = generateKeyPair();
    const dimes = [];
    for (let i = 0; i < 4000; i++) {
      dimes.push(await encryptDimeBytes(pseudoRandomBytes(1024, i + 1), { owner: keys.publicKey, signer: keys }));
    }
    const echo = await spawnEcho();
    await pairs(echo.url, undefined, dimes, keys.publicKey, 0.5, 16);
    const echoOps = await pairs(echo.url, undefined, dimes, keys.publicKey, 5, 16);
    report("echo_ops_s", echoOps, "pairs/s  bare Connect service, same call shapes, 16 in flight");
    echo.child.kill("SIGTERM");
    server = await spawnServer({ EOS_DATA_DIR: join(dir, "small") });
    const token = await tokenFor(server.url, keys);
    await pairs(server.url, token, dimes.slice(0, 200), keys.publicKey, 0.5, 16);
    const smallOps = await pairs(server.url, token, dimes, keys.publicKey, 5, 16);
    report("small_ops_s", smallOps, "pairs/s  store Put + Get of 1 KiB, 16 in flight");
    report("small_ratio", smallOps / echoOps, "");
    await server.stop();

    // Memory of a 1 GiB put.
    server = await spawnServer({ EOS_DATA_DIR: join(dir, "gib") });
    const client = createEosClient({ baseUrl: server.url, keys: { encryption: generateKeyPair() } });
    await client.put(pseudoRandomBytes(4 * MiB, 9));
    const baseline = server.rss();
    const peakBefore = server.peakRss();
    let peak = baseline;
    const sampler = setInterval(() => {
      peak = Math.max(peak, server.rss());
    }, 20);
    const started = performance.now();
    await client.put(blocks(1024 * MiB, 77), { contentLength: 1024 * MiB });
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    const peakAfter = server.peakRss();
    if (peakAfter > peakBefore) peak = Math.max(peak, peakAfter);
    client.close();
    await server.stop();
    report("put_1gib_seconds", seconds, "s");
    report("put_1gib_rss_growth_mib", (peak - baseline) / MiB, "MiB  server peak RSS growth during the put");
    console.log(
      JSON.stringify({
        large_mib_s: figures.large_mib_s,
        large_floor_mib_s: figures.large_floor_mib_s,
        large_ratio: figures.large_ratio,
        small_ops_s: figures.small_ops_s,
        echo_ops_s: figures.echo_ops_s,
        small_ratio: figures.small_ratio,
        put_1gib_rss_growth_mib: figures.put_1gib_rss_growth_mib,
      }),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof ConnectError ? `${Code[error.code]}: ${error.message}` : error);
  process.exit(1);
});
