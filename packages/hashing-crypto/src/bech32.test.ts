import { fromBech32, toBech32 } from "@cosmjs/encoding";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Bech32Error, bech32Decode, bech32Encode, isBech32Error } from "./bech32.js";
import { bytesToHex, hexToBytes } from "./encoding.js";
import { loadVectors } from "./testdata/helpers.js";

interface Bech32Vectors {
  valid: { text: string; prefix: string; bytes: string }[];
  invalid: { text: string; reason: string; code: string }[];
}

const vectors = loadVectors<Bech32Vectors>("bech32.json");

function decodeError(text: string, limit?: number): Bech32Error {
  try {
    bech32Decode(text, limit);
  } catch (error) {
    if (isBech32Error(error)) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(text)} to be rejected`);
}

describe("bech32Decode()", () => {
  for (const vector of vectors.valid) {
    it(`accepts the BIP-173 valid vector ${JSON.stringify(vector.text)}`, () => {
      const decoded = bech32Decode(vector.text);
      expect(decoded.prefix).toBe(vector.prefix);
      expect(bytesToHex(decoded.bytes)).toBe(vector.bytes);
      expect(bech32Encode(decoded.prefix, decoded.bytes)).toBe(vector.text.toLowerCase());
    });
  }

  for (const vector of vectors.invalid) {
    it(`rejects the BIP-173 invalid vector ${JSON.stringify(vector.text)} (${vector.reason}) as ${vector.code}`, () => {
      expect(decodeError(vector.text).code).toBe(vector.code);
    });
  }

  it("rejects mixed case as mixed-case", () => {
    expect(decodeError("A12uEL5L").code).toBe("mixed-case");
  });

  it("rejects a single changed character as invalid-checksum", () => {
    expect(decodeError("abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxx").code).toBe("invalid-checksum");
  });

  it("rejects data with more than 4 padding bits as invalid-padding", () => {
    // One 5-bit group holds no whole byte: 5 leftover bits.
    expect(decodeError(bech32EncodeWords("tp", [0])).code).toBe("invalid-padding");
  });

  it("rejects non-zero padding bits as invalid-padding", () => {
    // Two groups = 10 bits: one byte plus 2 padding bits, here set to 01.
    expect(decodeError(bech32EncodeWords("tp", [0, 1])).code).toBe("invalid-padding");
  });

  it("names bech32m checksums in the message", () => {
    // BIP-350 valid bech32m vector.
    const error = decodeError("a1lqfn3a");
    expect(error.code).toBe("invalid-checksum");
    expect(error.message).toMatch(/bech32m/);
  });

  it("lifts the 90-character limit when asked", () => {
    const long = bech32Encode("pb", new Uint8Array(64), 200);
    expect(decodeError(long).code).toBe("too-long");
    expect(bech32Decode(long, 200).bytes).toEqual(new Uint8Array(64));
  });

  it("prefixes the message with the code and works with instanceof", () => {
    const error = decodeError("pzry9x0s0muk");
    expect(error).toBeInstanceOf(Bech32Error);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("Bech32Error");
    expect(error.message).toBe(`[missing-separator] ${error.rawMessage}`);
  });

  it("throws TypeError for a non-string", () => {
    expect(() => bech32Decode(42 as unknown as string)).toThrow(TypeError);
  });

  it("never throws anything but Bech32Error on arbitrary strings (property)", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 100 }), fc.string({ unit: "binary", maxLength: 100 })), (text) => {
        try {
          bech32Decode(text);
        } catch (error) {
          expect(isBech32Error(error)).toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it("never accepts a valid string with one character changed (property)", () => {
    const alphabet = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 33 }),
        fc.nat(),
        fc.constantFrom(...alphabet),
        (bytes, position, replacement) => {
          const text = bech32Encode("pb", bytes);
          const index = 3 + (position % (text.length - 3));
          fc.pre(text[index] !== replacement);
          const changed = text.slice(0, index) + replacement + text.slice(index + 1);
          expect(decodeError(changed).code).toBe("invalid-checksum");
        },
      ),
    );
  });
});

describe("bech32Encode()", () => {
  it("agrees with @cosmjs/encoding both ways (property)", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("tp", "pb", "scope", "session", "record", "cosmos"),
        fc.uint8Array({ maxLength: 33 }),
        (prefix, bytes) => {
          const text = bech32Encode(prefix, bytes);
          expect(text).toBe(toBech32(prefix, bytes));
          const theirs = fromBech32(text, 90);
          expect(theirs.prefix).toBe(prefix);
          expect(bech32Decode(text).bytes).toEqual(theirs.data);
        },
      ),
    );
  });

  it("rejects bad prefixes", () => {
    expect(() => bech32Encode("", new Uint8Array(1))).toThrow(/must not be empty/);
    expect(() => bech32Encode("TP", new Uint8Array(1))).toThrow(/must be lowercase/);
    expect(() => bech32Encode("t p", new Uint8Array(1))).toThrow(/outside US-ASCII/);
  });

  it("rejects results over the limit", () => {
    expect(() => bech32Encode("pb", new Uint8Array(60))).toThrow(/over the limit of 90/);
  });

  it("encodes the all-zero account id as documented", () => {
    expect(bech32Encode("tp", new Uint8Array(20))).toBe("tp1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqfxwkgt");
  });

  it("encodes 33-byte payloads (MetadataAddress size) within the limit", () => {
    const bytes = hexToBytes(`00${"ab".repeat(32)}`);
    expect(bech32Decode(bech32Encode("scopespec", bytes)).bytes).toEqual(bytes);
  });
});

/** Encodes raw 5-bit words with a valid bech32 checksum, to build padding edge cases. */
function bech32EncodeWords(prefix: string, words: number[]): string {
  const charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
  const generator = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
  const polymod = (values: number[]) => {
    let chk = 1;
    for (const value of values) {
      const top = chk >>> 25;
      chk = ((chk & 0x1ffffff) << 5) ^ value;
      for (let i = 0; i < 5; i++) if ((top >>> i) & 1) chk ^= generator[i]!;
    }
    return chk >>> 0;
  };
  const expanded = [
    ...[...prefix].map((c) => c.charCodeAt(0) >> 5),
    0,
    ...[...prefix].map((c) => c.charCodeAt(0) & 31),
  ];
  const mod = polymod([...expanded, ...words, 0, 0, 0, 0, 0, 0]) ^ 1;
  const checksum = [0, 1, 2, 3, 4, 5].map((i) => (mod >>> (5 * (5 - i))) & 31);
  return `${prefix}1${[...words, ...checksum].map((w) => charset[w]).join("")}`;
}
