import { createHash } from "node:crypto";
import { decryptDimeBytes, encryptDimeBytes, generateKeyPair, isDimeError } from "@p8e/hashing-crypto";
import { afterAll, describe, expect, it } from "vitest";
import { DimeOffload, ENCRYPT_PIECE_BYTES, repack } from "./dime-offload.js";

const MiB = 1024 * 1024;

const offload = new DimeOffload();
afterAll(() => offload.close());

function bytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (i * 31 + seed) & 0xff;
  return out;
}

async function* pieces(data: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let offset = 0; offset < data.length; offset += size) yield data.subarray(offset, offset + size);
}

async function collect(source: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of source) chunks.push(chunk);
  return Buffer.concat(chunks);
}

describe("repack", () => {
  it("copies into even pieces, whatever the input boundaries", async () => {
    const data = bytes(10_000, 1);
    const out: Uint8Array[] = [];
    for await (const piece of repack(pieces(data, 777), 4096)) out.push(piece);
    expect(out.map((piece) => piece.length)).toEqual([4096, 4096, 1808]);
    expect(Buffer.concat(out).equals(Buffer.from(data))).toBe(true);
    expect(out[0]!.buffer).not.toBe(data.buffer);
  });
});

describe("DimeOffload", () => {
  const keys = generateKeyPair();
  const data = bytes(3 * MiB + 12_345, 7);

  it("starts its worker thread", async () => {
    expect(await offload.available).toBe(true);
  });

  it("encrypts like encryptDime, in pieces just under 1 MiB, while the caller reuses its buffer", async () => {
    async function* reused(): AsyncGenerator<Uint8Array> {
      const block = new Uint8Array(MiB);
      for (let offset = 0; offset < data.length; offset += MiB) {
        const piece = data.subarray(offset, offset + MiB);
        block.set(piece);
        yield block.subarray(0, piece.length);
        block.fill(0);
      }
    }
    const dime = offload.encrypt(reused(), { owner: keys.publicKey, signer: keys });
    const chunks: Uint8Array[] = [];
    for await (const chunk of dime.stream) chunks.push(chunk);
    const result = await dime.result;
    expect(Math.max(...chunks.map((chunk) => chunk.length))).toBe(ENCRYPT_PIECE_BYTES);
    expect(Buffer.from(result.hash).equals(createHash("sha256").update(data).digest())).toBe(true);
    expect(result.plaintextLength).toBe(data.length);
    const whole = Buffer.concat(chunks);
    expect(whole.length).toBe(result.dimeLength);
    const plaintext = await decryptDimeBytes(whole, keys, { requireSignature: false, expectedHash: result.hash });
    expect(Buffer.from(plaintext).equals(Buffer.from(data))).toBe(true);
  });

  it("decrypts and verifies like decryptDime", async () => {
    const dime = await encryptDimeBytes(data, { owner: keys.publicKey, metadata: { a: "b" } });
    const { header, plaintext, verified } = await offload.decrypt(pieces(dime.bytes, 100_000), keys.privateKey, {
      expectedHash: dime.hash,
    });
    expect(header.metadata.a).toBe("b");
    expect(Buffer.from(await collect(plaintext)).equals(Buffer.from(data))).toBe(true);
    expect(Buffer.from((await verified).hash).equals(Buffer.from(dime.hash))).toBe(true);
  });

  it("reports DIME failures as DimeErrors with their code", async () => {
    const dime = await encryptDimeBytes(data, { owner: keys.publicKey });
    const { plaintext, verified } = await offload.decrypt(pieces(dime.bytes, MiB), keys.privateKey, {
      expectedHash: new Uint8Array(32),
    });
    const failure = await collect(plaintext).catch((error: unknown) => error);
    expect(isDimeError(failure) && failure.code).toBe("hash-mismatch");
    await expect(verified).rejects.toThrow(/hash/);

    const stranger = generateKeyPair();
    const refused = await offload.decrypt(pieces(dime.bytes, MiB), stranger.privateKey, {}).catch((e: unknown) => e);
    expect(isDimeError(refused)).toBe(true);
  });

  it("passes the source's own error through, and stops when the reader stops", async () => {
    const dime = await encryptDimeBytes(data, { owner: keys.publicKey });
    const broken = new Error("network went away");
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield dime.bytes.subarray(0, 2 * MiB);
      throw broken;
    }
    const { plaintext } = await offload.decrypt(failing(), keys.privateKey, {});
    expect(await collect(plaintext).catch((error: unknown) => error)).toBe(broken);

    const early = await offload.decrypt(pieces(dime.bytes, 256 * 1024), keys.privateKey, {});
    for await (const _ of early.plaintext) break;
    await expect(early.verified).rejects.toThrow();
    // The worker is still usable afterwards.
    const again = await offload.decrypt(pieces(dime.bytes, MiB), keys.privateKey, {});
    expect((await collect(again.plaintext)).length).toBe(data.length);
  });
});
