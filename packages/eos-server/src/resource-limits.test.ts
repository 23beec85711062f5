// What one caller can hold open: silent connections, stalled Puts, idle connections, streams per
// connection, connections in all and per key. Each is bounded, refused with a clear code, and leaves
// nothing behind; and a normal client keeps its latency while stalled connections are held.
import { readdirSync } from "node:fs";
import http2 from "node:http2";
import net from "node:net";
import { join } from "node:path";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { createEosClient, type EosError } from "@p8e/eos-client";
import { EosService } from "@p8e/spec-model/eos";
import { afterAll, describe, expect, it } from "vitest";
import type { ConnectionLimits } from "./front-door.js";
import {
  buildPut,
  newParty,
  type Party,
  pseudoRandomBytes,
  startTestServer,
  type TestServer,
  tokenFor,
} from "./testdata/harness.js";
import { stalledPut } from "./testdata/stalled-put.js";

const servers: TestServer[] = [];
const parties: Party[] = [];
afterAll(async () => {
  for (const p of parties) p.closeAll();
  for (const s of servers) await s.stop();
});

async function store(limits: Partial<ConnectionLimits>, inlineThreshold = 1024): Promise<TestServer> {
  const s = await startTestServer({ limits, inlineThreshold });
  servers.push(s);
  return s;
}

const within = <T>(promise: Promise<T>, ms: number, what: string): Promise<T> =>
  Promise.race([
    promise,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms)),
  ]);

const tmpFiles = (s: TestServer) => readdirSync(join(s.dataDir, "tmp")).length;

describe("connection limits", () => {
  it("closes connections that send nothing, and connections that open no stream", async () => {
    const s = await store({ firstRequestTimeoutMs: 300 });
    const { port } = s.server;
    const silent = Array.from({ length: 10 }, () => {
      const socket = net.connect(port, "127.0.0.1");
      socket.on("error", () => {});
      return new Promise<void>((resolve) => socket.once("close", () => resolve()));
    });
    const streamless = Array.from({ length: 5 }, () => {
      const session = http2.connect(s.server.url);
      session.on("error", () => {});
      return new Promise<void>((resolve) => session.once("close", () => resolve()));
    });
    await within(Promise.all([...silent, ...streamless]), 5000, "closing silent connections");
    expect(s.logger.lines.filter((l) => l.event === "connection.first_byte_timeout").length).toBe(10);
    expect(s.logger.lines.filter((l) => l.event === "connection.first_request_timeout").length).toBe(5);
  });

  it("resets stalled Puts, closes their connections and removes their temp files", async () => {
    const s = await store({ streamIdleTimeoutMs: 400, connectionIdleTimeoutMs: 300, maxConnectionsPerKey: 100 });
    const owner = newParty(s.server.url);
    parties.push(owner);
    const token = await tokenFor(s.server.url, owner.keys);
    const put = await buildPut(owner.keys, pseudoRandomBytes(64 * 1024, 3));
    const stalls = Array.from({ length: 20 }, () => stalledPut(s.server.url, token, put.dime, put.contentLength));
    // The attack is real: each stall holds a temp file on the store.
    await expect.poll(() => tmpFiles(s), { timeout: 3000 }).toBe(20);
    const codes = await within(Promise.all(stalls.map((x) => x.reset)), 5000, "resetting stalled streams");
    expect(new Set(codes)).toEqual(new Set([http2.constants.NGHTTP2_CANCEL]));
    await within(Promise.all(stalls.map((x) => x.closed)), 5000, "closing idle connections");
    await expect.poll(() => tmpFiles(s), { timeout: 3000 }).toBe(0);
    // The store is fine afterwards.
    const back = await owner.client.put(new TextEncoder().encode("after"));
    expect(new TextDecoder().decode(await owner.client.get(back.hash))).toBe("after");
  });

  it("keeps a quiet subscription open past the stream idle timeout", async () => {
    const s = await store({ streamIdleTimeoutMs: 300, connectionIdleTimeoutMs: 300 });
    const [alice, bob] = [newParty(s.server.url), newParty(s.server.url)];
    parties.push(alice, bob);
    const controller = new AbortController();
    let ready!: () => void;
    const isReady = new Promise<void>((resolve) => {
      ready = resolve;
    });
    const received = (async () => {
      for await (const mail of bob.client.subscribe({ signal: controller.signal, onReady: () => ready() })) {
        await mail.ack();
        controller.abort();
        return new TextDecoder().decode(mail.plaintext);
      }
      return undefined;
    })();
    await isReady;
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await alice.client.sendMail(new TextEncoder().encode("late"), {
      type: "FRAGMENT_REQUEST",
      to: [bob.keys.publicKey],
    });
    expect(await within(received, 5000, "mail after a quiet second")).toBe("late");
    expect(s.logger.lines.some((l) => l.event === "stream.idle_timeout")).toBe(false);
  });

  it("announces its cap on concurrent streams per connection", async () => {
    const s = await store({ maxStreamsPerConnection: 7 });
    const session = http2.connect(s.server.url);
    try {
      await new Promise((resolve) => session.once("remoteSettings", resolve));
      expect(session.remoteSettings.maxConcurrentStreams).toBe(7);
    } finally {
      session.close();
    }
  });

  it("refuses a connection over maxConnections with RESOURCE_EXHAUSTED", async () => {
    const s = await store({ maxConnections: 2 });
    const held = [newParty(s.server.url), newParty(s.server.url)];
    parties.push(...held);
    for (const p of held) await p.client.serverInfo();
    const extra = newParty(s.server.url);
    parties.push(extra);
    const error = (await extra.client.serverInfo().catch((e: unknown) => e)) as EosError;
    expect(error.code).toBe("resource-exhausted");
    expect(error.message).toMatch(/2 connections open, its maximum \(maxConnections\)/);
    held[0]!.closeAll();
    await expect
      .poll(() =>
        extra.client.serverInfo().then(
          () => "served",
          () => "refused",
        ),
      )
      .toBe("served");
  });

  it("refuses one key's calls on more than maxConnectionsPerKey connections", async () => {
    const s = await store({ maxConnectionsPerKey: 2 });
    const alice = newParty(s.server.url);
    parties.push(alice);
    const second = alice.connect(s.server.url);
    const third = alice.connect(s.server.url);
    await alice.client.put(new TextEncoder().encode("1"));
    await second.put(new TextEncoder().encode("2"));
    const error = (await third.put(new TextEncoder().encode("3")).catch((e: unknown) => e)) as EosError;
    expect(error.code).toBe("resource-exhausted");
    expect(error.message).toMatch(/already calls on 2 connections.*maxConnectionsPerKey/);
    // Another key is not affected.
    const bob = newParty(s.server.url);
    parties.push(bob);
    await bob.client.put(new TextEncoder().encode("bob"));
    second.close();
    await expect
      .poll(() =>
        third.put(new TextEncoder().encode("3")).then(
          () => "stored",
          () => "refused",
        ),
      )
      .toBe("stored");
  });
});

