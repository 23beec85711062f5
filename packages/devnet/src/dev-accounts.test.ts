import { stringToPath } from "@cosmjs/crypto";
import { DirectSecp256k1HdWallet } from "@cosmjs/proto-signing";
import { describe, expect, it } from "vitest";
import { DEV_MNEMONICS, DevnetError, deriveAccount, MAINNET_HD_PATH } from "./index.js";

describe("deriveAccount()", () => {
  it("derives the address CosmJS's HD wallet derives, for testnet and mainnet paths and prefixes", async () => {
    for (const [prefix, path] of [
      ["tp", "m/44'/1'/0'/0/0"],
      ["pb", MAINNET_HD_PATH],
    ] as const) {
      const wallet = await DirectSecp256k1HdWallet.fromMnemonic(DEV_MNEMONICS.bob, {
        prefix,
        hdPaths: [stringToPath(path)],
      });
      const [expected] = await wallet.getAccounts();
      const derived = deriveAccount(DEV_MNEMONICS.bob, { prefix, hdPath: path });
      expect(derived.address).toBe(expected!.address);
      expect(derived.publicKey).toEqual(expected!.pubkey);
    }
  });

  it("refuses a phrase that is not a BIP39 mnemonic", () => {
    expect(() => deriveAccount("not a mnemonic at all")).toThrow(DevnetError);
    expect(() => deriveAccount(DEV_MNEMONICS.alice.replace("muffin", "zoo"))).toThrow(/not a valid BIP39 mnemonic/);
  });

  it("hands out copies, so callers cannot spoil the cache", () => {
    const first = deriveAccount(DEV_MNEMONICS.carol);
    first.privateKey.fill(0);
    expect(deriveAccount(DEV_MNEMONICS.carol).privateKey.some((b) => b !== 0)).toBe(true);
  });
});
