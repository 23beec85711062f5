import { create } from "@bufbuild/protobuf";
import { createEosClient, EosError } from "@p8e/eos-client";
import { generateKeyPair, parseDimeHeader } from "@p8e/hashing-crypto";
import { HashRequestSchema } from "@p8e/spec-model/objectstore";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
const party = () => {
  const p = newParty(store.server.url);
  parties.push(p);
  return p;
};

beforeAll(async () => {
  store = await startTestServer();
});
afterAll(async () => {
  for (const p of parties) p.closeAll();
  await store.stop();
});

describe("createEosClient()", () => {
  it("puts and gets protobuf messages by the hash of their canonical encoding", async () => {
    const alice = party();
    const message = create(HashRequestSchema, { hash: new Uint8Array(32).fill(3), publicKey: alice.keys.publicKey });
    const put = await alice.client.putMessage(HashRequestSchema, message);
    const back = await alice.client.getMessage(HashRequestSchema, put.hashBase64);
    expect(Buffer.from(back.publicKey).equals(Buffer.from(alice.keys.publicKey))).toBe(true);
  });

  it("refuses an object whose plaintext does not match the hash it was stored under", async () => {
    const alice = party();
    const put = await buildPut(alice.keys, new TextEncoder().encode("real content"));
    const forged: Array<[string, Uint8Array]> = put.properties.map(([name, value]) => [
      name,
      name === "HASH" ? new Uint8Array(32).fill(1) : value,
    ]);
    await alice.client.putDime({ dime: put.dime, properties: forged, contentLength: put.contentLength });
    const error = await alice.client.get(new Uint8Array(32).fill(1)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EosError);
    expect((error as EosError).code).toBe("verification-failed");
    expect((error as EosError).message).toMatch(/hash/);
  });

  it("refuses an object signed by someone other than the expected signer", async () => {
    const alice = party();
    const put = await alice.client.put(new TextEncoder().encode("signed by alice"));
    const error = await alice.client
      .get(put.hash, { expectedSigner: generateKeyPair().publicKey })
      .catch((e: unknown) => e);
    expect((error as EosError).code).toBe("verification-failed");
  });

  it("shares an ephemeral key between the objects it writes to one reader, unless told not to", async () => {
    const bob = generateKeyPair();
    /** The ephemeral key of bob's audience entry in the DIME the store holds. */
    const bobsEphemeralKey = async (hash: Uint8Array, owner: Uint8Array) => {
      const bobKey = Buffer.from(bob.publicKey).toString("base64");
      const stored = await store.server.storage.findObject(
        Buffer.from(hash).toString("base64"),
        bobKey,
        Buffer.from(owner).toString("base64"),
      );
      const chunks: Uint8Array[] = [];
      for await (const chunk of store.server.storage.readObject(stored!, 1 << 20)) chunks.push(chunk);
      const { header } = parseDimeHeader(Buffer.concat(chunks));
      const entry = header.dime.audience.find((e) => Buffer.from(e.publicKey).toString() === bobKey)!;
      return Buffer.from(entry.ephemeralPubkey).toString();
    };
    const write = async (p: Party, client = p.client) => {
      const puts = [];
      for (const text of ["one", "two"])
        puts.push(await client.put(new TextEncoder().encode(text), { audience: [bob.publicKey] }));
      return Promise.all(puts.map((put) => bobsEphemeralKey(put.hash, p.keys.publicKey)));
    };
    const [first, second] = await write(party());
    expect(first).toBe(second);
    const alice = party();
    const [fresh, other] = await write(alice, alice.connect(store.server.url, { dimeKeyCache: false }));
    expect(fresh).not.toBe(other);
    // Either way bob reads them.
    const reader = createEosClient({ baseUrl: store.server.url, keys: { encryption: bob } });
    try {
      const put = await alice.client.put(new TextEncoder().encode("three"), { audience: [bob.publicKey] });
      expect(new TextDecoder().decode(await reader.get(put.hash))).toBe("three");
    } finally {
      reader.close();
    }
  });

  it("enforces deadlines", async () => {
    const alice = party();
    const put = await alice.client.put(pseudoRandomBytes(6 * 1024 * 1024, 2));
    const error = await alice.client.get(put.hash, { timeoutMs: 1 }).catch((e: unknown) => e);
    expect((error as EosError).code).toBe("deadline-exceeded");
  });

  it("retries calls that fail with UNAVAILABLE until the store is back", async () => {
    const own = await startTestServer();
    const keys = generateKeyPair();
    const client = createEosClient({
      baseUrl: own.server.url,
      keys: { encryption: keys },
      retries: 6,
      retryDelayMs: 100,
    });
    try {
      await client.put(new TextEncoder().encode("warm up"));
      const port = own.server.port;
      await own.server.close();
      setTimeout(() => void own.restart({ port }), 300);
      const put = await client.put(new TextEncoder().encode("after the outage"));
      expect(new TextDecoder().decode(await client.get(put.hash))).toBe("after the outage");
      const noRetry = createEosClient({ baseUrl: "http://127.0.0.1:9", keys: { encryption: keys }, retries: 0 });
      await expect(noRetry.put(new Uint8Array(1))).rejects.toMatchObject({ code: "unavailable" });
      noRetry.close();
    } finally {
      client.close();
      await own.stop();
    }
  });

  it("gets an object by the object:// URI its put returned, and says what to pass for anything else", async () => {
    const alice = party();
    // Hashes whose base64 has "/" and "+" in it must survive the URI too.
    for (let seed = 1; seed <= 8; seed++) {
      const data = pseudoRandomBytes(100, seed);
      const put = await alice.client.put(data);
      expect(put.uri).toMatch(/^object:\/\/127\.0\.0\.1:\d+\//);
      expect(Buffer.from(await alice.client.get(put.uri)).equals(data)).toBe(true);
      expect((await alice.client.stat(put.uri))?.uuid).toBe(put.uuid);
    }
    const error = (await alice.client.get("not a hash!").catch((e: unknown) => e)) as EosError;
    expect(error.code).toBe("invalid-argument");
    expect(error.message).toMatch(/pass the hash bytes, its base64, or the object:\/\/ URI/);
  });

  it("keeps pushes for audience keys that no store knows visible as unrouted", async () => {
    const alice = party();
    await alice.client.registerKey(alice.keys.publicKey);
    const before = (await alice.client.replicationStatus()).unrouted;
    const stranger = generateKeyPair().publicKey;
    await alice.client.put(new TextEncoder().encode("for a stranger"), { audience: [stranger] });
    const status = await alice.client.replicationStatus();
    expect(status.unrouted).toBe(before + 1);
    expect(status.unroutedKeys).toContainEqual({ publicKey: stranger, pending: 1 });
  });
});
