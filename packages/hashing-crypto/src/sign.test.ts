import { createPrivateKey, createPublicKey, sign as nodeSign, verify as nodeVerify } from "node:crypto";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bytesToBase64, utf8ToBytes } from "./encoding.js";
import { sha512 } from "./hash.js";
import { generateKeyPair, type KeyPair } from "./keys.js";
import { createSigner, createVerifier, SIGNATURE_ALGORITHM, sign, verify } from "./sign.js";

const N = secp256k1.Point.Fn.ORDER;

function jwk(keys: KeyPair, withPrivate: boolean) {
  const b64url = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64url");
  return {
    kty: "EC",
    crv: "secp256k1",
    x: b64url(keys.publicKey.subarray(1, 33)),
    y: b64url(keys.publicKey.subarray(33)),
    ...(withPrivate ? { d: b64url(keys.privateKey) } : {}),
  };
}

/** Re-encodes a DER signature with s replaced by n - s (the high-S twin BouncyCastle may produce). */
function highS(der: Uint8Array): Uint8Array {
  const signature = secp256k1.Signature.fromBytes(der, "der");
  return new secp256k1.Signature(signature.r, N - signature.s).toBytes("der");
}

describe("sign()", () => {
  it("is verified by OpenSSL's SHA512withECDSA (node:crypto)", () => {
    for (let i = 0; i < 5; i++) {
      const keys = generateKeyPair();
      const data = utf8ToBytes(`payload ${i}`);
      const signature = sign(data, keys);
      const publicKey = createPublicKey({ key: jwk(keys, false), format: "jwk" });
      expect(nodeVerify("sha512", data, { key: publicKey, dsaEncoding: "der" }, signature)).toBe(true);
    }
  });

  it("signs over SHA-512 truncated to 256 bits, as ECDSA prescribes", () => {
    const keys = generateKeyPair();
    const data = utf8ToBytes("truncation");
    const signature = sign(data, keys.privateKey);
    const truncated = sha512(data).subarray(0, 32);
    expect(secp256k1.verify(signature, truncated, keys.publicKey, { prehash: false, format: "der" })).toBe(true);
  });

  it("produces low-S DER signatures", () => {
    const keys = generateKeyPair();
    for (let i = 0; i < 10; i++) {
      const der = sign(utf8ToBytes(`low-s ${i}`), keys);
      expect(der[0]).toBe(0x30);
      expect(secp256k1.Signature.fromBytes(der, "der").hasHighS()).toBe(false);
    }
  });

  it("names the algorithm as p8e records it", () => {
    expect(SIGNATURE_ALGORITHM).toBe("SHA512withECDSA");
  });
});

describe("verify()", () => {
  it("accepts OpenSSL-made SHA512withECDSA signatures", () => {
    for (let i = 0; i < 5; i++) {
      const keys = generateKeyPair();
      const data = utf8ToBytes(`node ${i}`);
      const privateKey = createPrivateKey({ key: jwk(keys, true), format: "jwk" });
      const signature = new Uint8Array(nodeSign("sha512", data, { key: privateKey, dsaEncoding: "der" }));
      expect(verify(signature, data, keys.publicKey)).toBe(true);
      expect(verify(bytesToBase64(signature), data, keys.compressedPublicKey)).toBe(true);
    }
  });

  it("accepts high-S signatures, which BouncyCastle does not normalise", () => {
    const keys = generateKeyPair();
    const data = utf8ToBytes("high s");
    const twin = highS(sign(data, keys));
    expect(secp256k1.Signature.fromBytes(twin, "der").hasHighS()).toBe(true);
    expect(verify(twin, data, keys.publicKey)).toBe(true);
    const publicKey = createPublicKey({ key: jwk(keys, false), format: "jwk" });
    expect(nodeVerify("sha512", data, { key: publicKey, dsaEncoding: "der" }, twin)).toBe(true);
  });

  it("rejects tampered data, signatures and other keys (property)", () => {
    const keys = generateKeyPair();
    const other = generateKeyPair();
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 64 }),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (data, at, flip) => {
          const signature = sign(data, keys);
          expect(verify(signature, data, keys.publicKey)).toBe(true);
          expect(verify(signature, data, other.publicKey)).toBe(false);
          const changedData = data.slice();
          changedData[at % data.length]! ^= flip;
          expect(verify(signature, changedData, keys.publicKey)).toBe(false);
          const changedSignature = signature.slice();
          changedSignature[at % signature.length]! ^= flip;
          expect(verify(changedSignature, data, keys.publicKey)).toBe(false);
        },
      ),
      { numRuns: 40 },
    );
  });

  it("returns false for malformed signatures and bad base64 instead of throwing", () => {
    const keys = generateKeyPair();
    expect(verify(new Uint8Array(0), new Uint8Array(1), keys.publicKey)).toBe(false);
    expect(verify(new Uint8Array(64), new Uint8Array(1), keys.publicKey)).toBe(false);
    expect(verify("not base64!", new Uint8Array(1), keys.publicKey)).toBe(false);
  });

  it("throws for an invalid public key", () => {
    expect(() => verify(new Uint8Array(70), new Uint8Array(1), new Uint8Array(65))).toThrow(RangeError);
  });
});

describe("createSigner() and createVerifier()", () => {
  it("stream to the same result as the one-shot forms (property)", () => {
    const keys = generateKeyPair();
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 100 }), { maxLength: 8 }), (chunks) => {
        const signer = createSigner(keys);
        const verifier = createVerifier(keys.publicKey);
        for (const chunk of chunks) {
          signer.update(chunk);
          verifier.update(chunk);
        }
        const signature = signer.sign();
        const whole = Buffer.concat(chunks);
        expect(signature).toEqual(sign(whole, keys));
        expect(verifier.verify(signature)).toBe(true);
      }),
      { numRuns: 25 },
    );
  });

  it("signs 64 MiB in 1 MiB chunks without holding the data", () => {
    const keys = generateKeyPair();
    const chunk = new Uint8Array(1024 * 1024).fill(0x61);
    const signer = createSigner(keys);
    const verifier = createVerifier(keys.publicKey);
    for (let i = 0; i < 64; i++) {
      signer.update(chunk);
      verifier.update(chunk);
    }
    expect(verifier.verify(signer.sign())).toBe(true);
  });

  it("refuse reuse after finishing", () => {
    const signer = createSigner(generateKeyPair());
    signer.sign();
    expect(() => signer.sign()).toThrow(/called twice/);
    expect(() => signer.update(new Uint8Array(1))).toThrow(/after sign/);
    const verifier = createVerifier(generateKeyPair().publicKey);
    verifier.verify(new Uint8Array(8));
    expect(() => verifier.verify(new Uint8Array(8))).toThrow(/called twice/);
  });
});
