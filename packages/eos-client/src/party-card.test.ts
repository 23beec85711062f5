import { create } from "@bufbuild/protobuf";
import { compressPublicKey, generateKeyPair } from "@p8e/hashing-crypto";
import { SignedPartyCardSchema } from "@p8e/spec-model/eos";
import { describe, expect, it } from "vitest";
import { openPartyCard, partyCardFromMetadata, partyCardMetadata, signPartyCard } from "./party-card.js";

const signing = generateKeyPair();
const encryption = generateKeyPair();
const node = generateKeyPair();
const fields = {
  signingPublicKey: signing.publicKey,
  encryptionPublicKey: encryption.publicKey,
  storeUrl: "http://127.0.0.1:7071",
  storeNodePublicKey: node.publicKey,
};

describe("signPartyCard / openPartyCard", () => {
  it("round-trips through registration metadata, keys as uncompressed points", () => {
    const issuedAt = new Date("2026-12-06T00:00:00Z");
    const signed = signPartyCard(
      { ...fields, encryptionPublicKey: compressPublicKey(encryption.publicKey) },
      { signing, encryption },
      issuedAt,
    );
    const opened = openPartyCard(partyCardFromMetadata(partyCardMetadata(signed))!);
    expect(opened).toMatchObject({ storeUrl: fields.storeUrl, issuedAt });
    expect(Buffer.from(opened.encryptionPublicKey).equals(Buffer.from(encryption.publicKey))).toBe(true);
    expect(Buffer.from(opened.signingPublicKey).equals(Buffer.from(signing.publicKey))).toBe(true);
  });

  it("refuses a card altered after signing", () => {
    const signed = signPartyCard(fields, { signing, encryption });
    const card = new Uint8Array(signed.card);
    card[card.length - 1] = (card[card.length - 1] ?? 0) ^ 1;
    expect(() => openPartyCard(create(SignedPartyCardSchema, { ...signed, card }))).toThrow(
      /does not verify|does not decode/,
    );
  });

  it("refuses a card pairing another party's encryption key, signed by the signing key alone", () => {
    const mallory = generateKeyPair();
    // The card Mallory wants: her signing key beside the victim's encryption key (the victim's key
    // pair only makes the bytes here); she can sign it with her key alone.
    const wanted = signPartyCard({ ...fields, signingPublicKey: mallory.publicKey }, { signing: mallory, encryption });
    const forged = create(SignedPartyCardSchema, { ...wanted, encryptionSignature: wanted.signature });
    expect(() => openPartyCard(forged)).toThrow(/does not verify for its encryption key/);
  });

  it("refuses to sign with keys the card does not name, or a store URL that is not http(s)", () => {
    expect(() => signPartyCard(fields, { signing: generateKeyPair(), encryption })).toThrow(/as its signing key/);
    expect(() => signPartyCard(fields, { signing, encryption: generateKeyPair() })).toThrow(/as its encryption key/);
    expect(() => signPartyCard({ ...fields, storeUrl: "file:///etc/passwd" }, { signing, encryption })).toThrow(
      /not an http\(s\) URL/,
    );
  });

  it("reads other metadata as no card", () => {
    expect(partyCardFromMetadata(undefined)).toBeUndefined();
    expect(
      partyCardFromMetadata({
        $typeName: "google.protobuf.Any",
        typeUrl: "type.googleapis.com/x.Y",
        value: new Uint8Array(),
      }),
    ).toBeUndefined();
  });
});
