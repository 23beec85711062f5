// An attacker with an ordinary authenticated key tries to put its objects in the place of another
// party's: forged replicas, forged mail, hash squatting before and after the owner, and a broken
// upload that its owner repairs. Each attempt is refused or harmless.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { createEosClient, type EosError } from "@p8e/eos-client";
import { generateKeyPair } from "@p8e/hashing-crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SOURCE_REPLICATION, SOURCE_TYPE_KEY } from "./receive-put.js";
import {
  buildPut,
  newParty,
  type Party,
  pseudoRandomBytes,
  startTestServer,
  type TestServer,
} from "./testdata/harness.js";

let store: TestServer;
const parties: Party[] = [];
const party = async () => {
  const p = newParty(store.server.url);
  parties.push(p);
  await p.client.registerKey(p.keys.publicKey);
  return p;
};
const text = (s: string) => new TextEncoder().encode(s);
const replicaMark = text(SOURCE_REPLICATION);
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error("expected a refusal");
    },
    (e: unknown) => e as EosError,
  );

beforeAll(async () => {
  store = await startTestServer({ inlineThreshold: 1024 });
});
afterAll(async () => {
  for (const p of parties) p.closeAll();
  await store.stop();
});

describe("forged replicas and mail", () => {
  it("refuses a replica from a store nobody trusts, saying how to trust one, and delivers nothing", async () => {
    const [alice, bob, mallory] = [await party(), await party(), await party()];
    const forged = await buildPut(mallory.keys, text("sign this, bob"), {
      claimedOwner: alice.keys.publicKey,
      audience: [bob.keys.publicKey],
      metadata: { "P8EAPI::TYPE": "FRAGMENT_REQUEST" },
    });
    const error = await failure(
      mallory.client.putDime({
        dime: forged.dime,
        properties: [...forged.properties, [SOURCE_TYPE_KEY, replicaMark]],
        contentLength: forged.contentLength,
        headerMetadata: { [SOURCE_TYPE_KEY]: SOURCE_REPLICATION },
      }),
    );
    expect(error.code).toBe("permission-denied");
    expect(error.message).toMatch(/accepted only from a trusted peer store, and this store trusts no peer store/);
    expect(error.message).toMatch(/EOS_TRUSTED_PEERS/);
    expect(await bob.client.stat(forged.hash)).toBeUndefined();
    expect(await bob.client.fetchMail()).toEqual([]);
  });

  it("refuses a replica from an authenticated store that is not among the trusted peers", async () => {
    const trusted = generateKeyPair();
    const guarded = await startTestServer({ trustedPeers: [trusted.publicKey] });
    const bob = newParty(guarded.server.url);
    const mallory = newParty(guarded.server.url);
    parties.push(bob, mallory);
    try {
      await bob.client.registerKey(bob.keys.publicKey);
      const forged = await buildPut(mallory.keys, text("x"), {
        claimedOwner: generateKeyPair().publicKey,
        audience: [bob.keys.publicKey],
      });
      const error = await failure(
        mallory.client.putDime({
          dime: forged.dime,
          properties: [...forged.properties, [SOURCE_TYPE_KEY, replicaMark]],
          headerMetadata: { [SOURCE_TYPE_KEY]: SOURCE_REPLICATION },
        }),
      );
      expect(error.code).toBe("permission-denied");
      expect(error.message).toMatch(/not among this store's 1 trusted peers/);
    } finally {
      await guarded.stop();
    }
  });

  it("refuses mail that names another owner, and attributes mail to the key that proved itself", async () => {
    const [alice, bob, mallory] = [await party(), await party(), await party()];
    const forged = await buildPut(mallory.keys, text("from alice, honest"), {
      claimedOwner: alice.keys.publicKey,
      audience: [bob.keys.publicKey],
      metadata: { "P8EAPI::TYPE": "FRAGMENT_REQUEST" },
    });
    const error = await failure(mallory.client.putDime({ dime: forged.dime, properties: forged.properties }));
    expect(error.code).toBe("permission-denied");
    expect(error.message).toMatch(/does not act for the DIME owner/);

    // Mallory's own mail reaches Bob as Mallory's, whatever its metadata says.
    await mallory.client.sendMail(text("from alice, honest"), {
      type: "FRAGMENT_REQUEST",
      to: [bob.keys.publicKey],
      metadata: { SENDER: "alice" },
    });
    const controller = new AbortController();
    for await (const mail of bob.client.subscribe({ signal: controller.signal })) {
      expect(Buffer.from(mail.sender!).equals(Buffer.from(mallory.keys.publicKey))).toBe(true);
      expect(Buffer.from(mail.signer!).equals(Buffer.from(mallory.keys.publicKey))).toBe(true);
      await mail.ack();
      controller.abort();
    }
  });
});

describe("hash squatting", () => {
  /** Mallory stores her own bytes under `hash`, for Alice and Bob to read. */
  async function squat(mallory: Party, hash: Uint8Array, readers: Uint8Array[]) {
    const own = await buildPut(mallory.keys, pseudoRandomBytes(5000, 99), { audience: readers });
    const properties = own.properties.map(([name, value]): [string, Uint8Array] => [
      name,
      name === "HASH" ? hash : value,
    ]);
    return mallory.client.putDime({ dime: own.dime, properties });
  }

  it("keeps the owner's object reachable when a squatter stored the hash first", async () => {
    const [alice, bob, mallory] = [await party(), await party(), await party()];
    const data = pseudoRandomBytes(4000, 7);
    const expected = await buildPut(alice.keys, data);
    const squatted = await squat(mallory, expected.hash, [alice.keys.publicKey, bob.keys.publicKey]);

    const put = await alice.client.put(data, { audience: [bob.keys.publicKey] });
    expect(put.hashBase64).toBe(squatted.hashBase64);
    expect(put.uuid).not.toBe(squatted.uuid);
    // The owner reads its own object; a reader who asks by owner gets exactly that owner's.
    expect(Buffer.from(await alice.client.get(put.hash)).equals(data)).toBe(true);
    expect(Buffer.from(await bob.client.get(put.hash, { owner: alice.keys.publicKey })).equals(data)).toBe(true);
    expect((await bob.client.stat(put.hash, { owner: alice.keys.publicKey }))?.uuid).toBe(put.uuid);
    // Without an owner Bob gets the object stored first, Mallory's, which fails verification and says so.
    const error = await failure(bob.client.get(put.hash));
    expect(error.code).toBe("verification-failed");
    expect(error.message).toMatch(/ask by owner/);
    // The squatter cannot read the owner's object by asking for it.
    const denied = await failure(mallory.client.get(put.hash, { owner: alice.keys.publicKey }));
    expect(denied.code).toBe("permission-denied");
  });

  it("keeps serving the owner's object when a squatter stores the hash after it", async () => {
    const [alice, bob, mallory] = [await party(), await party(), await party()];
    const data = pseudoRandomBytes(3000, 8);
    const put = await alice.client.put(data, { audience: [bob.keys.publicKey] });
    await squat(mallory, put.hash, [alice.keys.publicKey, bob.keys.publicKey]);
    expect(Buffer.from(await alice.client.get(put.hash)).equals(data)).toBe(true);
    expect(Buffer.from(await bob.client.get(put.hash)).equals(data)).toBe(true);
    expect((await bob.client.stat(put.hash))?.uuid).toBe(put.uuid);
  });

  it("never lets a squatter's Put land on the owner's object, even one naming the owner's audience", async () => {
    const [alice, mallory] = [await party(), await party()];
    const data = pseudoRandomBytes(3000, 9);
    const put = await alice.client.put(data, { audience: [mallory.keys.publicKey] });
    const squatted = await squat(mallory, put.hash, [alice.keys.publicKey]);
    expect(squatted.uuid).not.toBe(put.uuid);
    expect(Buffer.from(await alice.client.get(put.hash)).equals(data)).toBe(true);
  });
});

describe("repair", () => {
  it("lets an owner replace its stored object that fails verification", async () => {
    const alice = await party();
    const data = pseudoRandomBytes(50_000, 10);
    const good = await buildPut(alice.keys, data);
    const broken = new Uint8Array(good.dime);
    broken[broken.length - 1]! ^= 0xff;
    const first = await alice.client.putDime({ dime: broken, properties: good.properties });
    expect((await failure(alice.client.get(good.hash))).code).toBe("verification-failed");

    const repaired = await alice.client.put(data);
    expect(repaired.uuid).toBe(first.uuid);
    expect(Buffer.from(await alice.client.get(good.hash)).equals(data)).toBe(true);
    // The broken payload file is gone; only the repaired one is left.
    const blobs = readdirSync(join(store.dataDir, "blobs")).flatMap((d) =>
      readdirSync(join(store.dataDir, "blobs", d)),
    );
    const stored = await store.server.storage.findObject(
      repaired.hashBase64,
      Buffer.from(alice.keys.publicKey).toString("base64"),
    );
    expect(blobs).toContain(stored!.blob);
    expect(blobs.filter((b) => b === stored!.blob)).toHaveLength(1);
  });

  it("never lets an anonymous Put replace an owner's object, even on a store that admits anonymous calls", async () => {
    const open = await startTestServer({ allowUnauthenticated: true });
    const alice = newParty(open.server.url);
    const anonymous = createEosClient({
      baseUrl: open.server.url,
      keys: { encryption: generateKeyPair() },
      authenticate: false,
    });
    parties.push(alice);
    try {
      const data = text("mine");
      const put = await alice.client.put(data);
      const forged = await buildPut(generateKeyPair(), text("not yours"), { claimedOwner: alice.keys.publicKey });
      const properties = forged.properties.map(([name, value]): [string, Uint8Array] => [
        name,
        name === "HASH" ? put.hash : value,
      ]);
      const answer = await anonymous.putDime({ dime: forged.dime, properties });
      expect(answer.uuid).toBe(put.uuid);
      expect(new TextDecoder().decode(await alice.client.get(put.hash))).toBe("mine");
    } finally {
      anonymous.close();
      await open.stop();
    }
  });
});
