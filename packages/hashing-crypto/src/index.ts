/**
 * Cryptography for P8e: SHA-256/512, secp256k1 keys (raw, BIP39/BIP44, p8e key protos, PEM),
 * SHA512withECDSA signatures, Provenance account addresses (bech32), HKDF-SHA256, AES-GCM and the
 * DIME encrypted-object format of the Provenance object store.
 *
 * Bulk hashing and AES-GCM run on node:crypto; keys, ECDH and signatures on the audited noble/scure
 * libraries. This package is a leaf: it imports no other `@p8e` package.
 * @module
 */

// Addresses and bech32.
export {
  accountIdFromPublicKey,
  type DecodedAddress,
  decodeAddress,
  isAddress,
  MAINNET_ACCOUNT_PREFIX,
  publicKeyToAddress,
  TESTNET_ACCOUNT_PREFIX,
} from "./address.js";
export {
  AES_GCM_TAG_LENGTH,
  type AesGcmDecryptor,
  type AesGcmEncryptor,
  aesGcmDecrypt,
  aesGcmEncrypt,
  createAesGcmDecryptor,
  createAesGcmEncryptor,
} from "./aes-gcm.js";
export {
  BECH32_MAX_LENGTH,
  type Bech32Decoded,
  Bech32Error,
  type Bech32ErrorCode,
  bech32Decode,
  bech32Encode,
  isBech32Error,
} from "./bech32.js";
// DIME encryption.
export {
  type DecryptDimeOptions,
  type DecryptedDime,
  type DimePlaintext,
  type DimeSigner,
  type DimeVerification,
  decryptDime,
  decryptDimeBytes,
  type EncryptDimeOptions,
  type EncryptDimeResult,
  type EncryptedDime,
  type EncryptedDimeBytes,
  encryptDime,
  encryptDimeBytes,
  HEADER_MAC_METADATA,
  HEADER_MAC_PROTO_METADATA,
  SIGNATURE_PUBLIC_KEY_METADATA,
} from "./dime.js";
export { DimeError, type DimeErrorCode, isDimeError } from "./dime-error.js";
// Symbols above are for end users. Symbols below are for libraries that handle DIME containers
// without decrypting them (the object-store server) or that cross-check the protobuf encodings.
export {
  createDimeSignature,
  DEFAULT_MAX_DIME_HEADER_SIZE,
  DIME_MAGIC,
  DIME_VERSION,
  type DimeHeader,
  type DimeHeaderInit,
  type DimeHeaderOptions,
  type DimeHeaderSections,
  type DimeSignature,
  parseDimeHeader,
  readDimeHeader,
  rewriteDimeSignatures,
  serializeDimeHeader,
  uuidFromBytes,
  uuidToBytes,
} from "./dime-format.js";
export { createDimeKeyCache, type DimeKeyCache, type DimeKeyCacheOptions } from "./dime-key-cache.js";
export {
  type DimeAudience,
  type DimeAuditFields,
  DimeContext,
  type DimeContextType,
  type DimePayload,
  type DimeProto,
  type DimeTimestamp,
  decodeDimeProto,
  encodeDimeProto,
} from "./dime-proto.js";
export { base64ToBytes, bytesToBase64, bytesToHex, bytesToUtf8, hexToBytes, utf8ToBytes } from "./encoding.js";
// Hashes and encodings.
export { type Hash, type HashFunction, sha256, sha512 } from "./hash.js";
// Key derivation and symmetric encryption.
export { type HkdfOptions, hkdfSha256, hmacSha256 } from "./hkdf.js";
export {
  privateKeyFromHex,
  privateKeyFromProto,
  privateKeyToHex,
  privateKeyToProto,
  publicKeyFromHex,
  publicKeyFromProto,
  publicKeyToHex,
  publicKeyToProto,
} from "./key-proto.js";
// Keys.
export {
  compressPublicKey,
  decompressPublicKey,
  generateKeyPair,
  generateMnemonic,
  type KeyPair,
  keyPairFromMnemonic,
  keyPairFromPrivateKey,
  MAINNET_HD_PATH,
  type MnemonicKeyOptions,
  type PrivateKeyInput,
  TESTNET_HD_PATH,
  validateMnemonic,
} from "./keys.js";
export { publicKeyFromPem, publicKeyToPem } from "./pem.js";
// Signatures.
export {
  createSigner,
  createVerifier,
  SIGNATURE_ALGORITHM,
  SIGNATURE_PROVIDER,
  type Signer,
  sign,
  type Verifier,
  verify,
} from "./sign.js";
