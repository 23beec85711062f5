import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { BinaryWriter } from "@bufbuild/protobuf/wire";
import { describe, expect, it } from "vitest";
import { bytesToHex, hexToBytes } from "./encoding.js";
import {
  privateKeyFromHex,
  privateKeyFromProto,
  privateKeyToHex,
  privateKeyToProto,
  publicKeyFromHex,
  publicKeyFromProto,
  publicKeyToHex,
  publicKeyToProto,
} from "./key-proto.js";
import { generateKeyPair, keyPairFromPrivateKey } from "./keys.js";
import { PrivateKeySchema, PublicKeySchema } from "./testdata/schemas.js";

function scalar(hex: string): Uint8Array {
  return hexToBytes(hex.padStart(64, "0"));
}

describe("publicKeyToProto()", () => {
  it("writes only field 1 with the 65-byte point (ELLIPTIC, SECP256K1, compressed=false are defaults)", () => {
    const keys = generateKeyPair();
    const proto = publicKeyToProto(keys.publicKey);
    expect(bytesToHex(proto)).toBe(`0a41${bytesToHex(keys.publicKey)}`);
  });

  it("matches a canonical protobuf encoder for PublicKey{bytes, ELLIPTIC, SECP256K1, compressed=false}", () => {
    const keys = generateKeyPair();
    const expected = toBinary(
      PublicKeySchema,
      create(PublicKeySchema, { publicKeyBytes: keys.publicKey, type: 0, curve: 0, compressed: false }),
    );
    expect(publicKeyToProto(keys.publicKey)).toEqual(expected);
    const decoded = fromBinary(PublicKeySchema, publicKeyToProto(keys.publicKey)) as unknown as {
      publicKeyBytes: Uint8Array;
    };
    expect(decoded.publicKeyBytes).toEqual(keys.publicKey);
  });

  it("stores the uncompressed point even when given a compressed key", () => {
    const keys = generateKeyPair();
    expect(publicKeyToProto(keys.compressedPublicKey)).toEqual(publicKeyToProto(keys.publicKey));
  });
});

describe("publicKeyFromProto()", () => {
  it("round-trips", () => {
    const keys = generateKeyPair();
    expect(publicKeyFromProto(publicKeyToProto(keys.publicKey))).toEqual(keys.publicKey);
  });

  it("accepts explicit default fields, unknown fields and a compressed point", () => {
    const keys = generateKeyPair();
    const proto = new BinaryWriter()
      .tag(1, 2)
      .bytes(keys.compressedPublicKey)
      .tag(2, 0)
      .int32(0)
      .tag(3, 0)
      .int32(0)
      .tag(4, 0)
      .bool(true)
      .tag(9, 2)
      .string("future field")
      .finish();
    expect(publicKeyFromProto(proto)).toEqual(keys.publicKey);
  });

  it("rejects the P256 curve and non-elliptic key types", () => {
    const keys = generateKeyPair();
    const p256 = new BinaryWriter().tag(1, 2).bytes(keys.publicKey).tag(3, 0).int32(1).finish();
    expect(() => publicKeyFromProto(p256)).toThrow(/unsupported curve 1/);
    const otherType = new BinaryWriter().tag(1, 2).bytes(keys.publicKey).tag(2, 0).int32(3).finish();
    expect(() => publicKeyFromProto(otherType)).toThrow(/unsupported key type 3/);
  });

  it("rejects malformed bytes with a RangeError", () => {
    const proto = publicKeyToProto(generateKeyPair().publicKey);
    expect(() => publicKeyFromProto(proto.subarray(0, 40))).toThrow(RangeError);
    expect(() => publicKeyFromProto(new Uint8Array([0x0a, 0x01, 0x04]))).toThrow(/length 33 or 65/);
    expect(() => publicKeyFromProto(new Uint8Array([0x08]))).toThrow(RangeError);
    expect(() => publicKeyFromProto(new Uint8Array([0x0d, 1, 2, 3, 4]))).toThrow(/wire type 5/);
  });
});

