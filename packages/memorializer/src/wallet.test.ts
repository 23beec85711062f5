import { describe, expect, it } from "vitest";
import { isMemorializerError } from "./errors.js";
import { hdPathFor, walletFromMnemonic } from "./wallet.js";

// The BIP-39 test mnemonic ("abandon" ×11 + "about").
const mnemonic = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";

describe("hdPathFor()", () => {
  it("uses coin type 1 on testnet and 505 on mainnet", () => {
    expect(hdPathFor("testnet")).toBe("m/44'/1'/0'/0/0");
    expect(hdPathFor("mainnet", 2, 3)).toBe("m/44'/505'/2'/0/3");
    expect(() => hdPathFor("testnet", -1)).toThrow(/account must be an integer/);
  });
});

describe("walletFromMnemonic()", () => {
  it("derives a tp address on testnet and a different pb address on mainnet", async () => {
    const [testnet] = await (await walletFromMnemonic(mnemonic)).getAccounts();
    const [mainnet] = await (await walletFromMnemonic(mnemonic, { network: "mainnet" })).getAccounts();
    expect(testnet?.address).toMatch(/^tp1[02-9ac-hj-np-z]{38}$/);
    expect(mainnet?.address).toMatch(/^pb1[02-9ac-hj-np-z]{38}$/);
    expect(mainnet?.address.slice(3)).not.toBe(testnet?.address.slice(3));
  });

  it("refuses a bad mnemonic without repeating it", async () => {
    const bad = `${mnemonic.replace("about", "zebra")}`;
    try {
      await walletFromMnemonic(bad);
      expect.unreachable();
    } catch (error) {
      expect(isMemorializerError(error) && error.code).toBe("invalid-argument");
      expect((error as Error).message).not.toContain("abandon");
    }
  });
});
