import { createECDH } from "node:crypto";
import { inspect } from "node:util";
import { Bip39, EnglishMnemonic, Slip10, Slip10Curve, stringToPath } from "@cosmjs/crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bytesToHex, hexToBytes } from "./encoding.js";
import {
  compressPublicKey,
  decompressPublicKey,
  generateKeyPair,
  generateMnemonic,
  keyPairFromMnemonic,
  keyPairFromPrivateKey,
  MAINNET_HD_PATH,
  TESTNET_HD_PATH,
  validateMnemonic,
} from "./keys.js";

const ORDER = hexToBytes("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141");
const MNEMONIC =
  "arctic live gadget display excess mandate sniff autumn people disorder affair hole retreat fancy close tip deer village tuition orbit cannon owner maid spare";

function nodePublicKey(privateKey: Uint8Array, compressed: boolean): string {
  const ecdh = createECDH("secp256k1");
  ecdh.setPrivateKey(privateKey);
  return ecdh.getPublicKey("hex", compressed ? "compressed" : "uncompressed");
}

describe("generateKeyPair()", () => {
  it("returns a 32-byte private key with matching 65- and 33-byte public keys", () => {
    const keys = generateKeyPair();
    expect(keys.privateKey).toHaveLength(32);
    expect(keys.publicKey).toHaveLength(65);
    expect(keys.publicKey[0]).toBe(0x04);
    expect(keys.compressedPublicKey).toHaveLength(33);
    expect(bytesToHex(keys.publicKey)).toBe(nodePublicKey(keys.privateKey, false));
    expect(bytesToHex(keys.compressedPublicKey)).toBe(nodePublicKey(keys.privateKey, true));
  });

  it("returns different keys each time", () => {
    expect(bytesToHex(generateKeyPair().publicKey)).not.toBe(bytesToHex(generateKeyPair().publicKey));
  });

  it("never shows the private key in toString, JSON or util.inspect", () => {
    const keys = generateKeyPair();
    const secret = bytesToHex(keys.privateKey);
    for (const text of [
      String(keys),
      `${keys}`,
      JSON.stringify(keys),
      inspect(keys),
      inspect({ keys }, { depth: 5 }),
    ]) {
      expect(text).not.toContain(secret);
      expect(text.toLowerCase()).not.toContain(secret.slice(0, 16));
    }
    expect(String(keys)).toContain(bytesToHex(keys.compressedPublicKey));
    expect(JSON.parse(JSON.stringify(keys))).toEqual({ curve: "secp256k1", publicKey: bytesToHex(keys.publicKey) });
  });

  it("hands out copies, so callers cannot corrupt the pair", () => {
    const keys = generateKeyPair();
    const before = bytesToHex(keys.privateKey);
    keys.privateKey.fill(0);
    keys.publicKey.fill(0);
    expect(bytesToHex(keys.privateKey)).toBe(before);
    expect(keys.publicKey[0]).toBe(0x04);
  });
});

describe("keyPairFromPrivateKey()", () => {
  it("derives the same public keys as node:crypto (property)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (privateKey) => {
        fc.pre(privateKey.some((b) => b !== 0) && Buffer.compare(privateKey, ORDER) < 0);
        const keys = keyPairFromPrivateKey(privateKey);
        expect(bytesToHex(keys.publicKey)).toBe(nodePublicKey(privateKey, false));
        expect(bytesToHex(keys.compressedPublicKey)).toBe(nodePublicKey(privateKey, true));
      }),
      { numRuns: 30 },
    );
  });

  it("accepts 1 and n-1", () => {
    const one = new Uint8Array(32);
    one[31] = 1;
    expect(bytesToHex(keyPairFromPrivateKey(one).compressedPublicKey)).toBe(
      "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798",
    );
    const max = ORDER.slice();
    max[31]! -= 1;
    expect(keyPairFromPrivateKey(max).publicKey).toHaveLength(65);
  });

  it.each([
    ["zero", new Uint8Array(32)],
    ["the group order n", ORDER],
    ["all ones", new Uint8Array(32).fill(0xff)],
  ])("rejects %s without printing it", (_name, privateKey) => {
    expect(() => keyPairFromPrivateKey(privateKey)).toThrow(RangeError);
    expect(() => keyPairFromPrivateKey(privateKey)).toThrow(/"privateKey" is not a valid secp256k1 private key/);
  });

  it("rejects wrong lengths and types", () => {
    expect(() => keyPairFromPrivateKey(new Uint8Array(31))).toThrow(/length 32, got length=31/);
    expect(() => keyPairFromPrivateKey("00" as unknown as Uint8Array)).toThrow(TypeError);
  });
});

