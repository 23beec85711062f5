import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { base64ToBytes, bytesToBase64, bytesToHex, bytesToUtf8, hexToBytes, utf8ToBytes } from "./encoding.js";

// RFC 4648 §10 test vectors.
const RFC4648 = [
  ["", ""],
  ["f", "Zg=="],
  ["fo", "Zm8="],
  ["foo", "Zm9v"],
  ["foob", "Zm9vYg=="],
  ["fooba", "Zm9vYmE="],
  ["foobar", "Zm9vYmFy"],
] as const;

describe("bytesToBase64()", () => {
  for (const [text, encoded] of RFC4648) {
    it(`encodes ${JSON.stringify(text)} as the RFC 4648 vector`, () => {
      expect(bytesToBase64(utf8ToBytes(text))).toBe(encoded);
    });
  }

  it("uses the standard alphabet with + and /", () => {
    expect(bytesToBase64(new Uint8Array([0xfb, 0xff, 0xbf]))).toBe("+/+/");
  });

  it("matches Buffer's encoding (property)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        expect(bytesToBase64(bytes)).toBe(Buffer.from(bytes).toString("base64"));
      }),
    );
  });
});

describe("base64ToBytes()", () => {
  for (const [text, encoded] of RFC4648) {
    it(`decodes the RFC 4648 vector ${JSON.stringify(encoded)}`, () => {
      expect(bytesToUtf8(base64ToBytes(encoded))).toBe(text);
    });
  }

  it("round-trips any bytes (property)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        expect(base64ToBytes(bytesToBase64(bytes))).toEqual(bytes);
      }),
    );
  });

  it.each([
    ["Zm9v-A==", /invalid character "-" at index 4/],
    ["Zm9v_A==", /invalid character "_" at index 4/],
    ["Zm9 v", /invalid character " " at index 3/],
    ["Zm9v\n", /invalid character "\\n" at index 4/],
    ["Zg", /multiple of 4/],
    ["Zg=", /multiple of 4/],
    ["Z===", /invalid padding/],
    ["Zg=A", /padding "=" before the end at index 2/],
    ["Zh==", /non-zero padding bits/],
    ["Zm9=", /non-zero padding bits/],
  ])("rejects %j", (text, message) => {
    expect(() => base64ToBytes(text)).toThrow(RangeError);
    expect(() => base64ToBytes(text)).toThrow(message);
  });

  it("rejects anything that is not a string with a TypeError", () => {
    expect(() => base64ToBytes(new Uint8Array(1) as unknown as string)).toThrow(TypeError);
  });

  it("never throws anything but RangeError for arbitrary strings (property)", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (text) => {
        try {
          const bytes = base64ToBytes(text);
          expect(bytesToBase64(bytes)).toBe(text);
        } catch (error) {
          expect(error).toBeInstanceOf(RangeError);
        }
      }),
    );
  });
});

describe("bytesToHex()", () => {
  it("encodes lowercase hex", () => {
    expect(bytesToHex(new Uint8Array([0x00, 0x0a, 0xff]))).toBe("000aff");
  });
});

describe("hexToBytes()", () => {
  it("decodes either case", () => {
    expect(hexToBytes("0A41ff")).toEqual(new Uint8Array([0x0a, 0x41, 0xff]));
    expect(hexToBytes("")).toEqual(new Uint8Array(0));
  });

  it("round-trips any bytes (property)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        expect(hexToBytes(bytesToHex(bytes))).toEqual(bytes);
        expect(hexToBytes(bytesToHex(bytes).toUpperCase())).toEqual(bytes);
      }),
    );
  });

  it.each([
    ["abc", /length must be even/],
    ["0x00", /invalid character "x" at index 1/],
    ["zz", /invalid character "z" at index 0/],
  ])("rejects %j", (hex, message) => {
    expect(() => hexToBytes(hex)).toThrow(RangeError);
    expect(() => hexToBytes(hex)).toThrow(message);
  });
});

describe("utf8ToBytes() and bytesToUtf8()", () => {
  it("round-trips text with multi-byte characters", () => {
    const text = "p8e ✓ 😀";
    expect(bytesToUtf8(utf8ToBytes(text))).toBe(text);
    expect(utf8ToBytes("é")).toEqual(new Uint8Array([0xc3, 0xa9]));
  });

  it("rejects malformed UTF-8 instead of substituting U+FFFD", () => {
    expect(() => bytesToUtf8(new Uint8Array([0xc3]))).toThrow(/not well-formed UTF-8/);
    expect(() => bytesToUtf8(new Uint8Array([0xff, 0x41]))).toThrow(RangeError);
  });

  it("keeps a leading byte-order mark as text", () => {
    expect(bytesToUtf8(new Uint8Array([0xef, 0xbb, 0xbf, 0x41]))).toBe("\ufeffA");
  });
});