describe("HTTP/1.1", () => {
  it("answers GET /health over plain HTTP/1.1, and Connect calls too", async () => {
    const s = await store({});
    const response = await fetch(`${s.server.url}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "SERVING" });
    const eos = createClient(EosService, createConnectTransport({ baseUrl: s.server.url, httpVersion: "1.1" }));
    expect((await eos.getServerInfo({})).authRequired).toBe(true);
  });
});

describe("under attack", () => {
  it("keeps a normal client's latency within 2x of baseline while 200 stalled Puts are held", {
    timeout: 60_000,
  }, async () => {
    const s = await store({ maxConnectionsPerKey: 1000, streamIdleTimeoutMs: 60_000 }, 1024);
    const attacker = newParty(s.server.url);
    const honest = createEosClient({ baseUrl: s.server.url, keys: { encryption: newParty(s.server.url).keys } });
    parties.push(attacker);
    try {
      const token = await tokenFor(s.server.url, attacker.keys);
      const put = await buildPut(attacker.keys, pseudoRandomBytes(64 * 1024, 4));
      const payload = pseudoRandomBytes(1024, 5);
      const latency = async () => {
        const times: number[] = [];
        for (let i = 0; i < 30; i++) {
          const started = performance.now();
          const stored = await honest.put(payload);
          await honest.get(stored.hash);
          times.push(performance.now() - started);
        }
        return times.sort((a, b) => a - b)[15]!;
      };
      await latency(); // warm-up
      const baseline = await latency();
      const stalls = Array.from({ length: 200 }, () => stalledPut(s.server.url, token, put.dime, put.contentLength));
      await expect.poll(() => tmpFiles(s), { timeout: 10_000 }).toBe(200);
      const attacked = await latency();
      for (const stall of stalls) stall.session.destroy();
      // The median of 30 put + get pairs; 10 ms of slack for a shared machine (bench/stall.bench.ts has the figures).
      expect(attacked).toBeLessThan(Math.max(2 * baseline, baseline + 10));
      await expect.poll(() => tmpFiles(s), { timeout: 5000 }).toBe(0);
    } finally {
      honest.close();
    }
  });
});
