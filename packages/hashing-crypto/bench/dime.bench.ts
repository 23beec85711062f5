/**
 * DIME encryption throughput against its floor: `encryptDime` (AES-256-GCM payload + SHA-256 of the
 * plaintext, no signer) versus plain node:crypto AES-256-GCM + SHA-256 over the same 64 MiB in 1 MiB
 * updates. Runs are interleaved after a warm-up; the JSON on the last line uses the best run of each
 * (the least disturbed by other work on the machine), and the medians are printed above it.
 */

import { createCipheriv, createHash, randomBytes, randomFillSync } from "node:crypto";
import { encryptDime, generateKeyPair } from "@p8e/hashing-crypto";

const MiB = 1024 * 1024;
const SIZE = 64 * MiB;
const WARMUP = 2;
const RUNS = 15;

const data = randomFillSync(new Uint8Array(SIZE));
const owner = generateKeyPair();

function floor(): number {
  const start = performance.now();
  const cipher = createCipheriv("aes-256-gcm", randomBytes(32), randomBytes(12));
  const hash = createHash("sha256");
  let out = 0;
  for (let offset = 0; offset < SIZE; offset += MiB) {
    const chunk = data.subarray(offset, offset + MiB);
    hash.update(chunk);
    out += cipher.update(chunk).length;
  }
  cipher.final();
  out += cipher.getAuthTag().length + hash.digest().length;
  if (out < SIZE) throw new Error("floor: short output");
  return performance.now() - start;
}

async function dime(): Promise<number> {
  const start = performance.now();
  const encrypted = encryptDime(data, { owner: owner.publicKey });
  let out = 0;
  for await (const chunk of encrypted.stream) out += chunk.length;
  const result = await encrypted.result;
  if (out !== result.dimeLength) throw new Error("dime: length mismatch");
  return performance.now() - start;
}

const mibPerSecond = (ms: number) => SIZE / MiB / (ms / 1000);
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

for (let i = 0; i < WARMUP; i++) {
  floor();
  await dime();
}
const floorTimes: number[] = [];
const dimeTimes: number[] = [];
for (let i = 0; i < RUNS; i++) {
  floorTimes.push(floor());
  dimeTimes.push(await dime());
}

const floorMedian = mibPerSecond(median(floorTimes));
const dimeMedian = mibPerSecond(median(dimeTimes));
const floorBest = mibPerSecond(Math.min(...floorTimes));
const dimeBest = mibPerSecond(Math.min(...dimeTimes));
console.log(`node ${process.version}, ${SIZE / MiB} MiB, ${RUNS} interleaved runs after ${WARMUP} warm-up runs`);
console.log(
  `floor (AES-256-GCM + SHA-256): median ${floorMedian.toFixed(0)} MiB/s, best ${floorBest.toFixed(0)} MiB/s`,
);
console.log(`encryptDime (no signer):       median ${dimeMedian.toFixed(0)} MiB/s, best ${dimeBest.toFixed(0)} MiB/s`);
console.log(`median ratio ${(dimeMedian / floorMedian).toFixed(3)}; the JSON below uses the best runs`);
console.log(
  JSON.stringify({
    dime_mib_s: Math.round(dimeBest),
    floor_mib_s: Math.round(floorBest),
    ratio: Math.round((dimeBest / floorBest) * 1000) / 1000,
  }),
);
