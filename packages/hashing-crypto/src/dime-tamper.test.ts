import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { concatBytes, u32be } from "./bytes.js";
import { decryptDimeBytes, encryptDimeBytes } from "./dime.js";
import { type DimeErrorCode, isDimeError } from "./dime-error.js";
import { createDimeSignature, DIME_MAGIC, parseDimeHeader, rewriteDimeSignatures } from "./dime-format.js";
import { utf8ToBytes } from "./encoding.js";
import { generateKeyPair } from "./keys.js";
import { publicKeyToPem } from "./pem.js";

const owner = generateKeyPair();
const reader = generateKeyPair();
const plaintext = utf8ToBytes("tamper-evident: every byte of this DIME matters");

/** A small stored object: signed, one extra reader, signatures section rewritten by the store. */
async function storedDime() {
  const dime = await encryptDimeBytes(plaintext, {
    owner: owner.publicKey,
    audience: [reader.publicKey],
    metadata: { "P8EAPI::TYPE": "FRAGMENT_REQUEST" },
    signer: owner,
  });
  const { header, payloadOffset } = parseDimeHeader(dime.bytes);
  const signature = createDimeSignature(dime.signature!, publicKeyToPem(owner.publicKey));
  const bytes = concatBytes(rewriteDimeSignatures(header, [signature]), dime.bytes.subarray(payloadOffset));
  const stored = parseDimeHeader(bytes).header;
  // Where the signatures section sits: after magic, version and the uuid, metadata and uri sections.
  const start = 6 + 4 + 16 + 4 + stored.sections.metadata.length + 4 + stored.sections.uri.length;
  return { bytes, signatures: { start, end: start + 4 + stored.sections.signatures.length } };
}

/** Decrypts and returns the DimeError code, or "ok" with the plaintext; any other error fails the test. */
async function outcome(bytes: Uint8Array): Promise<{ code: DimeErrorCode | "ok"; plaintext?: Uint8Array }> {
  try {
    return { code: "ok", plaintext: await decryptDimeBytes(bytes, reader) };
  } catch (error) {
    if (isDimeError(error)) return { code: error.code };
    throw error;
  }
}

describe("decryptDimeBytes() on tampered input", () => {
  it("reports a DimeError for a flipped bit at every position of a stored DIME", { timeout: 60_000 }, async () => {
    const { bytes, signatures } = await storedDime();
    expect(await decryptDimeBytes(bytes, reader)).toEqual(plaintext);
    const codes = new Map<string, number>();
    for (let position = 0; position < bytes.length; position++) {
      const tampered = bytes.slice();
      tampered[position]! ^= 0x01;
      const result = await outcome(tampered);
      expect(result.code, `flip at byte ${position}`).not.toBe("ok");
      // Only the signatures section is outside the header MAC; a change there must fail signature checks.
      if (position >= signatures.start + 4 && position < signatures.end) {
        expect(["bad-signature", "malformed"], `flip at byte ${position}`).toContain(result.code);
      }
      codes.set(result.code, (codes.get(result.code) ?? 0) + 1);
    }
    expect(codes.get("bad-header-mac")).toBeGreaterThan(0);
    expect(codes.get("bad-tag")).toBeGreaterThan(0);
    expect(codes.get("bad-signature")).toBeGreaterThan(0);
  });

  it("never returns wrong plaintext or another error type after random edits (property)", async () => {
    const { bytes } = await storedDime();
    const edit = fc.oneof(
      fc.record({ kind: fc.constant("flip" as const), at: fc.nat(), value: fc.integer({ min: 1, max: 255 }) }),
      fc.record({ kind: fc.constant("cut" as const), at: fc.nat() }),
      fc.record({ kind: fc.constant("insert" as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
      fc.record({ kind: fc.constant("delete" as const), at: fc.nat() }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(edit, { minLength: 1, maxLength: 3 }), async (edits) => {
        let tampered: Uint8Array = bytes.slice();
        for (const change of edits) {
          const at = change.at % (tampered.length + 1);
          if (change.kind === "flip" && at < tampered.length) tampered[at]! ^= change.value;
          if (change.kind === "cut") tampered = tampered.slice(0, at);
          if (change.kind === "insert")
            tampered = concatBytes(tampered.subarray(0, at), new Uint8Array([change.value]), tampered.subarray(at));
          if (change.kind === "delete") tampered = concatBytes(tampered.subarray(0, at), tampered.subarray(at + 1));
        }
        const result = await outcome(tampered);
        // An edit can be a no-op (e.g. cutting at the very end); then the original plaintext is the right answer.
        if (result.code === "ok") expect(result.plaintext).toEqual(plaintext);
      }),
      { numRuns: 150 },
    );
  });

  it("never throws anything but DimeError on arbitrary bytes (property)", async () => {
    const prefix = concatBytes(u32be(DIME_MAGIC), new Uint8Array([0, 1]), u32be(16), new Uint8Array(16));
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 400 }), fc.boolean(), async (tail, withPrefix) => {
        const result = await outcome(withPrefix ? concatBytes(prefix, tail) : tail);
        expect(result.code).not.toBe("ok");
      }),
      { numRuns: 500 },
    );
  });
});