describe("keyPairFromMnemonic()", () => {
  it.each([
    [TESTNET_HD_PATH, ""],
    [MAINNET_HD_PATH, ""],
    ["m/44'/1'/0'/0/7", ""],
    [TESTNET_HD_PATH, "p8e passphrase"],
  ])("derives what @cosmjs/crypto (Bip39 + Slip10) derives for %s %j", async (path, passphrase) => {
    const seed = await Bip39.mnemonicToSeed(new EnglishMnemonic(MNEMONIC), passphrase);
    const expected = Slip10.derivePath(Slip10Curve.Secp256k1, seed, stringToPath(path)).privkey;
    const keys = keyPairFromMnemonic(MNEMONIC, { path, passphrase });
    expect(bytesToHex(keys.privateKey)).toBe(bytesToHex(expected));
  });

  it("uses the testnet path by default", () => {
    expect(keyPairFromMnemonic(MNEMONIC).publicKey).toEqual(
      keyPairFromMnemonic(MNEMONIC, { path: TESTNET_HD_PATH }).publicKey,
    );
    expect(keyPairFromMnemonic(MNEMONIC).publicKey).not.toEqual(
      keyPairFromMnemonic(MNEMONIC, { path: MAINNET_HD_PATH }).publicKey,
    );
  });

  it("tolerates surrounding and repeated whitespace", () => {
    const spaced = `  ${MNEMONIC.replaceAll(" ", "  \n")}  `;
    expect(keyPairFromMnemonic(spaced).publicKey).toEqual(keyPairFromMnemonic(MNEMONIC).publicKey);
  });

  it("rejects a bad checksum without repeating the words", () => {
    const words = MNEMONIC.split(" ");
    words[23] = words[23] === "abandon" ? "ability" : "abandon";
    const bad = words.join(" ");
    expect(() => keyPairFromMnemonic(bad)).toThrow(RangeError);
    try {
      keyPairFromMnemonic(bad);
    } catch (error) {
      expect((error as Error).message).not.toContain("arctic");
      expect((error as Error).message).not.toContain("gadget");
    }
  });

  it("rejects malformed paths", () => {
    expect(() => keyPairFromMnemonic(MNEMONIC, { path: "44'/1'/0'/0/0" })).toThrow(/"path" expected a BIP32 path/);
    expect(() => keyPairFromMnemonic(MNEMONIC, { path: "m/44'/x" })).toThrow(RangeError);
  });
});

describe("generateMnemonic()", () => {
  it.each([
    [128, 12],
    [160, 15],
    [192, 18],
    [224, 21],
    [256, 24],
  ] as const)("makes a valid %i-bit mnemonic of %i words", (strength, words) => {
    const mnemonic = generateMnemonic(strength);
    expect(mnemonic.split(" ")).toHaveLength(words);
    expect(validateMnemonic(mnemonic)).toBe(true);
  });

  it("defaults to 24 words", () => {
    expect(generateMnemonic().split(" ")).toHaveLength(24);
  });

  it("rejects other strengths", () => {
    expect(() => generateMnemonic(100 as 128)).toThrow(RangeError);
  });
});

describe("validateMnemonic()", () => {
  it("accepts the BIP39 reference mnemonic and rejects variations", () => {
    const reference = `${"abandon ".repeat(11)}about`;
    expect(validateMnemonic(reference)).toBe(true);
    expect(validateMnemonic(`${"abandon ".repeat(12)}about`)).toBe(false);
    expect(validateMnemonic(`${"abandon ".repeat(11)}abandon`)).toBe(false);
    expect(validateMnemonic(`${"abandon ".repeat(11)}notaword`)).toBe(false);
    expect(validateMnemonic(42 as unknown as string)).toBe(false);
  });
});

describe("compressPublicKey() and decompressPublicKey()", () => {
  it("convert between the 33- and 65-byte forms (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 }), (scalar) => {
        const privateKey = new Uint8Array(32);
        new DataView(privateKey.buffer).setUint32(28, scalar);
        const keys = keyPairFromPrivateKey(privateKey);
        expect(compressPublicKey(keys.publicKey)).toEqual(keys.compressedPublicKey);
        expect(compressPublicKey(keys.compressedPublicKey)).toEqual(keys.compressedPublicKey);
        expect(decompressPublicKey(keys.compressedPublicKey)).toEqual(keys.publicKey);
        expect(decompressPublicKey(keys.publicKey)).toEqual(keys.publicKey);
      }),
      { numRuns: 20 },
    );
  });

  it("rejects points that are not on the curve", () => {
    const keys = generateKeyPair();
    const offCurve = keys.publicKey.slice();
    offCurve[64]! ^= 1;
    expect(() => decompressPublicKey(offCurve)).toThrow(/"publicKey" is not a valid secp256k1 public key/);
    expect(() => compressPublicKey(new Uint8Array(33))).toThrow(RangeError);
  });

  it("rejects other lengths", () => {
    expect(() => decompressPublicKey(new Uint8Array(64))).toThrow(/length 33 or 65, got length=64/);
  });
});
