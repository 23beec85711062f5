import { encodeSecp256k1Pubkey, pubkeyToAddress, Secp256k1HdWallet } from "@cosmjs/amino";
import { stringToPath } from "@cosmjs/crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  accountIdFromPublicKey,
  decodeAddress,
  isAddress,
  MAINNET_ACCOUNT_PREFIX,
  publicKeyToAddress,
  TESTNET_ACCOUNT_PREFIX,
} from "./address.js";
import { bech32Encode, isBech32Error } from "./bech32.js";
import { generateKeyPair, keyPairFromMnemonic, MAINNET_HD_PATH, TESTNET_HD_PATH } from "./keys.js";

const MNEMONIC =
  "arctic live gadget display excess mandate sniff autumn people disorder affair hole retreat fancy close tip deer village tuition orbit cannon owner maid spare";

describe("publicKeyToAddress()", () => {
  it("matches @cosmjs/amino pubkeyToAddress for several keys and both prefixes", () => {
    for (let i = 0; i < 12; i++) {
      const keys = generateKeyPair();
      for (const prefix of [TESTNET_ACCOUNT_PREFIX, MAINNET_ACCOUNT_PREFIX]) {
        const expected = pubkeyToAddress(encodeSecp256k1Pubkey(keys.compressedPublicKey), prefix);
        expect(publicKeyToAddress(keys.publicKey, prefix)).toBe(expected);
        expect(publicKeyToAddress(keys.compressedPublicKey, prefix)).toBe(expected);
      }
    }
  });

  it.each([
    [TESTNET_ACCOUNT_PREFIX, TESTNET_HD_PATH],
    [MAINNET_ACCOUNT_PREFIX, MAINNET_HD_PATH],
  ])("gives the %s address cosmjs' Secp256k1HdWallet derives from a mnemonic at %s", async (prefix, path) => {
    const wallet = await Secp256k1HdWallet.fromMnemonic(MNEMONIC, { prefix, hdPaths: [stringToPath(path)] });
    const [account] = await wallet.getAccounts();
    const keys = keyPairFromMnemonic(MNEMONIC, { path });
    expect(keys.compressedPublicKey).toEqual(account!.pubkey);
    expect(publicKeyToAddress(keys.publicKey, prefix)).toBe(account!.address);
    expect(account!.address.startsWith(`${prefix}1`)).toBe(true);
  });

  it("defaults to the testnet prefix", () => {
    expect(publicKeyToAddress(generateKeyPair().publicKey)).toMatch(/^tp1[02-9ac-hj-np-z]{38}$/);
  });

  it("accepts any prefix", () => {
    const keys = generateKeyPair();
    expect(publicKeyToAddress(keys.publicKey, "cosmos")).toBe(
      pubkeyToAddress(encodeSecp256k1Pubkey(keys.compressedPublicKey), "cosmos"),
    );
  });
});

describe("decodeAddress()", () => {
  it("returns the prefix and the 20-byte account id", () => {
    const keys = generateKeyPair();
    const decoded = decodeAddress(publicKeyToAddress(keys.publicKey, "pb"));
    expect(decoded.prefix).toBe("pb");
    expect(decoded.bytes).toEqual(accountIdFromPublicKey(keys.publicKey));
    expect(decodeAddress(publicKeyToAddress(keys.publicKey, "pb").toUpperCase()).prefix).toBe("pb");
  });

  it("checks an expected prefix", () => {
    const address = publicKeyToAddress(generateKeyPair().publicKey, "tp");
    expect(decodeAddress(address, "tp").prefix).toBe("tp");
    expect(() => decodeAddress(address, "pb")).toThrow(/\[invalid-prefix\]/);
  });

  it("rejects payloads that are not 20 bytes as invalid-length", () => {
    expect(() => decodeAddress(bech32Encode("tp", new Uint8Array(32)))).toThrow(/\[invalid-length\].*32 bytes/);
  });

  it("says what is wrong with a broken address", () => {
    const address = publicKeyToAddress(generateKeyPair().publicKey, "tp");
    const last = address.at(-1) === "q" ? "p" : "q";
    expect(() => decodeAddress(address.slice(0, -1) + last)).toThrow(/\[invalid-checksum\]/);
    expect(() => decodeAddress(address.replace("1", "b"))).toThrow(/\[missing-separator\]/);
    expect(() => decodeAddress(address.slice(0, 5) + address.slice(5).toUpperCase())).toThrow(/\[mixed-case\]/);
    expect(() => decodeAddress(`${address.slice(0, -1)}b`)).toThrow(/\[invalid-character\]/);
  });

  it("never throws anything but Bech32Error on arbitrary strings (property)", () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ maxLength: 60 }), fc.constant("tp1"), fc.string({ unit: "binary", maxLength: 80 })),
        (text) => {
          try {
            decodeAddress(text);
          } catch (error) {
            expect(isBech32Error(error)).toBe(true);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("isAddress()", () => {
  it("answers without throwing", () => {
    const address = publicKeyToAddress(generateKeyPair().publicKey, "pb");
    expect(isAddress(address)).toBe(true);
    expect(isAddress(address, "pb")).toBe(true);
    expect(isAddress(address, "tp")).toBe(false);
    expect(isAddress("pb1nope")).toBe(false);
  });
});
