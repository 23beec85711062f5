// pnpm --filter @p8e/eos-server bench:stall
//
// Holds 200 connections that each open a Put, send the DIME header and 8 KiB of payload, and stall,
// against the store in a child process with its default limits except a 5 s stream idle timeout and a
// per-key cap lifted (so the attack is not stopped at the door). Prints, then as the last line one JSON object:
//   baseline_ms              median latency of a 1 KiB put + get pair (30 pairs, one at a time)
//   attacked_ms              the same while the 200 stalls are held
//   latency_ratio            attacked_ms / baseline_ms (goal ≤ 2)
//   rss_baseline_mib         server RSS before the attack (after a warm-up)
//   rss_attacked_mib         server RSS with the stalls held
//   after_ms                 median latency once the store has closed every stall
//   rss_after_mib            server RSS after that (V8 collects when it allocates, so it is measured after use)
//   fds_baseline, fds_attacked, fds_after   open file descriptors of the server
//   cleared_s                seconds from the start of the attack until the store had closed every stall
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createEosClient } from "@p8e/eos-client";
import { generateKeyPair } from "@p8e/hashing-crypto";
import { spawnServer } from "../src/testdata/child-server.js";
import { buildPut, pseudoRandomBytes, tokenFor } from "../src/testdata/harness.js";
import { stalledPut } from "../src/testdata/stalled-put.js";

const STALLS = 200;
const MiB = 1024 * 1024;
const figures: Record<string, number> = {};
const round = (n: number) => Math.round(n * 100) / 100;
function report(name: string, value: number, unit: string): void {
  figures[name] = round(value);
  console.log(`${name.padEnd(20)} ${round(value).toString().padStart(10)} ${unit}`);
}

const dir = mkdtempSync(join(tmpdir(), "eos-stall-bench-"));
const server = await spawnServer({
  EOS_DATA_DIR: dir,
  EOS_STREAM_IDLE_TIMEOUT_MS: "5000",
  EOS_CONNECTION_IDLE_TIMEOUT_MS: "1000",
  EOS_MAX_CONNECTIONS_PER_KEY: "1000",
  EOS_INLINE_THRESHOLD: "1024",
});
const fds = () => readdirSync(`/proc/${server.pid}/fd`).length;
try {
  const honest = createEosClient({ baseUrl: server.url, keys: { encryption: generateKeyPair() } });
  const payload = pseudoRandomBytes(1024, 1);
  const latency = async () => {
    const times: number[] = [];
    for (let i = 0; i < 30; i++) {
      const started = performance.now();
      await honest.get((await honest.put(payload)).hash);
      times.push(performance.now() - started);
    }
    return times.sort((a, b) => a - b)[15]!;
  };
  await latency();
  const baseline = await latency();
  const rssBaseline = server.rss();
  const fdsBaseline = fds();

  const attacker = generateKeyPair();
  const token = await tokenFor(server.url, attacker);
  const put = await buildPut(attacker, pseudoRandomBytes(64 * 1024, 2));
  const started = performance.now();
  const closed: Array<Promise<void>> = [];
  for (let i = 0; i < STALLS; i++) closed.push(stalledPut(server.url, token, put.dime, put.contentLength).closed);
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const attacked = await latency();
  const rssAttacked = server.rss();
  const fdsAttacked = fds();
  await Promise.all(closed);
  const cleared = (performance.now() - started) / 1000;
  // Let the store's own timers run, then use it normally (V8 collects when it allocates, not when idle).
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const after = await latency();
  await new Promise((resolve) => setTimeout(resolve, 1000));
  honest.close();

  report("baseline_ms", baseline, "ms  median put + get of 1 KiB");
  report("attacked_ms", attacked, `ms  the same with ${STALLS} stalled Puts held`);
  report("latency_ratio", attacked / baseline, "");
  report("after_ms", after, "ms  the same once the store closed every stall");
  report("rss_baseline_mib", rssBaseline / MiB, "MiB");
  report("rss_attacked_mib", rssAttacked / MiB, "MiB");
  report("rss_after_mib", server.rss() / MiB, "MiB  after the store closed every stall and served 30 more pairs");
  report("fds_baseline", fdsBaseline, "");
  report("fds_attacked", fdsAttacked, "");
  report("fds_after", fds(), "");
  report("cleared_s", cleared, "s  until every stalled connection was closed by the store");
  console.log(JSON.stringify(figures));
} finally {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
