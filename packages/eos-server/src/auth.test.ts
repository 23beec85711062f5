import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { createEosClient, EosError, putRequests } from "@p8e/eos-client";
import { generateKeyPair, sign } from "@p8e/hashing-crypto";
import { EosService } from "@p8e/spec-model/eos";
import { MailboxService, ObjectService, PublicKeyService } from "@p8e/spec-model/objectstore";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AUTH_SIGNING_PREFIX } from "./auth.js";
import { buildPut, newParty, type Party, startTestServer, type TestServer, tokenFor } from "./testdata/harness.js";

let store: TestServer;
const parties: Party[] = [];
const party = (url = store.server.url) => {
  const p = newParty(url);
  parties.push(p);
  return p;
};
const anonymousTransport = () => createGrpcTransport({ baseUrl: store.server.url });
const codeOf = (error: unknown) => (error instanceof ConnectError ? error.code : EosError.from(error).grpcCode);

async function rawPut(transport: ReturnType<typeof createGrpcTransport>, put: Awaited<ReturnType<typeof buildPut>>) {
  const objects = createClient(ObjectService, transport);
  return objects.put(putRequests([put.dime], BigInt(put.contentLength), async () => put));
}

beforeAll(async () => {
  store = await startTestServer();
});
afterAll(async () => {
  for (const p of parties) p.closeAll();
  await store.stop();
});

describe("authentication", () => {
  it("refuses a Put, a Get, mail and key registration without a token", async () => {
    const transport = anonymousTransport();
    const keys = generateKeyPair();
    const put = await buildPut(keys, new TextEncoder().encode("x"));
    const attempts = [
      rawPut(transport, put),
      (async () => {
        for await (const _ of createClient(ObjectService, transport).get({
          hash: put.hash,
          publicKey: keys.publicKey,
        })) {
        }
      })(),
      (async () => {
        for await (const _ of createClient(MailboxService, transport).get({
          publicKey: keys.publicKey,
          maxResults: 1,
        })) {
        }
      })(),
      createClient(PublicKeyService, transport).add({
        publicKey: { key: { case: "secp256k1", value: keys.publicKey } },
      }),
    ];
    for (const attempt of attempts) {
      const error = await attempt.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(codeOf(error)).toBe(Code.Unauthenticated);
      expect((error as Error).message).toMatch(/needs a bearer token/);
    }
  });

  it("refuses a token that was not issued by the store", async () => {
    const objects = createClient(ObjectService, anonymousTransport());
    const error = await (async () => {
      for await (const _ of objects.get(
        { hash: new Uint8Array(32), publicKey: generateKeyPair().publicKey },
        { headers: { authorization: "Bearer eos1.e30.AAAA" } },
      )) {
      }
    })().catch((e: unknown) => e);
    expect(codeOf(error)).toBe(Code.Unauthenticated);
    expect((error as Error).message).toMatch(/not issued by this store/);
  });

  it("refuses a signature made with another key and a reused challenge", async () => {
    const eos = createClient(EosService, anonymousTransport());
    const { challenge } = await eos.createChallenge({});
    const message = new Uint8Array([...new TextEncoder().encode(AUTH_SIGNING_PREFIX), ...challenge]);
    const claimed = generateKeyPair();
    const wrong = await eos
      .authenticate({
        challenge,
        proofs: [{ publicKey: claimed.publicKey, signature: sign(message, generateKeyPair()) }],
      })
      .catch((e: unknown) => e);
    expect(codeOf(wrong)).toBe(Code.Unauthenticated);
    expect((wrong as Error).message).toMatch(/does not verify/);
    const ok = await eos.authenticate({
      challenge,
      proofs: [{ publicKey: claimed.publicKey, signature: sign(message, claimed) }],
    });
    expect(ok.token).toMatch(/^eos1\./);
    const replay = await eos
      .authenticate({ challenge, proofs: [{ publicKey: claimed.publicKey, signature: sign(message, claimed) }] })
      .catch((e: unknown) => e);
    expect((replay as Error).message).toMatch(/already used/);
  });

  it("refuses a Put whose DIME owner is not the authenticated key", async () => {
    const mallory = party();
    const victim = generateKeyPair();
    const put = await buildPut(victim, new TextEncoder().encode("forged"));
    const error = await mallory.client
      .putDime({ dime: put.dime, properties: put.properties, contentLength: put.contentLength })
      .catch((e: unknown) => e);
    expect((error as EosError).code).toBe("permission-denied");
    expect((error as EosError).message).toMatch(/does not act for the DIME owner/);
  });

  it("refuses a Get for a key the token does not act for, and someone else's object", async () => {
    const alice = party();
    const mallory = party();
    const put = await alice.client.put(new TextEncoder().encode("alice only"));
    // Asking as Alice's key with Mallory's token.
    const objects = createClient(ObjectService, createGrpcTransport({ baseUrl: store.server.url }));
    const token = await tokenFor(store.server.url, mallory.keys);
    const asAlice = await (async () => {
      for await (const _ of objects.get(
        { hash: put.hash, publicKey: alice.keys.publicKey },
        { headers: { authorization: `Bearer ${token}` } },
      )) {
      }
    })().catch((e: unknown) => e);
    expect(codeOf(asAlice)).toBe(Code.PermissionDenied);
    // Asking as Mallory's own key.
    const own = await mallory.client.get(put.hash).catch((e: unknown) => e);
    expect((own as EosError).code).toBe("permission-denied");
  });

  it("lets a caller register its own key, a member register a counterparty, and nobody take over a local key", async () => {
    const alice = party();
    const bob = party();
    const stranger = party();
    await alice.client.registerKey(alice.keys.publicKey);
    const counterparty = generateKeyPair();
    await alice.client.registerKey(counterparty.publicKey, { url: "grpc://other-store:5000" });
    const takeover = await stranger.client
      .registerKey(alice.keys.publicKey, { url: "http://evil:1" })
      .catch((e: unknown) => e);
    expect((takeover as EosError).code).toBe("permission-denied");
    const notMember = await bob.client
      .registerKey(generateKeyPair().publicKey, { url: "http://x:1" })
      .catch((e: unknown) => e);
    expect((notMember as EosError).code).toBe("permission-denied");
    const badUrl = await alice.client
      .registerKey(generateKeyPair().publicKey, { url: "not a url" })
      .catch((e: unknown) => e);
    expect((badUrl as EosError).code).toBe("invalid-argument");
  });

  it("admits unauthenticated upstream clients only behind the compatibility switch", async () => {
    const compat = await startTestServer({ allowUnauthenticated: true });
    try {
      const keys = generateKeyPair();
      const client = createEosClient({ baseUrl: compat.server.url, keys: { encryption: keys }, authenticate: false });
      const put = await client.put(new TextEncoder().encode("upstream style"));
      expect(new TextDecoder().decode(await client.get(put.hash))).toBe("upstream style");
      client.close();
    } finally {
      await compat.stop();
    }
  });
});
