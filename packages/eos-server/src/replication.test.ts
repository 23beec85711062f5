import { generateKeyPair } from "@p8e/hashing-crypto";
import { afterAll, describe, expect, it } from "vitest";
import { backoffDelay } from "./replicator.js";
import type { ObjectStorage } from "./storage/object-storage.js";
import { createSqliteStorage } from "./storage/sqlite-storage.js";
import {
  captureLogger,
  newParty,
  type Party,
  pseudoRandomBytes,
  startTestServer,
  type TestServer,
  tempDir,
} from "./testdata/harness.js";

const parties: Party[] = [];
const servers: TestServer[] = [];
afterAll(async () => {
  for (const p of parties) p.closeAll();
  for (const s of servers) await s.stop();
});

/** Store B, which accepts replicas from a store holding `aNode` only, with Bob registered there. */
async function storeForBob() {
  const aNode = generateKeyPair();
  const b = await startTestServer({ trustedPeers: [aNode.publicKey] });
  servers.push(b);
  const bob = newParty(b.server.url);
  parties.push(bob);
  await bob.client.registerKey(bob.keys.publicKey);
  return { aNode, b, bob };
}

describe("backoffDelay()", () => {
  it("doubles from the minimum, caps at the maximum and jitters within 50–100 %", () => {
    expect(backoffDelay(0, 100, 10_000, () => 1)).toBe(100);
    expect(backoffDelay(3, 100, 10_000, () => 1)).toBe(800);
    expect(backoffDelay(3, 100, 10_000, () => 0)).toBe(400);
    expect(backoffDelay(40, 100, 10_000, () => 1)).toBe(10_000);
  });
});

