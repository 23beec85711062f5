import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateKeyPair } from "@p8e/hashing-crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { silentLogger } from "../logger.js";
import type { NewObject, ObjectStorage } from "./object-storage.js";
import { createSqliteStorage } from "./sqlite-storage.js";

let dataDir: string;
let storage: ObjectStorage;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "p8e-sqlite-storage-"));
  storage = createSqliteStorage({ dataDir, logger: silentLogger });
});
afterEach(async () => {
  await storage.close();
  await rm(dataDir, { recursive: true, force: true });
});

const key = () => Buffer.from(generateKeyPair().publicKey).toString("base64");

describe("createSqliteStorage() putObject", () => {
  it("takes the same bytes again as they are, and other bytes as a repair that is pushed again", async () => {
    const [owner, reader] = [key(), key()];
    const object: NewObject = {
      dimeUuid: "7f6c1a52-2d4e-4c1e-9a53-0c8f3b1d2e11",
      hash: Buffer.alloc(32, 7).toString("base64"),
      owner,
      audience: [owner, reader],
      contentLength: 5,
      header: new TextEncoder().encode("header bytes"),
      body: { kind: "inline", bytes: new TextEncoder().encode("body bytes") },
      mailType: undefined,
      properties: {},
      replicate: true,
      replace: true,
    };
    const first = await storage.putObject(object);
    expect(first.created).toBe(true);
    await storage.replicationSucceeded(first.object.uuid, reader);
    const pending = async () => (await storage.replicationStatus()).unrouted;
    expect(await pending()).toBe(0);

    // The same bytes again (the replica of mail that was also put here directly, a retried Put).
    const again = await storage.putObject({ ...object, properties: { "SOURCE::TYPE": "UkVQTElDQVRJT04=" } });
    expect([again.created, again.replaced, again.object.uuid]).toEqual([false, undefined, first.object.uuid]);
    expect(await pending()).toBe(0);

    // Other bytes under the same hash, owner and audience: a repair, pushed to the reader again.
    const repaired = await storage.putObject({
      ...object,
      body: { kind: "inline", bytes: new TextEncoder().encode("fixed") },
    });
    expect([repaired.created, repaired.replaced?.uuid, repaired.object.uuid]).toEqual([
      false,
      first.object.uuid,
      first.object.uuid,
    ]);
    expect(await pending()).toBe(1);
    const stored: Uint8Array[] = [];
    for await (const chunk of storage.readObject(repaired.object, 1 << 20)) stored.push(chunk);
    expect(Buffer.concat(stored).toString()).toBe("header bytesfixed");
  });
});
