import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { createEosClient, type PutResult } from "@p8e/eos-client";
import { generateKeyPair } from "@p8e/hashing-crypto";
import { afterAll, describe, expect, it } from "vitest";
import { type ChildServer, spawnServer } from "./testdata/child-server.js";
import { pseudoRandomBytes, tempDir } from "./testdata/harness.js";

const dir = tempDir("eos-crash-");
let server: ChildServer | undefined;
afterAll(async () => {
  await server?.stop();
  dir.remove();
});

describe("durability", () => {
  it("keeps every acknowledged object byte-identical and nothing partial after kill -9 during puts", {
    timeout: 120_000,
  }, async () => {
    const keys = generateKeyPair();
    server = await spawnServer({ EOS_DATA_DIR: dir.path, EOS_INLINE_THRESHOLD: "4096" });
    let client = createEosClient({ baseUrl: server.url, keys: { encryption: keys }, retries: 0 });
    const acknowledged: Array<{ put: PutResult; data: Uint8Array }> = [];
    let attempted = 0;
    let stop = false;
    // Four writers put objects from 100 bytes to 3 MiB (inline and file-backed) until the server dies.
    const writer = async (id: number) => {
      while (!stop) {
        const n = attempted++;
        const size = [100, 3000, 70_000, 600_000, 3 * 1024 * 1024][n % 5]!;
        const data = pseudoRandomBytes(size, n * 7919 + id + 1);
        try {
          acknowledged.push({ put: await client.put(data), data });
        } catch {
          return;
        }
      }
    };
    const writers = [0, 1, 2, 3].map(writer);
    while (acknowledged.length < 25) await new Promise((resolve) => setTimeout(resolve, 10));
    await server.kill();
    stop = true;
    await Promise.all(writers);
    client.close();
    expect(attempted).toBeGreaterThan(acknowledged.length);

    server = await spawnServer({ EOS_DATA_DIR: dir.path, EOS_INLINE_THRESHOLD: "4096" });
    client = createEosClient({ baseUrl: server.url, keys: { encryption: keys } });
    for (const { put, data } of acknowledged) {
      const back = await client.get(put.hash);
      expect(Buffer.from(back).equals(data), `object ${put.hashBase64}`).toBe(true);
    }
    client.close();
    await server.stop();
    server = undefined;

    // Nothing partial: no staged files, every blob is referenced and matches its content address and length.
    expect(readdirSync(join(dir.path, "tmp"))).toEqual([]);
    const db = new DatabaseSync(join(dir.path, "eos.sqlite"), { readOnly: true });
    const rows = db.prepare("SELECT blob, body_length FROM objects WHERE blob IS NOT NULL").all() as Array<{
      blob: string;
      body_length: number;
    }>;
    const referenced = new Set(rows.map((row) => row.blob));
    for (const row of rows) {
      const path = join(dir.path, "blobs", row.blob.slice(0, 2), row.blob);
      expect(existsSync(path)).toBe(true);
      expect(statSync(path).size).toBe(row.body_length);
      expect(createHash("sha256").update(readFileSync(path)).digest("hex")).toBe(row.blob);
    }
    db.close();
    for (const prefix of readdirSync(join(dir.path, "blobs"))) {
      for (const name of readdirSync(join(dir.path, "blobs", prefix))) expect(referenced.has(name)).toBe(true);
    }
  });
});
