import { create } from "@bufbuild/protobuf";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { isEosError, partyCardMetadata, signPartyCard } from "@p8e/eos-client";
import { generateKeyPair, type KeyPair } from "@p8e/hashing-crypto";
import { EosService, SignedPartyCardSchema } from "@p8e/spec-model/eos";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newParty, type Party, startTestServer, type TestServer } from "./testdata/harness.js";

let store: TestServer;
let other: TestServer;
const parties: Party[] = [];
const party = (url = store.server.url) => {
  const p = newParty(url);
  parties.push(p);
  return p;
};
const text = (s: string) => new TextEncoder().encode(s);

beforeAll(async () => {
  [store, other] = await Promise.all([startTestServer(), startTestServer()]);
});
afterAll(async () => {
  for (const p of parties) p.closeAll();
  await Promise.all([store.stop(), other.stop()]);
});

/** A card for `p` naming a fresh signing key, this store and its node key, unless told otherwise. */
function cardFor(p: Party, fields: { storeNodePublicKey?: Uint8Array; encryption?: KeyPair } = {}) {
  const signing = generateKeyPair();
  const encryption = fields.encryption ?? p.keys;
  const signed = signPartyCard(
    {
      signingPublicKey: signing.publicKey,
      encryptionPublicKey: encryption.publicKey,
      storeUrl: store.server.url,
      storeNodePublicKey: fields.storeNodePublicKey ?? store.server.nodePublicKey,
    },
    { signing, encryption },
  );
  return { signing, signed };
}

async function refusal(work: Promise<unknown>): Promise<{ code: string; message: string }> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isEosError(error)) throw new Error(`expected an EosError, got ${String(error)}`);
  return { code: error.code, message: error.message };
}

describe("EosService/ListParties", () => {
  it("lists the cards parties published with their own key, to anyone, without a token", async () => {
    const alice = party();
    const { signing, signed } = cardFor(alice);
    await alice.client.registerKey(alice.keys.publicKey, { metadata: partyCardMetadata(signed) });
    const quiet = party();
    await quiet.client.registerKey(quiet.keys.publicKey);

    const anonymous = createClient(EosService, createGrpcTransport({ baseUrl: store.server.url }));
    const listed = await anonymous.listParties({});
    expect(listed.parties.map((p) => Buffer.from(p.card).toString("hex"))).toContain(
      Buffer.from(signed.card).toString("hex"),
    );

    // The client verifies each card; the party without a card is not listed.
    const stranger = party(other.server.url).connect(store.server.url);
    const cards = await stranger.parties();
    const card = cards.find((c) => Buffer.from(c.encryptionPublicKey).equals(Buffer.from(alice.keys.publicKey)));
    expect(card).toMatchObject({ storeUrl: store.server.url });
    expect(Buffer.from(card!.signingPublicKey).equals(Buffer.from(signing.publicKey))).toBe(true);
    expect(Buffer.from(card!.storeNodePublicKey).equals(Buffer.from(store.server.nodePublicKey))).toBe(true);
    expect(cards.some((c) => Buffer.from(c.encryptionPublicKey).equals(Buffer.from(quiet.keys.publicKey)))).toBe(false);
  });

  it("refuses a card whose signature is not its signing key's", async () => {
    const mallory = party();
    const { signed } = cardFor(mallory);
    const forged = create(SignedPartyCardSchema, { card: signed.card, signature: cardFor(mallory).signed.signature });
    const refused = await refusal(
      mallory.client.registerKey(mallory.keys.publicKey, { metadata: partyCardMetadata(forged) }),
    );
    expect(refused).toMatchObject({ code: "invalid-argument" });
    expect(refused.message).toContain("signature does not verify");
  });

  it("refuses a card for another party's encryption key, or naming another store's node key", async () => {
    const mallory = party();
    const victim = party();
    // A valid card of the victim's (signed by both its keys), registered by Mallory for her own key.
    const claimsVictim = cardFor(mallory, { encryption: victim.keys }).signed;
    expect(
      await refusal(mallory.client.registerKey(mallory.keys.publicKey, { metadata: partyCardMetadata(claimsVictim) })),
    ).toMatchObject({ code: "invalid-argument", message: expect.stringContaining("not the key registered") });

    const elsewhere = cardFor(mallory, { storeNodePublicKey: other.server.nodePublicKey }).signed;
    expect(
      await refusal(mallory.client.registerKey(mallory.keys.publicKey, { metadata: partyCardMetadata(elsewhere) })),
    ).toMatchObject({ code: "invalid-argument", message: expect.stringContaining("not this store's node key") });
  });

  it("refuses a card registered by a member for another party's key, or with a url", async () => {
    const member = party();
    await member.client.registerKey(member.keys.publicKey);
    const outsider = party(other.server.url);
    const { signed } = cardFor(outsider);
    expect(
      await refusal(
        member.client.registerKey(outsider.keys.publicKey, {
          url: other.server.url,
          metadata: partyCardMetadata(signed),
        }),
      ),
    ).toMatchObject({ code: "permission-denied", message: expect.stringContaining("only by its party") });

    const self = party();
    const own = cardFor(self).signed;
    expect(
      await refusal(
        self.client.registerKey(self.keys.publicKey, { url: other.server.url, metadata: partyCardMetadata(own) }),
      ),
    ).toMatchObject({ code: "permission-denied" });
  });
});

