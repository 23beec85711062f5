import { rmSync } from "node:fs";
import { join } from "node:path";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import type { ReceivedMail } from "@p8e/eos-client";
import { MailboxService } from "@p8e/spec-model/objectstore";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ObjectStorage } from "./storage/object-storage.js";
import { createSqliteStorage } from "./storage/sqlite-storage.js";
import {
  buildPut,
  captureLogger,
  newParty,
  type Party,
  pseudoRandomBytes,
  startTestServer,
  type TestServer,
  tempDir,
} from "./testdata/harness.js";

let store: TestServer;
const parties: Party[] = [];
const party = () => {
  const p = newParty(store.server.url);
  parties.push(p);
  return p;
};
const text = (s: string) => new TextEncoder().encode(s);

beforeAll(async () => {
  store = await startTestServer({ mailMaxBytes: 256 * 1024, inlineThreshold: 1024 });
});
afterAll(async () => {
  for (const p of parties) p.closeAll();
  await store.stop();
});

/** Collects mail from a subscription until `count` items arrived. */
async function collect(
  p: Party,
  count: number,
  onReady?: () => void,
  onInvalid?: (uuid: string) => void,
): Promise<ReceivedMail[]> {
  const controller = new AbortController();
  const out: ReceivedMail[] = [];
  for await (const mail of p.client.subscribe({
    signal: controller.signal,
    ...(onReady === undefined ? {} : { onReady }),
    ...(onInvalid === undefined ? {} : { onInvalid }),
  })) {
    out.push(mail);
    if (out.length === count) controller.abort();
  }
  return out;
}

