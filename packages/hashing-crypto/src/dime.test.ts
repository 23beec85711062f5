import { createPublicKey, verify as nodeVerify } from "node:crypto";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { describe, expect, it } from "vitest";
import { concatBytes, readU32be } from "./bytes.js";
import {
  decryptDime,
  decryptDimeBytes,
  encryptDime,
  encryptDimeBytes,
  HEADER_MAC_METADATA,
  HEADER_MAC_PROTO_METADATA,
  SIGNATURE_PUBLIC_KEY_METADATA,
} from "./dime.js";
import { DimeError, isDimeError } from "./dime-error.js";
import {
  createDimeSignature,
  DIME_MAGIC,
  type DimeHeader,
  parseDimeHeader,
  rewriteDimeSignatures,
  serializeDimeHeader,
} from "./dime-format.js";
import { DimeContext, encodeDimeProto } from "./dime-proto.js";
import { base64ToBytes, bytesToBase64, bytesToHex, bytesToUtf8, utf8ToBytes } from "./encoding.js";
import { sha256, sha512 } from "./hash.js";
import { generateKeyPair, type KeyPair } from "./keys.js";
import { publicKeyToPem } from "./pem.js";
import { sign } from "./sign.js";
import { chunked, collect, pseudoRandomBytes } from "./testdata/helpers.js";
import { upstreamDecrypt, upstreamEncrypt } from "./testdata/upstream.js";

const owner = generateKeyPair();
const readerA = generateKeyPair();
const readerB = generateKeyPair();
const outsider = generateKeyPair();

async function rejection(promise: Promise<unknown>): Promise<DimeError> {
  try {
    await promise;
  } catch (error) {
    if (isDimeError(error)) return error;
    throw error;
  }
  throw new Error("expected a DimeError");
}

/** What the object store does on Put: put the owner's signature into the signatures section. */
function storeRewrite(bytes: Uint8Array, signature: Uint8Array, signer: KeyPair): Uint8Array {
  const { header, payloadOffset } = parseDimeHeader(bytes);
  const rewritten = rewriteDimeSignatures(header, [createDimeSignature(signature, publicKeyToPem(signer.publicKey))]);
  return concatBytes(rewritten, bytes.subarray(payloadOffset));
}

/** Re-serialises a DIME with a changed header (for header-MAC tests). */
function withHeader(bytes: Uint8Array, change: (header: DimeHeader) => Parameters<typeof serializeDimeHeader>[0]) {
  const { header, payloadOffset } = parseDimeHeader(bytes);
  return concatBytes(serializeDimeHeader(change(header)), bytes.subarray(payloadOffset));
}

