import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { aesGcmDecrypt, aesGcmEncrypt, createAesGcmDecryptor, createAesGcmEncryptor } from "./aes-gcm.js";
import { bytesToHex, hexToBytes } from "./encoding.js";
import { loadVectors } from "./testdata/helpers.js";

interface GcmVector {
  name: string;
  key: string;
  iv: string;
  aad: string;
  plaintext: string;
  ciphertext: string;
  tag: string;
}

const { vectors } = loadVectors<{ vectors: GcmVector[] }>("gcm.json");

function parse(vector: GcmVector) {
  return {
    key: hexToBytes(vector.key),
    iv: hexToBytes(vector.iv),
    aad: hexToBytes(vector.aad),
    plaintext: hexToBytes(vector.plaintext),
    sealed: hexToBytes(vector.ciphertext + vector.tag),
  };
}

describe("aesGcmEncrypt()", () => {
  for (const vector of vectors) {
    it(`matches GCM spec ${vector.name}`, () => {
      const { key, iv, aad, plaintext } = parse(vector);
      expect(bytesToHex(aesGcmEncrypt(key, iv, plaintext, aad))).toBe(vector.ciphertext + vector.tag);
    });
  }

  it("rejects keys that are not 16, 24 or 32 bytes", () => {
    expect(() => aesGcmEncrypt(new Uint8Array(31), new Uint8Array(12), new Uint8Array(1))).toThrow(
      /"key" expected Uint8Array of length 16 or 24 or 32, got length=31/,
    );
  });

  it("rejects an empty IV", () => {
    expect(() => aesGcmEncrypt(new Uint8Array(32), new Uint8Array(0), new Uint8Array(1))).toThrow(
      /"iv" must not be empty/,
    );
  });
});

describe("aesGcmDecrypt()", () => {
  for (const vector of vectors) {
    it(`opens GCM spec ${vector.name} and rejects every single-bit change`, () => {
      const { key, iv, aad, plaintext, sealed } = parse(vector);
      expect(aesGcmDecrypt(key, iv, sealed, aad)).toEqual(plaintext);
      for (let i = 0; i < sealed.length; i++) {
        const tampered = sealed.slice();
        tampered[i]! ^= 0x01;
        expect(() => aesGcmDecrypt(key, iv, tampered, aad)).toThrow("aes-gcm: authentication failed");
      }
      if (aad.length > 0) {
        const otherAad = aad.slice();
        otherAad[0]! ^= 0x40;
        expect(() => aesGcmDecrypt(key, iv, sealed, otherAad)).toThrow("aes-gcm: authentication failed");
      }
    });
  }

  it("rejects input shorter than the tag", () => {
    expect(() => aesGcmDecrypt(new Uint8Array(32), new Uint8Array(12), new Uint8Array(15))).toThrow(RangeError);
  });
});

describe("createAesGcmEncryptor() and createAesGcmDecryptor()", () => {
  it("stream GCM spec test case 16 in arbitrary chunks (property)", () => {
    const vector = vectors.find((v) => v.name === "test case 16")!;
    const { key, iv, aad, plaintext } = parse(vector);
    fc.assert(
      fc.property(fc.array(fc.nat({ max: plaintext.length }), { maxLength: 6 }), (cuts) => {
        const points = [0, ...cuts.sort((a, b) => a - b), plaintext.length];
        const encryptor = createAesGcmEncryptor(key, iv, aad);
        const decryptor = createAesGcmDecryptor(key, iv, aad);
        let ciphertext = "";
        let roundTrip = "";
        for (let i = 1; i < points.length; i++) {
          const piece = encryptor.update(plaintext.subarray(points[i - 1], points[i]));
          ciphertext += bytesToHex(piece);
          roundTrip += bytesToHex(decryptor.update(piece));
        }
        const tag = encryptor.final();
        expect(ciphertext).toBe(vector.ciphertext);
        expect(bytesToHex(tag)).toBe(vector.tag);
        expect(() => decryptor.final(tag)).not.toThrow();
        expect(roundTrip).toBe(vector.plaintext);
      }),
    );
  });

  it("splits updates larger than 1 MiB and still round-trips", () => {
    const key = new Uint8Array(32).fill(1);
    const iv = new Uint8Array(12).fill(2);
    const plaintext = new Uint8Array(3 * 1024 * 1024 + 5).fill(0x5a);
    const encryptor = createAesGcmEncryptor(key, iv);
    const ciphertext = encryptor.update(plaintext);
    const tag = encryptor.final();
    expect(ciphertext).toHaveLength(plaintext.length);
    const decryptor = createAesGcmDecryptor(key, iv);
    expect(Buffer.compare(decryptor.update(ciphertext), plaintext)).toBe(0);
    decryptor.final(tag);
  });

  it("refuses use after final()", () => {
    const encryptor = createAesGcmEncryptor(new Uint8Array(32), new Uint8Array(12));
    encryptor.final();
    expect(() => encryptor.update(new Uint8Array(1))).toThrow(/after final/);
    expect(() => encryptor.final()).toThrow(/final\(\) called twice/);
  });
});
