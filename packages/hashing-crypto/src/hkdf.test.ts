import { hkdfSync } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bytesToHex, hexToBytes, utf8ToBytes } from "./encoding.js";
import { hkdfSha256, hmacSha256 } from "./hkdf.js";
import { loadVectors } from "./testdata/helpers.js";

interface HkdfVector {
  name: string;
  ikm: string;
  salt: string;
  info: string;
  length: number;
  okm: string;
}

const { vectors } = loadVectors<{ vectors: HkdfVector[] }>("hkdf.json");

describe("hkdfSha256()", () => {
  for (const vector of vectors) {
    it(`matches RFC 5869 ${vector.name}`, () => {
      const okm = hkdfSha256(hexToBytes(vector.ikm), {
        length: vector.length,
        ...(vector.salt === "" ? {} : { salt: hexToBytes(vector.salt) }),
        ...(vector.info === "" ? {} : { info: hexToBytes(vector.info) }),
      });
      expect(bytesToHex(okm)).toBe(vector.okm);
    });
  }

  it("treats a missing salt like 32 zero bytes, as DIME key wrapping relies on", () => {
    const ikm = hexToBytes("0b".repeat(22));
    expect(hkdfSha256(ikm, { length: 64 })).toEqual(hkdfSha256(ikm, { length: 64, salt: new Uint8Array(32) }));
  });

  it("accepts info as UTF-8 text", () => {
    const ikm = new Uint8Array(32).fill(7);
    expect(hkdfSha256(ikm, { length: 32, info: "p8e" })).toEqual(
      hkdfSha256(ikm, { length: 32, info: utf8ToBytes("p8e") }),
    );
  });

  it("agrees with node:crypto's hkdfSync (property)", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 64 }),
        fc.uint8Array({ maxLength: 40 }),
        fc.uint8Array({ maxLength: 40 }),
        fc.integer({ min: 1, max: 200 }),
        (ikm, salt, info, length) => {
          const expected = new Uint8Array(hkdfSync("sha256", ikm, salt, info, length));
          expect(hkdfSha256(ikm, { length, salt, info })).toEqual(expected);
        },
      ),
      { numRuns: 50 },
    );
  });

  it("rejects lengths outside 1..8160", () => {
    expect(() => hkdfSha256(new Uint8Array(32), { length: 0 })).toThrow(RangeError);
    expect(() => hkdfSha256(new Uint8Array(32), { length: 8161 })).toThrow(/"length" expected an integer in 1..8160/);
  });
});

describe("hmacSha256()", () => {
  it("matches RFC 4231 test case 2", () => {
    const mac = hmacSha256(utf8ToBytes("Jefe"), utf8ToBytes("what do ya want for nothing?"));
    expect(bytesToHex(mac)).toBe("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  });
});
