import { describe, expect, it } from "vitest";
import { isMemorializerError } from "./errors.js";
import { hdPathFor, signerFromMnemonic, walletFromMnemonic } from "./wallet.js";

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

describe("signerFromMnemonic()", () => {
  it("is the wallet's account and signs exactly as the wallet does", async () => {
    const wallet = await walletFromMnemonic(mnemonic, { network: "mainnet", addressIndex: 2 });
    const signer = await signerFromMnemonic(mnemonic, { network: "mainnet", addressIndex: 2 });
    const [expected] = await wallet.getAccounts();
    const [account] = await signer.getAccounts();
    expect(account).toEqual(expected);
    const doc = {
      bodyBytes: Uint8Array.of(1, 2, 3),
      authInfoBytes: Uint8Array.of(4, 5),
      chainId: "pio-mainnet-1",
      accountNumber: 7n,
    };
    const ours = await signer.signDirect(account!.address, doc);
    expect(ours.signature).toEqual((await wallet.signDirect(expected!.address, doc)).signature);
    // A different account signs differently.
    const other = await signerFromMnemonic(mnemonic, { network: "mainnet" });
    const [otherAccount] = await other.getAccounts();
    expect((await other.signDirect(otherAccount!.address, doc)).signature.signature).not.toBe(ours.signature.signature);
  });

  it("refuses a bad mnemonic without repeating it", async () => {
    await expect(signerFromMnemonic(mnemonic.replace("about", "zebra"))).rejects.toSatisfy(
      (error: unknown) =>
        isMemorializerError(error) && error.code === "invalid-argument" && !error.message.includes("abandon"),
    );
  });
});