describe("replication", () => {
  it("pushes objects and mail to a remote that is down, then up, across a restart, without duplicates", async () => {
    const fast = { minBackoffMs: 50, maxBackoffMs: 200 };
    // Store B: Bob's and Carol's home. Register them, then take B down.
    // B accepts replicas from A's node key only.
    const aNode = generateKeyPair();
    const b = await startTestServer({ replication: fast, trustedPeers: [aNode.publicKey] });
    servers.push(b);
    const bob = newParty(b.server.url);
    const carol = newParty(b.server.url);
    parties.push(bob, carol);
    await bob.client.registerKey(bob.keys.publicKey);
    await carol.client.registerKey(carol.keys.publicKey);
    const bPort = b.server.port;
    await b.server.close();

    // Store A: Alice's home, which knows where Bob and Carol live.
    const a = await startTestServer({ replication: fast, nodePrivateKey: aNode.privateKey });
    servers.push(a);
    const alice = newParty(a.server.url);
    parties.push(alice);
    await alice.client.registerKey(alice.keys.publicKey);
    await alice.client.registerKey(bob.keys.publicKey, { url: `grpc://127.0.0.1:${bPort}` });
    await alice.client.registerKey(carol.keys.publicKey, { url: `http://127.0.0.1:${bPort}` });

    const data = pseudoRandomBytes(300_000, 11);
    const shared = await alice.client.put(data, { audience: [bob.keys.publicKey, carol.keys.publicKey] });
    const mail = await alice.client.sendMail(new TextEncoder().encode("please sign"), {
      type: "FRAGMENT_REQUEST",
      to: [bob.keys.publicKey],
    });

    // While B is down the queue is visible: pending pushes, the last error and the next try.
    await expect
      .poll(
        async () =>
          (await alice.client.replicationStatus()).remotes.find((r) => r.attempts > 0 && r.lastError !== undefined),
        {
          timeout: 5000,
        },
      )
      .toBeDefined();
    const down = await alice.client.replicationStatus();
    const bobStatus = down.remotes.find((r) => Buffer.from(r.publicKey).equals(Buffer.from(bob.keys.publicKey)))!;
    expect(bobStatus.pending).toBe(2);
    expect(bobStatus.url).toBe(`grpc://127.0.0.1:${bPort}`);
    expect(bobStatus.lastError).toMatch(/unavailable/);
    expect(bobStatus.nextAttemptAt).toBeInstanceOf(Date);

    // The queue survives a restart of A.
    await a.restart();
    await b.restart({ port: bPort });

    await expect
      .poll(async () => (await alice.client.replicationStatus()).remotes.map((r) => [r.pending, r.replicated]), {
        timeout: 10_000,
      })
      .toEqual(
        expect.arrayContaining([
          [0, 2],
          [0, 1],
        ]),
      );

    // Bob reads the object and the mail from his own store, byte for byte.
    expect(Buffer.from(await bob.client.get(shared.hash)).equals(data)).toBe(true);
    const received = await bob.client.fetchMail();
    expect(received.map((m) => m.uuid)).toHaveLength(1);
    expect(Buffer.from(received[0]!.hash).equals(Buffer.from(mail.hash))).toBe(true);

    // Two pushes of the same object (for Bob and for Carol) left one object on B.
    const forBob = await bob.client.stat(shared.hash);
    const forCarol = await carol.client.stat(shared.hash);
    expect(forBob?.uuid).toBeDefined();
    expect(forCarol?.uuid).toBe(forBob?.uuid);
    // A replica is never replicated onwards from B.
    expect((await bob.client.replicationStatus()).unrouted).toBe(0);
  });

  it("pushes the next object while the previous push is still being recorded", async () => {
    const { aNode, b, bob } = await storeForBob();

    // A's storage holds back the record of its first push until released.
    const dir = tempDir();
    const storage = createSqliteStorage({ dataDir: dir.path, logger: captureLogger() });
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    let held = false;
    const gated: ObjectStorage = {
      ...storage,
      async replicationSucceeded(objectUuid, publicKey) {
        if (!held) {
          held = true;
          await released;
        }
        return storage.replicationSucceeded(objectUuid, publicKey);
      },
    };
    const a = await startTestServer({
      dataDir: dir.path,
      storage: gated,
      nodePrivateKey: aNode.privateKey,
      replication: { minBackoffMs: 50 },
    });
    try {
      const alice = newParty(a.server.url);
      parties.push(alice);
      await alice.client.registerKey(alice.keys.publicKey);
      // Both objects are queued before Bob's store is known, so that one round pushes them in order.
      const first = await alice.client.put(new TextEncoder().encode("first"), { audience: [bob.keys.publicKey] });
      const second = await alice.client.put(new TextEncoder().encode("second"), { audience: [bob.keys.publicKey] });
      await alice.client.registerKey(bob.keys.publicKey, { url: b.server.url });

      const read = (hash: Uint8Array) =>
        bob.client.get(hash).then(
          (bytes) => new TextDecoder().decode(bytes),
          () => undefined,
        );
      await expect.poll(() => read(second.hash), { timeout: 5000 }).toBe("second");
      expect(held).toBe(true);
      expect(await read(first.hash)).toBe("first");
      release();
      await expect
        .poll(async () => (await alice.client.replicationStatus()).remotes[0]?.replicated, { timeout: 5000 })
        .toBe(2);
    } finally {
      release();
      await a.server.close();
      dir.remove();
    }
  });

  it("refuses replicas addressed to nobody local on the receiving store", async () => {
    const a = await startTestServer({ replication: { minBackoffMs: 50, maxBackoffMs: 100 } });
    const b = await startTestServer({ trustedPeers: [a.server.nodePublicKey] });
    servers.push(a, b);
    const alice = newParty(a.server.url);
    const stranger = newParty(b.server.url);
    parties.push(alice, stranger);
    await alice.client.registerKey(alice.keys.publicKey);
    await alice.client.registerKey(stranger.keys.publicKey, { url: b.server.url });
    await alice.client.put(new TextEncoder().encode("unsolicited"), { audience: [stranger.keys.publicKey] });
    await expect
      .poll(async () => (await alice.client.replicationStatus()).remotes[0]?.lastError, { timeout: 5000 })
      .toMatch(/permission-denied: .*registered as local/);
  });

  it("catches up within seconds when a store that was down comes back, however long its backoff grew", async () => {
    // A backoff of 30-60 s from the first failure: only the probe can bring the push forward.
    const { aNode, b, bob } = await storeForBob();
    const bPort = b.server.port;
    await b.server.close();

    const a = await startTestServer({
      nodePrivateKey: aNode.privateKey,
      replication: { minBackoffMs: 60_000, maxBackoffMs: 300_000, probeIntervalMs: 200 },
    });
    servers.push(a);
    const alice = newParty(a.server.url);
    parties.push(alice);
    await alice.client.registerKey(alice.keys.publicKey);
    await alice.client.registerKey(bob.keys.publicKey, { url: `http://127.0.0.1:${bPort}` });
    const put = await alice.client.put(new TextEncoder().encode("while you were out"), {
      audience: [bob.keys.publicKey],
    });
    await expect
      .poll(async () => (await alice.client.replicationStatus()).remotes[0]?.lastError, { timeout: 5000 })
      .toMatch(/unavailable/);
    const status = (await alice.client.replicationStatus()).remotes[0]!;
    expect(status.nextAttemptAt!.getTime() - Date.now()).toBeGreaterThan(20_000);

    await b.restart({ port: bPort });
    await expect
      .poll(async () => (await alice.client.replicationStatus()).remotes[0]?.replicated, { timeout: 5000 })
      .toBe(1);
    expect(new TextDecoder().decode(await bob.client.get(put.hash))).toBe("while you were out");
    expect(a.logger.lines.some((l) => l.event === "replication.remote_back")).toBe(true);
  });
});
