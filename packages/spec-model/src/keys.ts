import { create } from "@bufbuild/protobuf";
import { decompressPublicKey } from "@p8e/hashing-crypto";
import { SpecModelError } from "./errors.js";
import {
  KeyCurve,
  KeyType,
  type PublicKey,
  PublicKeySchema,
  type SigningAndEncryptionPublicKeys,
  SigningAndEncryptionPublicKeysSchema,
} from "./gen/io/provenance/scope/contract/public_key_pb.js";

function uncompressed(publicKey: Uint8Array, label: string): Uint8Array {
  try {
    return decompressPublicKey(publicKey);
  } catch (cause) {
    throw new SpecModelError(
      "invalid-key",
      `${label} is not a secp256k1 public key: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
  }
}

/**
 * The p8e PublicKey message for a secp256k1 public key (33 or 65 bytes), holding the 65-byte
 * uncompressed point with `compressed = false`, as peers send it.
 * @throws {SpecModelError} code "invalid-key" when the bytes are not a point on secp256k1.
 */
export function publicKeyToMessage(publicKey: Uint8Array): PublicKey {
  return create(PublicKeySchema, {
    publicKeyBytes: uncompressed(publicKey, "public key"),
    type: KeyType.ELLIPTIC,
    curve: KeyCurve.SECP256K1,
    compressed: false,
  });
}

/**
 * The 65-byte uncompressed point of a p8e PublicKey message.
 * @throws {SpecModelError} code "invalid-key" for another curve or bytes that are not a secp256k1 point.
 */
export function publicKeyFromMessage(message: PublicKey): Uint8Array {
  if (message.curve !== KeyCurve.SECP256K1) {
    throw new SpecModelError("invalid-key", `unsupported key curve ${message.curve}; only SECP256K1 is accepted`);
  }
  return uncompressed(message.publicKeyBytes, "PublicKey.public_key_bytes");
}

/** A party's signing and encryption keys as the p8e message (the two may be the same key). */
export function signingAndEncryptionKeys(
  signingPublicKey: Uint8Array,
  encryptionPublicKey: Uint8Array,
): SigningAndEncryptionPublicKeys {
  return create(SigningAndEncryptionPublicKeysSchema, {
    signingPublicKey: publicKeyToMessage(signingPublicKey),
    encryptionPublicKey: publicKeyToMessage(encryptionPublicKey),
  });
}
