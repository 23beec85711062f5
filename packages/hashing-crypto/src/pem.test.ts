import { createPublicKey, generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { bytesToBase64, hexToBytes } from "./encoding.js";
import { compressPublicKey, generateKeyPair } from "./keys.js";
import { isCanonicalPem, publicKeyFromPem, publicKeyToPem } from "./pem.js";

function opensslPem(publicKey: Uint8Array): string {
  const jwk = {
    kty: "EC",
    crv: "secp256k1",
    x: Buffer.from(publicKey.subarray(1, 33)).toString("base64url"),
    y: Buffer.from(publicKey.subarray(33)).toString("base64url"),
  };
  return createPublicKey({ key: jwk, format: "jwk" }).export({ type: "spki", format: "pem" }).toString();
}

describe("publicKeyToPem()", () => {
  it("writes the same SubjectPublicKeyInfo PEM as OpenSSL (named curve, uncompressed, 64-column lines)", () => {
    for (let i = 0; i < 8; i++) {
      const keys = generateKeyPair();
      expect(publicKeyToPem(keys.publicKey)).toBe(opensslPem(keys.publicKey));
      expect(publicKeyToPem(keys.compressedPublicKey)).toBe(opensslPem(keys.publicKey));
    }
  });

  it("has the layout JcaPEMWriter produces", () => {
    const pem = publicKeyToPem(generateKeyPair().publicKey);
    const lines = pem.split("\n");
    expect(lines[0]).toBe("-----BEGIN PUBLIC KEY-----");
    expect(lines[1]).toMatch(/^MFYwEAYHKoZIzj0CAQYFK4EEAAoDQgAE[A-Za-z0-9+/]{32}$/);
    expect(lines[2]).toMatch(/^[A-Za-z0-9+/]{54}==$/);
    expect(lines[3]).toBe("-----END PUBLIC KEY-----");
    expect(lines[4]).toBe("");
  });
});

describe("publicKeyFromPem()", () => {
  it("parses OpenSSL's PEM, CRLF line ends and surrounding whitespace", () => {
    const keys = generateKeyPair();
    const pem = opensslPem(keys.publicKey);
    expect(publicKeyFromPem(pem)).toEqual(keys.publicKey);
    expect(publicKeyFromPem(pem.replaceAll("\n", "\r\n"))).toEqual(keys.publicKey);
    expect(publicKeyFromPem(`\n  ${pem.trimEnd()}  \n`)).toEqual(keys.publicKey);
  });

  it("parses a SubjectPublicKeyInfo with a compressed point", () => {
    const keys = generateKeyPair();
    const der = new Uint8Array([
      ...hexToBytes("3036301006072a8648ce3d020106052b8104000a032200"),
      ...compressPublicKey(keys.publicKey),
    ]);
    const pem = `-----BEGIN PUBLIC KEY-----\n${bytesToBase64(der)}\n-----END PUBLIC KEY-----\n`;
    expect(publicKeyFromPem(pem)).toEqual(keys.publicKey);
  });

  it("rejects a P-256 key", () => {
    const { publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const pem = publicKey.export({ type: "spki", format: "pem" }).toString();
    expect(() => publicKeyFromPem(pem)).toThrow(/not a secp256k1 SubjectPublicKeyInfo/);
  });

  it("rejects other labels and broken bodies", () => {
    const pem = publicKeyToPem(generateKeyPair().publicKey);
    expect(() => publicKeyFromPem(pem.replaceAll("PUBLIC KEY", "PRIVATE KEY"))).toThrow(
      /expected "-----BEGIN PUBLIC KEY-----"/,
    );
    expect(() => publicKeyFromPem(pem.replace("MFYw", "MFY-"))).toThrow(/invalid base64 body/);
    expect(() => publicKeyFromPem("")).toThrow(RangeError);
  });
});

describe("isCanonicalPem()", () => {
  it("accepts exactly Java's text with LF or CRLF line ends", () => {
    const keys = generateKeyPair();
    const pem = publicKeyToPem(keys.publicKey);
    expect(isCanonicalPem(pem, keys.publicKey)).toBe(true);
    expect(isCanonicalPem(pem.replaceAll("\n", "\r\n"), keys.publicKey)).toBe(true);
    expect(isCanonicalPem(pem.trimEnd(), keys.publicKey)).toBe(false);
    expect(isCanonicalPem(` ${pem}`, keys.publicKey)).toBe(false);
  });
});