describe("encryptDime()", () => {
  it("writes the upstream container: magic, version, five sections, then u32(12) ‖ iv ‖ ciphertext ‖ tag", async () => {
    const plaintext = utf8ToBytes("layout check");
    const dime = await encryptDimeBytes(plaintext, { owner: owner.publicKey });
    const { bytes } = dime;
    expect(readU32be(bytes, 0)).toBe(DIME_MAGIC);
    expect(bytesToHex(bytes.subarray(0, 6))).toBe("44494d450001");
    expect(readU32be(bytes, 6)).toBe(16);
    const { header, payloadOffset } = parseDimeHeader(bytes);
    expect(payloadOffset).toBe(dime.header.length);
    expect(bytes.subarray(0, payloadOffset)).toEqual(dime.header);
    expect(header.uuid).toBe(dime.dimeUuid);
    expect(header.uri).toBe("");
    expect(bytesToUtf8(header.sections.signatures)).toBe("[]");
    expect(readU32be(bytes, payloadOffset)).toBe(12);
    expect(bytes.length).toBe(payloadOffset + 4 + 12 + plaintext.length + 16);
    expect(dime.dimeLength).toBe(bytes.length);
    expect(dime.plaintextLength).toBe(plaintext.length);
    expect(dime.hash).toEqual(sha256(plaintext));
  });

  it("fills the DIME protobuf like the Kotlin os-client", async () => {
    const now = new Date("2026-01-02T03:04:05.678Z");
    const { bytes } = await encryptDimeBytes(new Uint8Array(1), {
      owner: owner.compressedPublicKey,
      audience: [readerA.publicKey, readerB.compressedPublicKey, readerA.compressedPublicKey],
      uuid: "11111111-2222-3333-4444-555555555555",
      dimeUuid: "66666666-7777-8888-9999-aaaaaaaaaaaa",
      now,
    });
    const { header } = parseDimeHeader(bytes);
    const { dime } = header;
    expect(header.uuid).toBe("66666666-7777-8888-9999-aaaaaaaaaaaa");
    expect(dime.uuid).toEqual({ value: "11111111-2222-3333-4444-555555555555" });
    expect(dime.audience.map((entry) => entry.context)).toEqual([
      DimeContext.RETRIEVAL,
      DimeContext.RETRIEVAL,
      DimeContext.SUBMISSION,
    ]);
    expect(dime.owner).toEqual(dime.audience.at(-1));
    const keyText = (entry: { publicKey: Uint8Array }) => bytesToUtf8(entry.publicKey);
    expect(dime.audience.map(keyText)).toEqual([readerA, readerB, owner].map((k) => bytesToBase64(k.publicKey)));
    for (const entry of dime.audience) {
      expect(entry.payloadId).toBe(0);
      expect(base64ToBytes(bytesToUtf8(entry.ephemeralPubkey))).toHaveLength(65);
      expect(base64ToBytes(bytesToUtf8(entry.encryptedDek))).toHaveLength(4 + 12 + 44 + 16);
      const tag = base64ToBytes(bytesToUtf8(entry.tag));
      expect(tag).toHaveLength(4 + 12 + 32 + 16);
      expect(tag.subarray(4, 16)).toEqual(new Uint8Array(12));
    }
    expect(dime.payload).toEqual([{ id: 0, cipherText: new Uint8Array(0) }]);
    const seconds = BigInt(Math.floor(now.getTime() / 1000));
    expect(dime.auditFields).toEqual({
      createdDate: { seconds, nanos: 0 },
      createdBy: "",
      updatedDate: { seconds, nanos: 0 },
      updatedBy: "",
      version: 1,
      message: "",
    });
    expect(dime.metadata).toEqual({ [HEADER_MAC_PROTO_METADATA]: "v1" });
  });

  it("puts metadata, the signer's PEM and the header MAC in the JSON header", async () => {
    const { bytes, signerPem } = await encryptDimeBytes(new Uint8Array(2), {
      owner: owner.publicKey,
      metadata: { "P8EAPI::TYPE": "FRAGMENT_REQUEST" },
      signer: owner,
    });
    const { header } = parseDimeHeader(bytes);
    expect(Object.keys(header.metadata)).toEqual(["P8EAPI::TYPE", SIGNATURE_PUBLIC_KEY_METADATA, HEADER_MAC_METADATA]);
    expect(header.metadata[SIGNATURE_PUBLIC_KEY_METADATA]).toBe(publicKeyToPem(owner.publicKey));
    expect(signerPem).toBe(publicKeyToPem(owner.publicKey));
    expect(base64ToBytes(header.metadata[HEADER_MAC_METADATA]!)).toHaveLength(32);
  });

  it("writes exactly the upstream shape without the header MAC when asked", async () => {
    const { bytes } = await encryptDimeBytes(new Uint8Array(2), { owner: owner.publicKey, headerMac: false });
    const { header } = parseDimeHeader(bytes);
    expect(header.metadata).toEqual({});
    expect(bytesToUtf8(header.sections.metadata)).toBe("{}");
    expect(header.dime.metadata).toEqual({});
    expect(upstreamDecrypt(bytes, owner.privateKey)).toEqual(new Uint8Array(2));
  });

  it("is readable by an independent implementation of the upstream reader", async () => {
    const plaintext = pseudoRandomBytes(5000, 7);
    const { bytes } = await encryptDimeBytes(plaintext, {
      owner: owner.publicKey,
      audience: [readerA.publicKey],
      metadata: { x: "y" },
      signer: owner,
    });
    expect(upstreamDecrypt(bytes, owner.privateKey)).toEqual(plaintext);
    expect(upstreamDecrypt(bytes, readerA.privateKey)).toEqual(plaintext);
  });

  it("signs the plaintext with SHA512withECDSA (checked with OpenSSL)", async () => {
    const plaintext = utf8ToBytes("signed payload");
    const { signature } = await encryptDimeBytes(plaintext, { owner: owner.publicKey, signer: owner });
    const key = createPublicKey(publicKeyToPem(owner.publicKey));
    expect(nodeVerify("sha512", plaintext, { key, dsaEncoding: "der" }, signature!)).toBe(true);
  });

  it("streams from an async iterable in bounded chunks with the same hash as one buffer", async () => {
    const plaintext = pseudoRandomBytes(3 * 1024 * 1024 + 17, 3);
    const dime = encryptDime(chunked(plaintext, 700_000), { owner: owner.publicKey });
    let largest = 0;
    const chunks: Uint8Array[] = [];
    for await (const chunk of dime.stream) {
      largest = Math.max(largest, chunk.length);
      chunks.push(chunk);
    }
    const result = await dime.result;
    expect(largest).toBeLessThanOrEqual(1024 * 1024 + dime.header.length + 16);
    expect(result.hash).toEqual(sha256(plaintext));
    expect(result.plaintextLength).toBe(plaintext.length);
    expect(Buffer.compare(await decryptDimeBytes(concatBytes(...chunks), owner), plaintext)).toBe(0);
  });

  it("can be read only once", async () => {
    const dime = encryptDime(new Uint8Array(1), { owner: owner.publicKey });
    await collect(dime.stream);
    expect(() => dime.stream[Symbol.asyncIterator]()).toThrow(/read only once/);
  });

  it("passes a failing source's error through the stream and rejects the result", async () => {
    async function* failing() {
      yield new Uint8Array(10);
      throw new Error("disk on fire");
    }
    const dime = encryptDime(failing(), { owner: owner.publicKey });
    await expect(collect(dime.stream)).rejects.toThrow("disk on fire");
    await expect(dime.result).rejects.toThrow("disk on fire");
  });

  it("settles the result before the last chunk, so stopping there is fine", async () => {
    const dime = encryptDime(new Uint8Array(10), { owner: owner.publicKey });
    let total = 0;
    for await (const chunk of dime.stream) {
      total += chunk.length;
      if (total === dime.header.length + 4 + 12 + 10 + 16) break;
    }
    expect((await dime.result).dimeLength).toBe(total);
  });

  it("rejects the result when the stream is abandoned", async () => {
    const dime = encryptDime(new Uint8Array(10), { owner: owner.publicKey });
    for await (const _chunk of dime.stream) break;
    await expect(dime.result).rejects.toThrow(/not read to the end/);
  });

  it("validates its options", () => {
    expect(() => encryptDime(new Uint8Array(1), { owner: new Uint8Array(64) })).toThrow(RangeError);
    expect(() =>
      encryptDime(new Uint8Array(1), { owner: owner.publicKey, metadata: { a: 1 as unknown as string } }),
    ).toThrow(TypeError);
    expect(() =>
      encryptDime(new Uint8Array(1), { owner: owner.publicKey, metadata: { [HEADER_MAC_METADATA]: "x" } }),
    ).toThrow(/reserved key/);
    expect(() => encryptDime("text" as unknown as Uint8Array, { owner: owner.publicKey })).toThrow(TypeError);
    expect(() => encryptDime(new Uint8Array(1), { owner: owner.publicKey, dimeUuid: "nope" })).toThrow(RangeError);
    expect(() =>
      encryptDime(new Uint8Array(1), {
        owner: owner.publicKey,
        signer: { privateKey: owner.privateKey, publicKey: readerA.publicKey },
      }),
    ).toThrow(/does not belong/);
  });
});

