/**
 * PEM (`-----BEGIN PUBLIC KEY-----`, X.509 SubjectPublicKeyInfo) for secp256k1 public keys, in the
 * exact text Kotlin peers produce with BouncyCastle's `JcaPEMWriter` (`CertificateUtil.publicKeyToPem`):
 * id-ecPublicKey with the named curve secp256k1 (1.3.132.0.10), an uncompressed point, base64 in
 * 64-character lines, `\n` line ends and a final newline.
 * @module
 */

import { astring } from "./asserts.js";
import { concatBytes } from "./bytes.js";
import { base64ToBytes, bytesToBase64, bytesToHex, hexToBytes } from "./encoding.js";
import { decompressPublicKey } from "./keys.js";

const BEGIN = "-----BEGIN PUBLIC KEY-----";
const END = "-----END PUBLIC KEY-----";

// SEQUENCE { SEQUENCE { OID id-ecPublicKey, OID secp256k1 }, BIT STRING (0 unused bits) … }
const SPKI_PREFIX_UNCOMPRESSED = hexToBytes("3056301006072a8648ce3d020106052b8104000a034200");
const SPKI_PREFIX_COMPRESSED = hexToBytes("3036301006072a8648ce3d020106052b8104000a032200");

/**
 * Encodes a secp256k1 public key (33 or 65 bytes) as a PEM SubjectPublicKeyInfo, byte-for-byte as Java's `publicKeyToPem`.
 * @example
 * publicKeyToPem(keys.publicKey); // "-----BEGIN PUBLIC KEY-----\nMFYwEAYHKoZIzj0CAQYFK4EEAAoDQgAE…"
 */
export function publicKeyToPem(publicKey: Uint8Array): string {
  const der = concatBytes(SPKI_PREFIX_UNCOMPRESSED, decompressPublicKey(publicKey));
  const body = bytesToBase64(der).replace(/.{1,64}/g, "$&\n");
  return `${BEGIN}\n${body}${END}\n`;
}

/**
 * Parses a PEM SubjectPublicKeyInfo holding a secp256k1 key and returns the 65-byte uncompressed point.
 * Surrounding whitespace and `\r\n` line ends are accepted; anything else must be exact.
 * @throws {RangeError} for another label, another algorithm or curve, or malformed base64.
 */
export function publicKeyFromPem(pem: string): Uint8Array {
  const lines = astring(pem, "pem").trim().split(/\r?\n/);
  if (lines.length < 3 || lines[0] !== BEGIN || lines[lines.length - 1] !== END) {
    throw new RangeError(`PEM: expected "${BEGIN}" … "${END}"`);
  }
  let der: Uint8Array;
  try {
    der = base64ToBytes(lines.slice(1, -1).join(""));
  } catch (cause) {
    throw new RangeError(`PEM: invalid base64 body (${(cause as Error).message})`, { cause });
  }
  for (const prefix of [SPKI_PREFIX_UNCOMPRESSED, SPKI_PREFIX_COMPRESSED]) {
    const pointLength = prefix === SPKI_PREFIX_UNCOMPRESSED ? 65 : 33;
    if (
      der.length === prefix.length + pointLength &&
      bytesToHex(der.subarray(0, prefix.length)) === bytesToHex(prefix)
    ) {
      return decompressPublicKey(der.subarray(prefix.length));
    }
  }
  throw new RangeError("PEM: not a secp256k1 SubjectPublicKeyInfo (id-ecPublicKey, named curve 1.3.132.0.10)");
}

/** Whether `pem` is exactly the text Java would write for `publicKey`, with `\n` or `\r\n` line ends. */
export function isCanonicalPem(pem: string, publicKey: Uint8Array): boolean {
  const canonical = publicKeyToPem(publicKey);
  return pem === canonical || pem === canonical.replaceAll("\n", "\r\n");
}