describe("ObjectStorage.localKeysWithMetadata", () => {
  it("answers the earliest registrations first, at most as many as asked", async () => {
    const storage = other.server.storage;
    const keys = ["a", "b", "c"].map((name) => Buffer.from(`key-${name}-${Date.now()}`).toString("base64"));
    for (const publicKey of keys) {
      await storage.upsertKey({ publicKey, url: "", metadata: new Uint8Array([1]), registeredBy: undefined });
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await storage.upsertKey({
      publicKey: "remote",
      url: "http://x",
      metadata: new Uint8Array([1]),
      registeredBy: undefined,
    });
    const listed = (await storage.localKeysWithMetadata(1000)).map((k) => k.publicKey);
    expect(listed.filter((k) => keys.includes(k))).toEqual(keys);
    expect(listed).not.toContain("remote");
    const first = (await storage.localKeysWithMetadata(listed.indexOf(keys[1]!))).map((k) => k.publicKey);
    expect(first).toContain(keys[0]);
    expect(first).not.toContain(keys[1]);
  });
});

describe("EosService/GetMailboxStatus", () => {
  it("counts a key's unacked mail, pending and dead, for that key's holder only", async () => {
    const alice = party();
    const bob = party();
    await bob.client.registerKey(bob.keys.publicKey);
    expect(await bob.client.mailboxStatus()).toEqual({ pending: 0, dead: 0 });

    for (const body of ["one", "two", "three"]) {
      await alice.client.sendMail(text(body), { type: "FRAGMENT_REQUEST", to: [bob.keys.publicKey] });
    }
    expect(await bob.client.mailboxStatus()).toEqual({ pending: 3, dead: 0 });

    const [first, second] = await bob.client.fetchMail(2);
    await bob.client.ack(first!.uuid);
    await bob.client.rejectMail(second!.uuid, "cannot read it");
    expect(await bob.client.mailboxStatus()).toEqual({ pending: 1, dead: 1 });

    // Alice's token does not act for Bob's key.
    const raw = createClient(EosService, createGrpcTransport({ baseUrl: store.server.url }));
    const anonymous = await raw.getMailboxStatus({ publicKey: bob.keys.publicKey }).then(
      () => "answered",
      (e: unknown) => String(e),
    );
    expect(anonymous).toMatch(/needs a bearer token/);
    expect(await alice.client.mailboxStatus()).toEqual({ pending: 0, dead: 0 });
  });
});