describe("decryptDimeBytes()", () => {
  it.each([0, 1, 15, 16, 17, 4096])("round-trips %i bytes", async (size) => {
    const plaintext = pseudoRandomBytes(size, size + 1);
    const { bytes } = await encryptDimeBytes(plaintext, { owner: owner.publicKey });
    expect(await decryptDimeBytes(bytes, owner)).toEqual(plaintext);
    expect(await decryptDimeBytes(bytes, owner.privateKey)).toEqual(plaintext);
  });

  it("leaves a raw private key intact (it wipes only its own copy)", async () => {
    const key = owner.privateKey;
    const { bytes } = await encryptDimeBytes(utf8ToBytes("kept"), { owner: owner.publicKey, signer: key });
    await decryptDimeBytes(bytes, key, { requireSignature: false });
    expect(key).toEqual(owner.privateKey);
  });

  it("lets every reader decrypt and refuses a key outside the audience", async () => {
    const plaintext = utf8ToBytes("for three readers");
    const { bytes } = await encryptDimeBytes(plaintext, {
      owner: owner.publicKey,
      audience: [readerA.publicKey, readerB.publicKey],
    });
    for (const keys of [owner, readerA, readerB]) expect(await decryptDimeBytes(bytes, keys)).toEqual(plaintext);
    const error = await rejection(decryptDimeBytes(bytes, outsider));
    expect(error.code).toBe("not-in-audience");
  });

  it("reads DIMEs written by an independent upstream-style writer, IV lengths included", async () => {
    for (const [dekIvLength, payloadIvLength] of [
      [12, 12],
      [13, 16],
      [15, 14],
    ] as const) {
      const plaintext = pseudoRandomBytes(333, dekIvLength);
      const { bytes, hash } = upstreamEncrypt(plaintext, {
        owner: owner.publicKey,
        audience: [readerA.publicKey],
        metadata: { "P8EAPI::TYPE": "FRAGMENT_RESPONSE" },
        dekIvLength,
        payloadIvLength,
      });
      expect(await decryptDimeBytes(bytes, readerA, { expectedHash: hash })).toEqual(plaintext);
      const { verified } = await decryptDime(bytes, owner).then(async (d) => {
        await collect(d.plaintext);
        return d;
      });
      expect((await verified).headerAuthenticated).toBe(false);
    }
  });

  it("rejects DEK IVs of 16 bytes and payload IVs of 17 bytes, like upstream readers", async () => {
    const wideDek = upstreamEncrypt(new Uint8Array(3), { owner: owner.publicKey, dekIvLength: 16 });
    expect((await rejection(decryptDimeBytes(wideDek.bytes, owner))).code).toBe("malformed");
    const widePayload = upstreamEncrypt(new Uint8Array(3), { owner: owner.publicKey, payloadIvLength: 17 });
    expect((await rejection(decryptDimeBytes(widePayload.bytes, owner))).code).toBe("malformed");
  });

  describe("signatures", () => {
    const plaintext = utf8ToBytes("a signed object");

    it("verifies the signature the object store embeds", async () => {
      const { bytes, signature } = await encryptDimeBytes(plaintext, { owner: owner.publicKey, signer: owner });
      const stored = storeRewrite(bytes, signature!, owner);
      expect(await decryptDimeBytes(stored, owner)).toEqual(plaintext);
      const decrypted = await decryptDime(stored, owner, { expectedSigner: owner.compressedPublicKey });
      await collect(decrypted.plaintext);
      const verified = await decrypted.verified;
      expect(verified.signer?.publicKey).toEqual(owner.publicKey);
      expect(verified.signer?.pem).toBe(publicKeyToPem(owner.publicKey));
      expect(verified.headerAuthenticated).toBe(true);
    });

    it("accepts a high-S signature, as BouncyCastle writers may produce", async () => {
      const { bytes, signature } = await encryptDimeBytes(plaintext, { owner: owner.publicKey, signer: owner });
      const parsed = secp256k1.Signature.fromBytes(signature!, "der");
      const twin = new secp256k1.Signature(parsed.r, secp256k1.Point.Fn.ORDER - parsed.s).toBytes("der");
      expect(await decryptDimeBytes(storeRewrite(bytes, twin, owner), owner)).toEqual(plaintext);
    });

    it("insists on a signature when the metadata names a signer, unless told otherwise", async () => {
      const { bytes } = await encryptDimeBytes(plaintext, { owner: owner.publicKey, signer: owner });
      expect((await rejection(decryptDimeBytes(bytes, owner))).code).toBe("bad-signature");
      expect(await decryptDimeBytes(bytes, owner, { requireSignature: false })).toEqual(plaintext);
    });

    it("rejects a signature over other data, or by another key", async () => {
      const { bytes } = await encryptDimeBytes(plaintext, { owner: owner.publicKey, signer: owner });
      const wrongData = storeRewrite(bytes, sign(utf8ToBytes("other"), owner), owner);
      expect((await rejection(decryptDimeBytes(wrongData, owner))).code).toBe("bad-signature");
      const wrongKey = storeRewrite(bytes, sign(plaintext, readerA), readerA);
      expect((await rejection(decryptDimeBytes(wrongKey, owner))).code).toBe("bad-signature");
    });

    it("checks an expected signer against the embedded signatures", async () => {
      const { bytes, signature } = await encryptDimeBytes(plaintext, { owner: owner.publicKey, signer: owner });
      const stored = storeRewrite(bytes, signature!, owner);
      const error = await rejection(decryptDimeBytes(stored, owner, { expectedSigner: readerA.publicKey }));
      expect(error.code).toBe("bad-signature");
      const unsigned = await encryptDimeBytes(plaintext, { owner: owner.publicKey });
      expect((await rejection(decryptDimeBytes(unsigned.bytes, owner, { expectedSigner: owner.publicKey }))).code).toBe(
        "bad-signature",
      );
    });

    it("verifies the first signature of an upstream object that names no signer in its metadata", async () => {
      const upstream = upstreamEncrypt(plaintext, { owner: owner.publicKey });
      const stored = storeRewrite(upstream.bytes, sign(plaintext, readerB), readerB);
      const decrypted = await decryptDime(stored, owner);
      await collect(decrypted.plaintext);
      expect((await decrypted.verified).signer?.publicKey).toEqual(readerB.publicKey);
      const forged = storeRewrite(upstream.bytes, sign(utf8ToBytes("x"), readerB), readerB);
      expect((await rejection(decryptDimeBytes(forged, owner))).code).toBe("bad-signature");
    });
  });

  describe("expected hash", () => {
    const plaintext = utf8ToBytes("hash me");

    it("accepts SHA-256, its 16-byte prefix (loHash) and SHA-512", async () => {
      const { bytes } = await encryptDimeBytes(plaintext, { owner: owner.publicKey });
      for (const expectedHash of [sha256(plaintext), sha256(plaintext).subarray(0, 16), sha512(plaintext)]) {
        expect(await decryptDimeBytes(bytes, owner, { expectedHash })).toEqual(plaintext);
      }
    });

    it("rejects a different hash", async () => {
      const { bytes } = await encryptDimeBytes(plaintext, { owner: owner.publicKey });
      const error = await rejection(decryptDimeBytes(bytes, owner, { expectedHash: sha256(utf8ToBytes("other")) }));
      expect(error.code).toBe("hash-mismatch");
    });
  });

  describe("header MAC", () => {
    const plaintext = utf8ToBytes("header integrity");

    it("detects a changed metadata value", async () => {
      const { bytes } = await encryptDimeBytes(plaintext, {
        owner: owner.publicKey,
        metadata: { "P8EAPI::TYPE": "A" },
      });
      const changed = withHeader(bytes, (h) => ({
        ...h,
        dime: h.sections.dime,
        metadata: { ...h.metadata, "P8EAPI::TYPE": "B" },
      }));
      expect((await rejection(decryptDimeBytes(changed, owner))).code).toBe("bad-header-mac");
    });

    it("detects an added metadata key and a changed uri or uuid", async () => {
      const { bytes } = await encryptDimeBytes(plaintext, { owner: owner.publicKey });
      const cases = [
        withHeader(bytes, (h) => ({ ...h, dime: h.sections.dime, metadata: { extra: "1", ...h.metadata } })),
        withHeader(bytes, (h) => ({ ...h, dime: h.sections.dime, uri: "object://elsewhere" })),
        withHeader(bytes, (h) => ({ ...h, dime: h.sections.dime, uuid: "00000000-0000-0000-0000-000000000000" })),
      ];
      for (const changed of cases)
        expect((await rejection(decryptDimeBytes(changed, owner))).code).toBe("bad-header-mac");
    });

    it("detects a removed MAC when the protobuf announces it", async () => {
      const { bytes } = await encryptDimeBytes(plaintext, { owner: owner.publicKey, metadata: { a: "b" } });
      const stripped = withHeader(bytes, (h) => {
        const { [HEADER_MAC_METADATA]: _mac, ...rest } = h.metadata;
        return { ...h, dime: h.sections.dime, metadata: rest };
      });
      const error = await rejection(decryptDimeBytes(stripped, owner));
      expect(error.code).toBe("bad-header-mac");
      expect(error.message).toMatch(/announced but missing/);
    });

    it("detects a removed announcement, because the MAC covers the protobuf", async () => {
      const { bytes } = await encryptDimeBytes(plaintext, { owner: owner.publicKey });
      const unannounced = withHeader(bytes, (h) => ({ ...h, dime: encodeDimeProto({ ...h.dime, metadata: {} }) }));
      expect((await rejection(decryptDimeBytes(unannounced, owner))).code).toBe("bad-header-mac");
    });

    it("refuses an unknown header MAC version", async () => {
      const { bytes } = await encryptDimeBytes(plaintext, { owner: owner.publicKey, headerMac: false });
      const future = withHeader(bytes, (h) => ({
        ...h,
        dime: encodeDimeProto({ ...h.dime, metadata: { [HEADER_MAC_PROTO_METADATA]: "v2" } }),
      }));
      expect((await rejection(decryptDimeBytes(future, owner))).code).toBe("unsupported-version");
    });

    it("ignores the signatures section, which the object store rewrites", async () => {
      const { bytes, signature } = await encryptDimeBytes(plaintext, { owner: owner.publicKey, signer: owner });
      const decrypted = await decryptDime(storeRewrite(bytes, signature!, owner), owner);
      await collect(decrypted.plaintext);
      expect((await decrypted.verified).headerAuthenticated).toBe(true);
    });

    it("keeps metadata with integer-like and __proto__ keys verifiable", async () => {
      const metadata = JSON.parse('{"b":"1","10":"x","2":"y","__proto__":"z"}') as Record<string, string>;
      const { bytes } = await encryptDimeBytes(plaintext, { owner: owner.publicKey, metadata });
      const { header } = parseDimeHeader(bytes);
      expect(Object.keys(header.metadata)).toEqual(["2", "10", "b", "__proto__", HEADER_MAC_METADATA]);
      expect(await decryptDimeBytes(bytes, owner)).toEqual(plaintext);
    });
  });

  it("reports truncation anywhere as a DimeError", async () => {
    const { bytes } = await encryptDimeBytes(pseudoRandomBytes(100, 9), { owner: owner.publicKey });
    const { payloadOffset } = parseDimeHeader(bytes);
    for (const length of [
      0,
      5,
      payloadOffset - 1,
      payloadOffset,
      payloadOffset + 3,
      payloadOffset + 16,
      bytes.length - 1,
    ]) {
      const error = await rejection(decryptDimeBytes(bytes.subarray(0, length), owner));
      expect(["truncated", "bad-tag"]).toContain(error.code);
    }
    const extended = concatBytes(bytes, new Uint8Array([0]));
    expect((await rejection(decryptDimeBytes(extended, owner))).code).toBe("bad-tag");
  });
});