describe("mailbox", () => {
  it("pushes new mail to a subscriber within milliseconds", async () => {
    const alice = party();
    const bob = party();
    const received: Array<{ mail: ReceivedMail; at: number }> = [];
    let markReady: () => void = () => {};
    const ready = new Promise<void>((resolve) => {
      markReady = resolve;
    });
    const controller = new AbortController();
    const subscription = (async () => {
      for await (const mail of bob.client.subscribe({ signal: controller.signal, onReady: () => markReady() })) {
        received.push({ mail, at: performance.now() });
        controller.abort();
      }
    })();
    await ready;
    const sentAt = performance.now();
    await alice.client.sendMail(text("request"), { type: "FRAGMENT_REQUEST", to: [bob.keys.publicKey] });
    await subscription;
    const [first] = received;
    expect(first!.at - sentAt).toBeLessThan(500);
    expect(new TextDecoder().decode(first!.mail.plaintext)).toBe("request");
    expect(first!.mail.type).toBe("FRAGMENT_REQUEST");
    expect(Buffer.from(first!.mail.sender!).equals(Buffer.from(alice.keys.publicKey))).toBe(true);
    expect(Buffer.from(first!.mail.signer!).equals(Buffer.from(alice.keys.publicKey))).toBe(true);
  });

  it("sets aside mail whose signature does not verify, reports it, and delivers the next item", async () => {
    const alice = party();
    const bob = party();
    const forged = await buildPut(alice.keys, text("forged"), {
      audience: [bob.keys.publicKey],
      metadata: { "P8EAPI::TYPE": "FRAGMENT_REQUEST" },
    });
    const otherSignature = (await buildPut(alice.keys, text("something else"))).properties[1]!;
    await alice.client.putDime({
      dime: forged.dime,
      properties: [forged.properties[0]!, otherSignature, forged.properties[2]!],
      contentLength: forged.contentLength,
    });
    await alice.client.sendMail(text("genuine"), { type: "FRAGMENT_REQUEST", to: [bob.keys.publicKey] });
    const invalid: string[] = [];
    const received = await collect(bob, 1, undefined, (uuid) => invalid.push(uuid));
    expect(new TextDecoder().decode(received[0]!.plaintext)).toBe("genuine");
    expect(invalid).toHaveLength(1);
    const dead = await bob.client.deadMail();
    expect(dead.map((d) => d.uuid)).toEqual(invalid);
    expect(dead[0]!.reason).toMatch(/unreadable: .*signature/);
  });

  it("delivers until acked, and acks are idempotent", async () => {
    const alice = party();
    const bob = party();
    await alice.client.sendMail(text("one"), { type: "FRAGMENT_RESPONSE", to: [bob.keys.publicKey] });
    const first = await bob.client.fetchMail();
    expect(first.map((m) => new TextDecoder().decode(m.plaintext))).toEqual(["one"]);
    const again = await bob.client.fetchMail();
    expect(again.map((m) => m.uuid)).toEqual([first[0]!.uuid]);
    await first[0]!.ack();
    await first[0]!.ack();
    expect(await bob.client.fetchMail()).toEqual([]);
    // The owner gets no copy of its own mail; an unknown uuid is NOT_FOUND.
    expect(await alice.client.fetchMail()).toEqual([]);
    await expect(bob.client.ack("00000000-0000-4000-8000-000000000000")).rejects.toMatchObject({ code: "not-found" });
    await expect(bob.client.ack("not-a-uuid")).rejects.toMatchObject({ code: "invalid-argument" });
  });

  it("speaks upstream's MailboxService.Get and Ack with the whole DIME per item", async () => {
    const alice = party();
    const bob = party();
    const sent = await alice.client.sendMail(text("upstream"), { type: "ERROR_RESPONSE", to: [bob.keys.publicKey] });
    const [mail] = await bob.client.fetchMail();
    expect(Buffer.from(mail!.hash).equals(Buffer.from(sent.hash))).toBe(true);
    const transport = createGrpcTransport({ baseUrl: store.server.url });
    const mailbox = createClient(MailboxService, transport);
    await expect(mailbox.ack({ uuid: { value: mail!.uuid } })).rejects.toThrow(/bearer token/);
  });

  it("sets a poison item aside and keeps delivering the good ones around it", async () => {
    const alice = party();
    const bob = party();
    await alice.client.sendMail(text("good 1"), { type: "FRAGMENT_REQUEST", to: [bob.keys.publicKey] });
    // Too large for one MailPayload on this store.
    const poison = await alice.client.sendMail(pseudoRandomBytes(300 * 1024, 5), {
      type: "FRAGMENT_REQUEST",
      to: [bob.keys.publicKey],
    });
    await alice.client.sendMail(text("good 2"), { type: "FRAGMENT_REQUEST", to: [bob.keys.publicKey] });
    const mail = await bob.client.fetchMail();
    expect(mail.map((m) => new TextDecoder().decode(m.plaintext))).toEqual(["good 1", "good 2"]);
    const dead = await bob.client.deadMail();
    expect(dead).toHaveLength(1);
    expect(Buffer.from(dead[0]!.hash).equals(Buffer.from(poison.hash))).toBe(true);
    expect(dead[0]!.reason).toMatch(/larger than the 262144 bytes/);
    expect(store.logger.lines.some((l) => l.event === "mail.dead")).toBe(true);
  });

  it("sets aside mail whose payload file is gone, and mail the recipient rejects", async () => {
    const alice = party();
    const bob = party();
    const broken = await alice.client.sendMail(pseudoRandomBytes(8 * 1024, 9), {
      type: "FRAGMENT_REQUEST",
      to: [bob.keys.publicKey],
    });
    await alice.client.sendMail(text("fine"), { type: "FRAGMENT_REQUEST", to: [bob.keys.publicKey] });
    // Simulate a lost blob: remove every payload file of this store.
    rmSync(join(store.dataDir, "blobs"), { recursive: true, force: true });
    const received = await collect(bob, 1);
    expect(new TextDecoder().decode(received[0]!.plaintext)).toBe("fine");
    const dead = await bob.client.deadMail();
    expect(dead.map((d) => Buffer.from(d.hash).toString("base64"))).toEqual([broken.hashBase64]);
    await received[0]!.reject("cannot handle this contract");
    expect((await bob.client.deadMail()).map((d) => d.reason)).toContain("cannot handle this contract");
    await bob.client.requeueMail(received[0]!.uuid);
    expect((await bob.client.fetchMail()).map((m) => m.uuid)).toEqual([received[0]!.uuid]);
  });

  it("keeps a subscription through a server restart and redelivers what was not acked", async () => {
    const own = await startTestServer();
    try {
      const alice = newParty(own.server.url);
      const bob = newParty(own.server.url);
      parties.push(alice, bob);
      await alice.client.sendMail(text("before"), { type: "FRAGMENT_REQUEST", to: [bob.keys.publicKey] });
      const controller = new AbortController();
      const seen: string[] = [];
      let restarted = false;
      for await (const mail of bob.client.subscribe({ signal: controller.signal })) {
        seen.push(new TextDecoder().decode(mail.plaintext));
        if (!restarted) {
          restarted = true;
          await own.restart();
          await alice.client.sendMail(text("after"), { type: "FRAGMENT_REQUEST", to: [bob.keys.publicKey] });
          continue;
        }
        await mail.ack();
        if (seen.includes("after")) controller.abort();
      }
      // "before" was not acked before the restart, so it came again on the new subscription.
      expect(seen).toEqual(["before", "before", "after"]);
    } finally {
      await own.stop();
    }
  });

  it("hands mail out without waiting for its delivery count to be written", async () => {
    const dir = tempDir();
    const storage = createSqliteStorage({ dataDir: dir.path, logger: captureLogger() });
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    let counting = 0;
    const held: ObjectStorage = {
      ...storage,
      async markDelivered(uuids) {
        counting++;
        await released;
        return storage.markDelivered(uuids);
      },
    };
    const own = await startTestServer({ dataDir: dir.path, storage: held });
    try {
      const alice = newParty(own.server.url);
      const bob = newParty(own.server.url);
      parties.push(alice, bob);
      await alice.client.sendMail(text("counted later"), { type: "FRAGMENT_REQUEST", to: [bob.keys.publicKey] });
      const [mail] = await collect(bob, 1);
      expect(new TextDecoder().decode(mail!.plaintext)).toBe("counted later");
      expect(mail!.deliveries).toBe(1);
      expect(counting).toBe(1);
      release();
      await mail!.ack();
    } finally {
      release();
      await own.server.close();
      dir.remove();
    }
  });

  it("redelivers unacked mail after a server restart", async () => {
    const own = await startTestServer();
    try {
      const alice = newParty(own.server.url);
      const bob = newParty(own.server.url);
      parties.push(alice, bob);
      await alice.client.sendMail(text("survives"), { type: "FRAGMENT_REQUEST", to: [bob.keys.publicKey] });
      await alice.client.sendMail(text("acked"), { type: "FRAGMENT_REQUEST", to: [bob.keys.publicKey] });
      const before = await collect(bob, 2);
      await before[1]!.ack();
      await own.restart();
      const after = await collect(bob, 1);
      expect(new TextDecoder().decode(after[0]!.plaintext)).toBe("survives");
      expect(after[0]!.uuid).toBe(before[0]!.uuid);
      expect(after[0]!.deliveries).toBe(2);
    } finally {
      await own.stop();
    }
  });
});
