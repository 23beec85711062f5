import { readFileSync } from "node:fs";
import { join } from "node:path";
import { generateMnemonic } from "@p8e/hashing-crypto";
import { describe, expect, it } from "vitest";
import { isNodeEnvError } from "./errors.js";
import { createKeystore, partyKeysFromMnemonic } from "./keystore.js";
import { tempDir } from "./testdata/temp-dir.js";

describe("createKeystore()", () => {
  it("keeps a key encrypted and opens it with its passphrase only", () => {
    const dir = tempDir();
    try {
      const keystore = createKeystore(join(dir.path, "keys"));
      const mnemonic = generateMnemonic();
      const info = keystore.create("alice", "correct horse", { mnemonic });
      const text = readFileSync(join(dir.path, "keys", "alice.json"), "utf8");
      // No two consecutive words of the mnemonic (a single short word may occur in base64 by chance).
      const words = mnemonic.split(" ");
      for (let i = 1; i < words.length; i++) expect(text).not.toMatch(new RegExp(`${words[i - 1]}\\W+${words[i]}`));
      const keys = partyKeysFromMnemonic(mnemonic);
      expect(text).not.toContain(Buffer.from(keys.signing.privateKey).toString("hex"));
      expect(info.address).toBe(keys.address);
      expect(keystore.open("alice", "correct horse").mnemonic).toBe(mnemonic);
      expect(keystore.list().map((k) => k.name)).toEqual(["alice"]);

      let error: unknown;
      try {
        keystore.open("alice", "wrong horse");
      } catch (caught) {
        error = caught;
      }
      expect(isNodeEnvError(error) && error.code).toBe("wrong-passphrase");
    } finally {
      dir.remove();
    }
  });

  it("refuses to overwrite a key, bad names and unknown keys", () => {
    const dir = tempDir();
    try {
      const keystore = createKeystore(dir.path);
      keystore.create("bob", "passphrase");
      expect(() => keystore.create("bob", "passphrase")).toThrow(/exists already/);
      expect(() => keystore.create("../evil", "passphrase")).toThrow(/bad key name/);
      expect(() => keystore.info("carol")).toThrow(/p8e keys create carol/);
    } finally {
      dir.remove();
    }
  });

  it("derives mainnet keys at coin type 505 with pb addresses", () => {
    const mnemonic = generateMnemonic();
    expect(partyKeysFromMnemonic(mnemonic, "mainnet").address).toMatch(/^pb1/);
    expect(partyKeysFromMnemonic(mnemonic, "testnet").address).toMatch(/^tp1/);
  });
});
