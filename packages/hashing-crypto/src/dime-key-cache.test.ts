import { describe, expect, it } from "vitest";
import { concatBytes } from "./bytes.js";
import { decryptDimeBytes, encryptDimeBytes } from "./dime.js";
import { isDimeError } from "./dime-error.js";
import { parseDimeHeader, serializeDimeHeader } from "./dime-format.js";
import { createDimeKeyCache } from "./dime-key-cache.js";
import { encodeDimeProto } from "./dime-proto.js";
import { bytesToUtf8, utf8ToBytes } from "./encoding.js";
import { generateKeyPair } from "./keys.js";
import { upstreamDecrypt } from "./testdata/upstream.js";

const owner = generateKeyPair();
const readerA = generateKeyPair();
const readerB = generateKeyPair();

/** The ephemeral key of each audience entry, by its recipient key (base64 text, as the DIME holds it). */
function ephemeralKeys(bytes: Uint8Array): Map<string, string> {
  const { header } = parseDimeHeader(bytes);
  return new Map(
    header.dime.audience.map((entry) => [bytesToUtf8(entry.publicKey), bytesToUtf8(entry.ephemeralPubkey)]),
  );
}

describe("createDimeKeyCache()", () => {
  it("lets DIMEs to one recipient share an ephemeral key; ours and upstream's reader read them", async () => {
    const keyCache = createDimeKeyCache();
    const options = { owner: owner.publicKey, audience: [readerA.publicKey, readerB.publicKey], keyCache };
    const first = await encryptDimeBytes(utf8ToBytes("first"), options);
    const second = await encryptDimeBytes(utf8ToBytes("second"), options);
    const [a, b] = [ephemeralKeys(first.bytes), ephemeralKeys(second.bytes)];
    expect([...a.keys()]).toHaveLength(3);
    for (const [recipient, ephemeral] of a) expect(b.get(recipient)).toBe(ephemeral);
    expect(new Set(a.values()).size).toBe(3); // one per recipient, never shared between recipients
    for (const [dime, text] of [
      [first.bytes, "first"],
      [second.bytes, "second"],
    ] as const) {
      for (const keys of [owner, readerA, readerB]) {
        expect(bytesToUtf8(await decryptDimeBytes(dime, keys, { keyCache }))).toBe(text);
        expect(bytesToUtf8(upstreamDecrypt(dime, keys.privateKey))).toBe(text);
      }
    }
  });

  it("is not used unless given: every entry then gets a fresh ephemeral key", async () => {
    const first = await encryptDimeBytes(utf8ToBytes("x"), { owner: owner.publicKey });
    const second = await encryptDimeBytes(utf8ToBytes("x"), { owner: owner.publicKey });
    const recipient = [...ephemeralKeys(first.bytes).keys()][0]!;
    expect(ephemeralKeys(first.bytes).get(recipient)).not.toBe(ephemeralKeys(second.bytes).get(recipient));
  });

  it("makes a new ephemeral key after maxUses entries and after maxAgeMs", async () => {
    let now = 0;
    const keyCache = createDimeKeyCache({ maxUses: 2, maxAgeMs: 1000, now: () => now });
    const ephemeral = async () => {
      const { bytes } = await encryptDimeBytes(utf8ToBytes("x"), { owner: owner.publicKey, keyCache });
      return [...ephemeralKeys(bytes).values()][0]!;
    };
    const first = await ephemeral();
    expect(await ephemeral()).toBe(first);
    const third = await ephemeral(); // the first key served its two entries
    expect(third).not.toBe(first);
    now = 999;
    expect(await ephemeral()).toBe(third);
    now = 1000;
    expect(await ephemeral()).not.toBe(third);
  });

  it("forgets everything on clear()", async () => {
    const keyCache = createDimeKeyCache();
    const ephemeral = async () => {
      const { bytes } = await encryptDimeBytes(utf8ToBytes("x"), { owner: owner.publicKey, keyCache });
      return [...ephemeralKeys(bytes).values()][0]!;
    };
    const first = await ephemeral();
    keyCache.clear();
    expect(await ephemeral()).not.toBe(first);
  });

  it("keeps a reader's agreements apart from another reader's, and still checks every key tag", async () => {
    const writing = createDimeKeyCache();
    const reading = createDimeKeyCache();
    const { bytes } = await encryptDimeBytes(utf8ToBytes("both"), {
      owner: owner.publicKey,
      audience: [readerA.publicKey, readerB.publicKey],
      keyCache: writing,
    });
    for (let round = 0; round < 2; round++) {
      for (const keys of [readerA, readerB]) {
        expect(bytesToUtf8(await decryptDimeBytes(bytes, keys, { keyCache: reading }))).toBe("both");
      }
    }
    // readerB's entry given readerA's ephemeral key: B's agreement with it is not A's, and the tag says so.
    const { header, payloadOffset } = parseDimeHeader(bytes);
    const entryOf = (keys: typeof readerA) =>
      header.dime.audience.find((e) => bytesToUtf8(e.publicKey) === Buffer.from(keys.publicKey).toString("base64"))!;
    const audience = header.dime.audience.map((entry) =>
      entry === entryOf(readerB) ? { ...entry, ephemeralPubkey: entryOf(readerA).ephemeralPubkey } : entry,
    );
    const altered = concatBytes(
      serializeDimeHeader({ ...header, dime: encodeDimeProto({ ...header.dime, audience }) }),
      bytes.subarray(payloadOffset),
    );
    const error = await decryptDimeBytes(altered, readerB, { keyCache: reading }).catch((e: unknown) => e);
    expect(isDimeError(error) && error.code).toBe("bad-key-tag");
  });

  it("validates its limits", () => {
    expect(() => createDimeKeyCache({ maxUses: 0 })).toThrow(RangeError);
    expect(() => createDimeKeyCache({ maxAgeMs: -1 })).toThrow(RangeError);
    expect(() => createDimeKeyCache({ maxEntries: Number.NaN })).toThrow(RangeError);
  });
});
