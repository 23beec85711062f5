// eos-client's directDelivery against real stores: mail put straight into the recipient's store
// arrives without replication, is not replicated back, and a dead direct store changes nothing.
import { createServer } from "node:net";
import type { EosClient, ReceivedMail } from "@p8e/eos-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newParty, type Party, startTestServer, type TestServer } from "./testdata/harness.js";

let alice: TestServer;
let bob: TestServer;
const parties: Party[] = [];
const text = (s: string) => new TextEncoder().encode(s);

beforeAll(async () => {
  // Alice's store does not replicate: whatever reaches Bob's store came straight from Alice.
  alice = await startTestServer({ replication: { enabled: false } });
  bob = await startTestServer();
});
afterAll(async () => {
  for (const p of parties) p.closeAll();
  await Promise.all([alice.stop(), bob.stop()]);
});

async function firstMail(client: EosClient): Promise<ReceivedMail> {
  const controller = new AbortController();
  for await (const mail of client.subscribe({ signal: controller.signal })) {
    controller.abort();
    return mail;
  }
  throw new Error("no mail");
}

async function deadUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

describe("EosClientOptions.directDelivery", () => {
  it("puts mail into the recipient's store too, where it arrives as the sender's, and is not sent back", async () => {
    const receiver = newParty(bob.server.url);
    parties.push(receiver);
    await receiver.client.registerKey(receiver.keys.publicKey);
    const sender = newParty(alice.server.url, {
      directDelivery: (key) =>
        Buffer.from(key).equals(Buffer.from(receiver.keys.publicKey)) ? bob.server.url : undefined,
    });
    parties.push(sender);
    await sender.client.registerKey(sender.keys.publicKey);
    await sender.client.registerKey(receiver.keys.publicKey, { url: bob.server.url });

    // A second recipient Bob's store knows as served elsewhere (Alice's store, here).
    const other = newParty(alice.server.url);
    parties.push(other);
    await receiver.client.registerKey(other.keys.publicKey, { url: alice.server.url });

    const arriving = firstMail(receiver.client);
    const sent = await sender.client.sendMail(text("request"), {
      type: "FRAGMENT_REQUEST",
      to: [receiver.keys.publicKey, other.keys.publicKey],
    });
    const mail = await arriving;
    expect(new TextDecoder().decode(mail.plaintext)).toBe("request");
    expect(Buffer.from(mail.sender!).equals(Buffer.from(sender.keys.publicKey))).toBe(true);
    expect(Buffer.from(mail.hash).equals(Buffer.from(sent.hash))).toBe(true);
    // The sender's own store keeps its copy; Bob's store, holding a replica, pushes it nowhere.
    expect(await sender.client.exists(sent.hash)).toBe(true);
    const status = await receiver.client.replicationStatus();
    expect(status.remotes.reduce((n, r) => n + r.pending + r.replicated, 0)).toBe(0);
    expect(status.unrouted).toBe(0);
  });

  it("stores the mail in the sender's store when the recipient's store cannot be reached", async () => {
    const dead = await deadUrl();
    const receiver = newParty(bob.server.url);
    parties.push(receiver);
    const sender = newParty(alice.server.url, { directDelivery: () => dead });
    parties.push(sender);
    await sender.client.registerKey(sender.keys.publicKey);
    const sent = await sender.client.sendMail(text("kept"), {
      type: "FRAGMENT_REQUEST",
      to: [receiver.keys.publicKey],
    });
    expect(await sender.client.exists(sent.hash)).toBe(true);
  });
});
