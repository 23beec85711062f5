import { createHash } from "node:crypto";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { EosError } from "@p8e/eos-client";
import { Health, HealthCheckResponse_ServingStatus } from "@p8e/spec-model/eos";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newParty, type Party, pseudoRandomBytes, startTestServer, type TestServer } from "./testdata/harness.js";

let store: TestServer;
const parties: Party[] = [];
const party = () => {
  const p = newParty(store.server.url);
  parties.push(p);
  return p;
};

beforeAll(async () => {
  store = await startTestServer({ maxObjectBytes: 8 * 1024 * 1024 });
});
afterAll(async () => {
  for (const p of parties) p.closeAll();
  await store.stop();
});

describe("startEosServer()", () => {
  it("round-trips bytes through put and get, verified, with the SHA-256 hash", async () => {
    const alice = party();
    const data = pseudoRandomBytes(200_000, 7);
    const put = await alice.client.put(data);
    expect(put.hashBase64).toBe(createHash("sha256").update(data).digest("base64"));
    expect(put.contentLength).toBe(data.length);
    expect(put.uri).toBe(`object://127.0.0.1:${store.server.port}/${put.hashBase64}`);
    expect(Buffer.from(await alice.client.get(put.hash)).equals(data)).toBe(true);
  });

  it("round-trips small objects kept inline and empty objects", async () => {
    const alice = party();
    for (const data of [new Uint8Array(0), new TextEncoder().encode("hello")]) {
      const put = await alice.client.put(data);
      expect(Buffer.from(await alice.client.get(put.hashBase64)).equals(data)).toBe(true);
    }
  });

  it("streams a put from an async iterable with progress callbacks", async () => {
    const alice = party();
    const parts = [pseudoRandomBytes(3_000_000, 1), pseudoRandomBytes(1_500_000, 2)];
    async function* source() {
      yield* parts;
    }
    const progress: number[] = [];
    const put = await alice.client.put(source(), { onProgress: (n) => progress.push(n) });
    expect(progress.at(-1)).toBe(4_500_000);
    const received: number[] = [];
    const back = await alice.client.get(put.hash, { onProgress: (n) => received.push(n) });
    expect(Buffer.from(back).equals(Buffer.concat(parts))).toBe(true);
    expect(received.at(-1)).toBe(4_500_000);
  });

  it("lets audience keys read an object and refuses everyone else", async () => {
    const alice = party();
    const bob = party();
    const eve = party();
    const put = await alice.client.put(new TextEncoder().encode("for bob"), { audience: [bob.keys.publicKey] });
    expect(new TextDecoder().decode(await bob.client.get(put.hash))).toBe("for bob");
    const refused = await eve.client.get(put.hash).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(EosError);
    expect((refused as EosError).code).toBe("permission-denied");
    expect((refused as EosError).message).toMatch(/neither the owner nor in the audience/);
  });

  it("deduplicates a re-put of the same plaintext for the same audience", async () => {
    const alice = party();
    const data = new TextEncoder().encode("same bytes");
    const first = await alice.client.put(data);
    const second = await alice.client.put(data);
    expect(second.uuid).toBe(first.uuid);
    const bob = party();
    const third = await alice.client.put(data, { audience: [bob.keys.publicKey] });
    expect(third.uuid).not.toBe(first.uuid);
  });

  it("reports stat and existence only to keys that may read the object", async () => {
    const alice = party();
    const bob = party();
    const put = await alice.client.put(new TextEncoder().encode("stat me"), { audience: [bob.keys.publicKey] });
    const info = await bob.client.stat(put.hash);
    expect(info?.uuid).toBe(put.uuid);
    expect(info?.contentLength).toBe(7);
    expect(Buffer.from(info!.owner).equals(Buffer.from(alice.keys.publicKey))).toBe(true);
    expect(await party().client.exists(put.hash)).toBe(false);
    expect(await alice.client.exists(new Uint8Array(32))).toBe(false);
  });

  it("answers NOT_FOUND for a hash nobody stored", async () => {
    const error = await party()
      .client.get(new Uint8Array(32).fill(9))
      .catch((e: unknown) => e);
    expect((error as EosError).code).toBe("not-found");
  });

  it("answers RESOURCE_EXHAUSTED past the maximum object size and keeps nothing", async () => {
    const alice = party();
    const error = await alice.client.put(pseudoRandomBytes(9 * 1024 * 1024, 3)).catch((e: unknown) => e);
    expect((error as EosError).code).toBe("resource-exhausted");
    expect((error as EosError).message).toMatch(/maximum of 8388608 bytes/);
  });

  it("serves the same API over Connect and gRPC-web", async () => {
    for (const protocol of ["connect", "grpc-web"] as const) {
      const p = newParty(store.server.url, { protocol });
      parties.push(p);
      const put = await p.client.put(new TextEncoder().encode(protocol));
      expect(new TextDecoder().decode(await p.client.get(put.hash))).toBe(protocol);
    }
  });

  it("answers standard gRPC health checks", async () => {
    const transport = createGrpcTransport({ baseUrl: store.server.url });
    const health = createClient(Health, transport);
    expect((await health.check({ service: "" })).status).toBe(HealthCheckResponse_ServingStatus.SERVING);
    expect((await health.check({ service: "objectstore.ObjectService" })).status).toBe(
      HealthCheckResponse_ServingStatus.SERVING,
    );
    await expect(health.check({ service: "nope" })).rejects.toThrow(/unknown service/);
  });

  it("describes itself: node key, auth, limits", async () => {
    const info = await party().client.serverInfo();
    expect(Buffer.from(info.nodePublicKey).equals(Buffer.from(store.server.nodePublicKey))).toBe(true);
    expect(info.authRequired).toBe(true);
    expect(info.maxObjectBytes).toBe(8n * 1024n * 1024n);
  });

  it("keeps small payloads inline and large ones in content-addressed files", async () => {
    const alice = party();
    const small = await alice.client.put(new TextEncoder().encode("tiny"));
    const large = await alice.client.put(pseudoRandomBytes(100_000, 5));
    const response = async (hash: Uint8Array) =>
      (await store.server.storage.findObject(
        Buffer.from(hash).toString("base64"),
        Buffer.from(alice.keys.publicKey).toString("base64"),
      ))!;
    expect((await response(small.hash)).blob).toBeUndefined();
    expect((await response(large.hash)).blob).toMatch(/^[0-9a-f]{64}$/);
  });

  it("writes structured log lines for puts", async () => {
    await party().client.put(new TextEncoder().encode("log me"));
    const line = store.logger.lines.find((l) => l.event === "object.put");
    expect(line?.fields).toMatchObject({ created: true });
  });
});
