import { fromBinary, toBinary } from "@bufbuild/protobuf";
import { compressPublicKey, generateKeyPair, publicKeyFromProto, publicKeyToProto } from "@p8e/hashing-crypto";
import { describe, expect, it } from "vitest";
import { type KeyCurve, PublicKeySchema } from "./gen/io/provenance/scope/contract/public_key_pb.js";
import { publicKeyFromMessage, publicKeyToMessage, signingAndEncryptionKeys } from "./keys.js";

describe("publicKeyToMessage()", () => {
  it("holds the uncompressed point whether given 33 or 65 bytes", () => {
    const { publicKey } = generateKeyPair();
    for (const input of [publicKey, compressPublicKey(publicKey)]) {
      const message = publicKeyToMessage(input);
      expect(message.publicKeyBytes).toEqual(publicKey);
      expect(message.compressed).toBe(false);
      expect(publicKeyFromMessage(message)).toEqual(publicKey);
    }
  });

  it("encodes exactly as hashing-crypto's hand-written key proto", () => {
    const { publicKey } = generateKeyPair();
    const generated = toBinary(PublicKeySchema, publicKeyToMessage(publicKey));
    expect(generated).toEqual(publicKeyToProto(publicKey));
    expect(publicKeyFromProto(generated)).toEqual(publicKey);
    expect(publicKeyFromMessage(fromBinary(PublicKeySchema, publicKeyToProto(publicKey)))).toEqual(publicKey);
  });

  it("refuses bytes that are not a secp256k1 point", () => {
    expect(() => publicKeyToMessage(new Uint8Array(65).fill(4))).toThrow(/not a secp256k1 public key/);
    expect(() => publicKeyToMessage(new Uint8Array(12))).toThrow(/not a secp256k1 public key/);
  });
});

describe("publicKeyFromMessage()", () => {
  it("refuses another curve", () => {
    const message = publicKeyToMessage(generateKeyPair().publicKey);
    message.curve = 1 as KeyCurve;
    expect(() => publicKeyFromMessage(message)).toThrow(/only SECP256K1/);
  });
});

describe("signingAndEncryptionKeys()", () => {
  it("holds both keys", () => {
    const signing = generateKeyPair().publicKey;
    const encryption = generateKeyPair().publicKey;
    const keys = signingAndEncryptionKeys(signing, encryption);
    expect(keys.signingPublicKey?.publicKeyBytes).toEqual(signing);
    expect(keys.encryptionPublicKey?.publicKeyBytes).toEqual(encryption);
  });
});
