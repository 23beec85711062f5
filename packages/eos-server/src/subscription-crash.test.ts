// A live subscription through kill -9 of the store: it resumes when the store is back, loses
// nothing, and hands out no item twice that was acked through it, even one acked while the store was dead.
import { createServer } from "node:net";
import { createEosClient, type ReceivedMail } from "@p8e/eos-client";
import { generateKeyPair } from "@p8e/hashing-crypto";
import { afterAll, describe, expect, it } from "vitest";
import { type ChildServer, spawnServer } from "./testdata/child-server.js";
import { tempDir } from "./testdata/harness.js";

const dir = tempDir("eos-subscribe-crash-");
let server: ChildServer | undefined;
afterAll(async () => {
  await server?.stop();
  dir.remove();
});

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

describe("subscribe()", () => {
  it("survives kill -9 of the store and resumes without losing or repeating acked items", {
    timeout: 60_000,
  }, async () => {
    const env = { EOS_DATA_DIR: dir.path, EOS_PORT: String(await freePort()) };
    server = await spawnServer(env);
    const [aliceKeys, bobKeys] = [generateKeyPair(), generateKeyPair()];
    const alice = createEosClient({ baseUrl: server.url, keys: { encryption: aliceKeys } });
    const bob = createEosClient({ baseUrl: server.url, keys: { encryption: bobKeys } });
    const send = (text: string) =>
      alice.sendMail(new TextEncoder().encode(text), { type: "FRAGMENT_REQUEST", to: [bobKeys.publicKey] });
    const received: ReceivedMail[] = [];
    const texts = () => received.map((m) => new TextDecoder().decode(m.plaintext));
    const controller = new AbortController();
    let failure: unknown;
    const loop = (async () => {
      for await (const mail of bob.subscribe({ signal: controller.signal })) received.push(mail);
    })().catch((error: unknown) => {
      failure = error;
    });
    try {
      await send("one");
      await send("two");
      await expect.poll(texts, { timeout: 10_000 }).toEqual(["one", "two"]);
      await received[0]!.ack();

      await server.kill();
      // The store is dead: this ack cannot reach it, and does not fail; it is done when "two" comes again.
      await received[1]!.ack();

      server = await spawnServer(env);
      await send("three");
      await expect.poll(texts, { timeout: 20_000 }).toEqual(["one", "two", "three"]);
      // The quiet ack of the redelivered "two" reached the store: only "three" is still unacked there.
      await expect
        .poll(async () => (await bob.fetchMail()).map((m) => new TextDecoder().decode(m.plaintext)), {
          timeout: 10_000,
        })
        .toEqual(["three"]);
      await received[2]!.ack();

      // A second crash, with nothing unacked.
      await server.kill();
      server = await spawnServer(env);
      await send("four");
      await expect.poll(texts, { timeout: 20_000 }).toEqual(["one", "two", "three", "four"]);
      expect(failure).toBeUndefined();
    } finally {
      // An explicit close ends the subscription.
      controller.abort();
      await loop;
      alice.close();
      bob.close();
    }
    expect(failure).toBeUndefined();
  });

  it("ends when its client closes, even while the store is away", async () => {
    const client = createEosClient({ baseUrl: "http://127.0.0.1:9", keys: { encryption: generateKeyPair() } });
    const loop = (async () => {
      for await (const _ of client.subscribe()) {
        // nothing arrives
      }
      return "ended";
    })();
    await new Promise((resolve) => setTimeout(resolve, 300));
    client.close();
    expect(await loop).toBe("ended");
  });
});