describe("decryptDime()", () => {
  it("decrypts a stream delivered one byte at a time", async () => {
    const plaintext = pseudoRandomBytes(300, 5);
    const { bytes } = await encryptDimeBytes(plaintext, { owner: owner.publicKey, audience: [readerA.publicKey] });
    const chunks = Array.from(bytes, (byte) => new Uint8Array([byte]));
    const { header, plaintext: stream, verified } = await decryptDime(chunks, readerA);
    expect(header.dime.audience).toHaveLength(2);
    expect(await collect(stream)).toEqual(plaintext);
    expect((await verified).hash).toEqual(sha256(plaintext));
  });

  it("checks the header, audience and key tag before resolving", async () => {
    const { bytes } = await encryptDimeBytes(new Uint8Array(5), { owner: owner.publicKey });
    expect((await rejection(decryptDime(bytes, outsider))).code).toBe("not-in-audience");
    expect((await rejection(decryptDime(bytes.subarray(0, 8), owner))).code).toBe("truncated");
  });

  it("withholds the last chunk until the payload verifies, and throws at the end if it does not", async () => {
    const plaintext = pseudoRandomBytes(3 * 1024 * 1024, 11);
    const { bytes } = await encryptDimeBytes(plaintext, { owner: owner.publicKey });
    const tampered = bytes.slice();
    tampered[tampered.length - 1]! ^= 1;
    const { plaintext: stream, verified } = await decryptDime(chunked(tampered, 1024 * 1024), owner);
    let released = 0;
    let failure: unknown;
    try {
      for await (const chunk of stream) released += chunk.length;
    } catch (error) {
      failure = error;
    }
    expect(isDimeError(failure) && failure.code).toBe("bad-tag");
    expect(released).toBeGreaterThan(0);
    expect(released).toBeLessThan(plaintext.length);
    await expect(verified).rejects.toThrow(DimeError);

    const small = await encryptDimeBytes(utf8ToBytes("small"), { owner: owner.publicKey });
    const smallTampered = small.bytes.slice();
    smallTampered[smallTampered.length - 20]! ^= 1;
    const smallRun = await decryptDime(smallTampered, owner);
    const seen: Uint8Array[] = [];
    await expect(
      (async () => {
        for await (const chunk of smallRun.plaintext) seen.push(chunk);
      })(),
    ).rejects.toThrow(/\[bad-tag\]/);
    expect(seen).toEqual([]);
  });

  it("rejects `verified` when the reader stops early, and closes the source", async () => {
    let closed = false;
    const { bytes } = await encryptDimeBytes(pseudoRandomBytes(3 * 1024 * 1024, 2), { owner: owner.publicKey });
    async function* source() {
      try {
        yield* chunked(bytes, 256 * 1024);
      } finally {
        closed = true;
      }
    }
    const { plaintext, verified } = await decryptDime(source(), owner);
    for await (const _chunk of plaintext) break;
    expect((await rejection(verified)).code).toBe("truncated");
    expect(closed).toBe(true);
  });

  it("settles `verified` before releasing the last chunk, so stopping there is fine", async () => {
    const { bytes } = await encryptDimeBytes(utf8ToBytes("one chunk"), { owner: owner.publicKey });
    const { plaintext, verified } = await decryptDime(bytes, owner);
    for await (const chunk of plaintext) {
      expect(bytesToUtf8(chunk)).toBe("one chunk");
      break;
    }
    expect((await verified).hash).toEqual(sha256(utf8ToBytes("one chunk")));
  });

  it("can be read only once", async () => {
    const { bytes } = await encryptDimeBytes(new Uint8Array(1), { owner: owner.publicKey });
    const { plaintext } = await decryptDime(bytes, owner);
    await collect(plaintext);
    expect(() => plaintext[Symbol.asyncIterator]()).toThrow(/read only once/);
  });

  it("rejects bad arguments with TypeError or RangeError", async () => {
    const { bytes } = await encryptDimeBytes(new Uint8Array(1), { owner: owner.publicKey });
    await expect(decryptDime(bytes, new Uint8Array(31))).rejects.toThrow(RangeError);
    await expect(decryptDime(bytes, owner, { expectedHash: new Uint8Array(20) })).rejects.toThrow(RangeError);
    await expect(decryptDime(42 as unknown as Uint8Array, owner)).rejects.toThrow(TypeError);
  });
});

describe("DimeError", () => {
  it("has a fixed name, a code, a guard and from()", () => {
    const error = new DimeError("bad-tag", "x");
    expect(error.name).toBe("DimeError");
    expect(error.message).toBe("[bad-tag] x");
    expect(error.rawMessage).toBe("x");
    expect(isDimeError(error)).toBe(true);
    expect(isDimeError(new Error("x"))).toBe(false);
    expect(DimeError.from(error)).toBe(error);
    const wrapped = DimeError.from(new TypeError("boom"), "malformed");
    expect(wrapped.code).toBe("malformed");
    expect(wrapped.cause).toBeInstanceOf(TypeError);
    expect(DimeError.from("text").message).toBe("[malformed] text");
  });

  it("is recognised across copies of the package by name and code", () => {
    const foreign = Object.assign(new Error("[bad-tag] y"), { name: "DimeError", code: "bad-tag" });
    expect(isDimeError(foreign)).toBe(true);
    expect(foreign instanceof DimeError).toBe(true);
    expect(Object.assign(new Error(), { name: "DimeError", code: "nope" }) instanceof DimeError).toBe(false);
  });
});
