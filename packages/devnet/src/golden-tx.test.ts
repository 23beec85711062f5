import { createHash, createPublicKey, verify } from "node:crypto";
import { readFileSync } from "node:fs";
import { fromBinary } from "@bufbuild/protobuf";
import { MsgWriteContractSpecificationRequestSchema, PartyType } from "@p8e/spec-model/metadata";
import { bech32 } from "@scure/base";
import { MsgSend } from "cosmjs-types/cosmos/bank/v1beta1/tx";
import { PubKey } from "cosmjs-types/cosmos/crypto/secp256k1/keys";
import { SignMode } from "cosmjs-types/cosmos/tx/signing/v1beta1/signing";
import { AuthInfo, SignDoc, TxBody, TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDevnet, type Devnet } from "./index.js";

interface Golden {
  chainId: string;
  accountNumber: number;
  sequence: number;
  signer: string;
  publicKeyHex: string;
  txHex: string;
  txHash: string;
}

const golden = JSON.parse(readFileSync(new URL("./testdata/golden-tx.json", import.meta.url), "utf8")) as Golden;
const txBytes = new Uint8Array(Buffer.from(golden.txHex, "hex"));

// DER SubjectPublicKeyInfo prefix for a compressed secp256k1 point (id-ecPublicKey, secp256k1).
const SPKI_PREFIX = Buffer.from("3036301006072a8648ce3d020106052b8104000a032200", "hex");
const SECP256K1_HALF_ORDER = BigInt("0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0");

describe("golden transaction bytes", () => {
  it("decode with cosmjs-types to the expected body, auth info and Msgs", () => {
    const raw = TxRaw.decode(txBytes);
    const body = TxBody.decode(raw.bodyBytes);
    expect(body.memo).toBe("p8e-devnet golden tx");
    expect(body.messages.map((m) => m.typeUrl)).toEqual([
      "/provenance.metadata.v1.MsgWriteContractSpecificationRequest",
      "/cosmos.bank.v1beta1.MsgSend",
    ]);
    const spec = fromBinary(MsgWriteContractSpecificationRequestSchema, body.messages[0]!.value);
    expect(spec.signers).toEqual([golden.signer]);
    expect(spec.specification).toMatchObject({
      className: "io.p8e.HelloWorld",
      ownerAddresses: [golden.signer],
      partiesInvolved: [PartyType.OWNER],
      source: { case: "hash", value: "3q2+7w==" },
    });
    expect(MsgSend.decode(body.messages[1]!.value)).toMatchObject({
      fromAddress: golden.signer,
      amount: [{ denom: "nhash", amount: "1" }],
    });
    const authInfo = AuthInfo.decode(raw.authInfoBytes);
    expect(authInfo.fee).toMatchObject({ amount: [{ denom: "nhash", amount: "21666666666" }], gasLimit: 500000n });
    expect(authInfo.signerInfos).toHaveLength(1);
    const info = authInfo.signerInfos[0]!;
    expect(info.sequence).toBe(BigInt(golden.sequence));
    expect(info.modeInfo?.single?.mode).toBe(SignMode.SIGN_MODE_DIRECT);
    expect(info.publicKey?.typeUrl).toBe("/cosmos.crypto.secp256k1.PubKey");
    expect(Buffer.from(PubKey.decode(info.publicKey!.value).key).toString("hex")).toBe(golden.publicKeyHex);
  });

  it("carry a low-S signature that node:crypto verifies over the SIGN_MODE_DIRECT sign doc", () => {
    const raw = TxRaw.decode(txBytes);
    const signDoc = SignDoc.encode({
      bodyBytes: raw.bodyBytes,
      authInfoBytes: raw.authInfoBytes,
      chainId: golden.chainId,
      accountNumber: BigInt(golden.accountNumber),
    }).finish();
    const publicKey = Buffer.from(golden.publicKeyHex, "hex");
    const key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, publicKey]), format: "der", type: "spki" });
    const signature = raw.signatures[0]!;
    expect(signature).toHaveLength(64);
    expect(verify("sha256", signDoc, { key, dsaEncoding: "ieee-p1363" }, signature)).toBe(true);
    expect(BigInt(`0x${Buffer.from(signature.subarray(32)).toString("hex")}`) <= SECP256K1_HALF_ORDER).toBe(true);
    // The same signature does not verify for another chain id.
    const otherDoc = SignDoc.encode({ ...SignDoc.decode(signDoc), chainId: "pio-testnet-1" }).finish();
    expect(verify("sha256", otherDoc, { key, dsaEncoding: "ieee-p1363" }, signature)).toBe(false);
    // And the key is the signer's: bech32("tp", RIPEMD160(SHA-256(key))).
    const id = createHash("ripemd160").update(createHash("sha256").update(publicKey).digest()).digest();
    expect(bech32.encode("tp", bech32.toWords(id))).toBe(golden.signer);
  });

  describe("on a fresh devnet", () => {
    let devnet: Devnet;
    beforeAll(async () => {
      devnet = createDevnet({ instant: true });
      await devnet.start();
    });
    afterAll(() => devnet.stop());

    it("are accepted at account number 0, sequence 0, under their SHA-256 hash", async () => {
      const outcome = await devnet.broadcastTx(txBytes);
      expect(outcome.checkTx.code).toBe(0);
      expect(outcome.txResult).toMatchObject({ code: 0, log: "" });
      expect(outcome.hash).toBe(golden.txHash);
      expect(createHash("sha256").update(txBytes).digest("hex").toUpperCase()).toBe(golden.txHash);
      // Replaying them is a sequence error.
      expect((await devnet.broadcastTx(txBytes)).checkTx).toMatchObject({ code: 32, codespace: "sdk" });
    });
  });
});