describe("privateKeyToProto()", () => {
  it("writes BigInteger.toByteArray(): a 0 sign byte when the top bit is set", () => {
    const key = scalar(`ff${"11".repeat(31)}`);
    expect(bytesToHex(privateKeyToProto(key))).toBe(`0a2100ff${"11".repeat(31)}`);
  });

  it("writes 32 bytes when the top bit is clear", () => {
    const key = scalar(`7f${"11".repeat(31)}`);
    expect(bytesToHex(privateKeyToProto(key))).toBe(`0a207f${"11".repeat(31)}`);
  });

  it("drops leading zero bytes like BigInteger does", () => {
    expect(bytesToHex(privateKeyToProto(scalar("0102")))).toBe("0a020102");
    expect(bytesToHex(privateKeyToProto(scalar("80")))).toBe("0a020080");
  });

  it("matches a canonical protobuf encoder given the same key_bytes", () => {
    const key = scalar(`9a${"33".repeat(31)}`);
    const expected = toBinary(
      PrivateKeySchema,
      create(PrivateKeySchema, { keyBytes: hexToBytes(`009a${"33".repeat(31)}`) }),
    );
    expect(privateKeyToProto(key)).toEqual(expected);
  });

  it("accepts a key pair", () => {
    const keys = generateKeyPair();
    expect(privateKeyToProto(keys)).toEqual(privateKeyToProto(keys.privateKey));
  });
});

describe("privateKeyFromProto()", () => {
  it("round-trips keys of every shape", () => {
    for (const hex of [`ff${"11".repeat(31)}`, `7f${"22".repeat(31)}`, "0102", "01"]) {
      const key = scalar(hex);
      expect(privateKeyFromProto(privateKeyToProto(key))).toEqual(key);
    }
  });

  it("accepts a plain 32-byte key_bytes with the top bit set (no sign byte)", () => {
    const key = scalar(`ff${"11".repeat(31)}`);
    const proto = new BinaryWriter().tag(1, 2).bytes(key).finish();
    expect(privateKeyFromProto(proto)).toEqual(key);
  });

  it("rejects out-of-range scalars and oversize key_bytes without printing them", () => {
    const tooLong = new BinaryWriter().tag(1, 2).bytes(new Uint8Array(33).fill(1)).finish();
    expect(() => privateKeyFromProto(tooLong)).toThrow("PrivateKey: key_bytes is longer than 32 bytes");
    const zero = new BinaryWriter().tag(1, 2).bytes(new Uint8Array(32)).finish();
    expect(() => privateKeyFromProto(zero)).toThrow(/not a valid secp256k1 private key/);
  });
});

describe("publicKeyToHex() and publicKeyFromHex()", () => {
  it("use the uppercase configuration form 0A4104…", () => {
    const keys = generateKeyPair();
    const hex = publicKeyToHex(keys.publicKey);
    expect(hex).toMatch(/^0A4104[0-9A-F]{128}$/);
    expect(publicKeyFromHex(hex)).toEqual(keys.publicKey);
    expect(publicKeyFromHex(hex.toLowerCase())).toEqual(keys.publicKey);
  });
});

describe("privateKeyToHex() and privateKeyFromHex()", () => {
  it("round-trip through the configuration form", () => {
    const keys = keyPairFromPrivateKey(scalar(`e3${"42".repeat(31)}`));
    const hex = privateKeyToHex(keys);
    expect(hex).toBe(`0A2100E3${"42".repeat(31)}`);
    expect(privateKeyFromHex(hex)).toEqual(keys.privateKey);
    expect(privateKeyFromHex(` ${hex.toLowerCase()}\n`)).toEqual(keys.privateKey);
  });

  it("does not echo any part of a malformed private key", () => {
    const hex = `0A2100E3${"42".repeat(30)}zz`;
    expect(() => privateKeyFromHex(hex)).toThrow("PrivateKey hex: not valid hex text");
  });
});
