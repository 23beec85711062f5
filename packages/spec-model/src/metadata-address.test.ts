import { createHash, randomUUID } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isSpecModelError } from "./errors.js";
import { MetadataAddress, type MetadataAddressKind, normalizeRecordName } from "./metadata-address.js";
import vectors from "./testdata/metadata-address.json" with { type: "json" };

// An independent BIP-173 bech32 encoder, written from the spec, to cross-check the package's.
const charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
function polymod(values: number[]): number {
  const gen = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
  let chk = 1;
  for (const v of values) {
    const top = chk >>> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ v;
    for (let i = 0; i < 5; i++) if ((top >>> i) & 1) chk ^= gen[i]!;
  }
  return chk >>> 0;
}
function referenceBech32(hrp: string, data: Uint8Array): string {
  const words: number[] = [];
  let acc = 0;
  let bits = 0;
  for (const byte of data) {
    acc = (acc << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      words.push((acc >>> bits) & 31);
    }
  }
  if (bits > 0) words.push((acc << (5 - bits)) & 31);
  const expanded = [...[...hrp].map((c) => c.charCodeAt(0) >> 5), 0, ...[...hrp].map((c) => c.charCodeAt(0) & 31)];
  const mod = polymod([...expanded, ...words, 0, 0, 0, 0, 0, 0]) ^ 1;
  const checksum = [0, 1, 2, 3, 4, 5].map((i) => (mod >>> (5 * (5 - i))) & 31);
  return `${hrp}1${[...words, ...checksum].map((w) => charset[w]).join("")}`;
}
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");
const uuidHex = (uuid: string) => uuid.replaceAll("-", "");
const nameHashHex = (name: string) => createHash("sha256").update(name.trim().toLowerCase()).digest("hex").slice(0, 32);

const { scopeUuid, sessionUuid, scopeSpecUuid, contractSpecUuid, recordName } = vectors;
const fromVectors: Record<MetadataAddressKind, MetadataAddress> = {
  scope: MetadataAddress.forScope(scopeUuid),
  session: MetadataAddress.forSession(scopeUuid, sessionUuid),
  record: MetadataAddress.forRecord(scopeUuid, recordName),
  scopeSpecification: MetadataAddress.forScopeSpecification(scopeSpecUuid),
  contractSpecification: MetadataAddress.forContractSpecification(contractSpecUuid),
  recordSpecification: MetadataAddress.forRecordSpecification(contractSpecUuid, recordName),
};

describe("MetadataAddress", () => {
  describe("upstream vectors", () => {
    for (const [kind, expected] of Object.entries(vectors.addresses)) {
      it(`builds the ${kind} address`, () => {
        const address = fromVectors[kind as MetadataAddressKind];
        expect(address.kind).toBe(kind);
        expect(hex(address.bytes)).toBe(expected.hex);
        expect(address.toString()).toBe(expected.bech32);
      });
      it(`parses the ${kind} address from bech32 and from bytes`, () => {
        const parsed = MetadataAddress.fromBech32(expected.bech32);
        expect(parsed.kind).toBe(kind);
        expect(hex(parsed.bytes)).toBe(expected.hex);
        expect(MetadataAddress.fromBytes(Buffer.from(expected.hex, "hex")).toString()).toBe(expected.bech32);
      });
    }
    it("hashes the record name as the vectors say", () => {
      expect(hex(fromVectors.record.nameHash!)).toBe(vectors.recordNameHash);
      expect(hex(fromVectors.recordSpecification.nameHash!)).toBe(vectors.recordNameHash);
    });
  });

  describe("independent computation", () => {
    it("matches a from-spec bech32 encoder and node:crypto SHA-256 for random UUIDs and names", () => {
      fc.assert(
        fc.property(
          fc.uuid(),
          fc.uuid(),
          fc.stringMatching(/^[ A-Za-z0-9_.]{0,20}[A-Za-z0-9][ A-Za-z0-9_.]{0,20}$/),
          (a, b, name) => {
            const cases: [MetadataAddress, string, string][] = [
              [MetadataAddress.forScope(a), "scope", `00${uuidHex(a)}`],
              [MetadataAddress.forSession(a, b), "session", `01${uuidHex(a)}${uuidHex(b)}`],
              [MetadataAddress.forRecord(a, name), "record", `02${uuidHex(a)}${nameHashHex(name)}`],
              [MetadataAddress.forContractSpecification(a), "contractspec", `03${uuidHex(a)}`],
              [MetadataAddress.forScopeSpecification(a), "scopespec", `04${uuidHex(a)}`],
              [MetadataAddress.forRecordSpecification(a, name), "recspec", `05${uuidHex(a)}${nameHashHex(name)}`],
            ];
            for (const [address, prefix, expectedHex] of cases) {
              expect(hex(address.bytes)).toBe(expectedHex);
              expect(address.toString()).toBe(referenceBech32(prefix, Buffer.from(expectedHex, "hex")));
            }
          },
        ),
      );
    });
  });

  describe("accessors", () => {
    it("exposes the UUIDs", () => {
      expect(fromVectors.session.primaryUuid).toBe(scopeUuid);
      expect(fromVectors.session.secondaryUuid).toBe(sessionUuid);
      expect(fromVectors.record.primaryUuid).toBe(scopeUuid);
      expect(fromVectors.recordSpecification.primaryUuid).toBe(contractSpecUuid);
      expect(fromVectors.scope.secondaryUuid).toBeUndefined();
      expect(fromVectors.scope.nameHash).toBeUndefined();
    });
    it("derives related addresses", () => {
      expect(fromVectors.session.asScopeAddress().equals(fromVectors.scope)).toBe(true);
      expect(fromVectors.scope.asRecordAddress(recordName).equals(fromVectors.record)).toBe(true);
      expect(fromVectors.recordSpecification.asContractSpecAddress().equals(fromVectors.contractSpecification)).toBe(
        true,
      );
      expect(fromVectors.contractSpecification.asRecordSpecAddress(recordName).toString()).toBe(
        fromVectors.recordSpecification.toString(),
      );
      expect(() => fromVectors.scopeSpecification.asScopeAddress()).toThrow(/asScopeAddress\(\) does not apply/);
    });
    it("returns a copy of its bytes", () => {
      const bytes = fromVectors.scope.bytes;
      bytes[1] = 0;
      expect(hex(fromVectors.scope.bytes)).toBe(vectors.addresses.scope.hex);
    });
    it("serialises to JSON as bech32", () => {
      expect(JSON.stringify({ id: fromVectors.scope })).toBe(`{"id":"${vectors.addresses.scope.bech32}"}`);
    });
  });

  describe("record names", () => {
    it("trims and lowercases before hashing", () => {
      const a = MetadataAddress.forRecord(scopeUuid, "  RecordName\t\n");
      expect(a.equals(fromVectors.record)).toBe(true);
    });
    it("follows Go's TrimSpace and per-rune ToLower", () => {
      expect(normalizeRecordName("\u0085Name\u00a0")).toBe("name");
      expect(normalizeRecordName("\ufeffName")).toBe("\ufeffname");
      expect(normalizeRecordName("\u0130STANBUL")).toBe("istanbul");
      expect(normalizeRecordName("ΟΔΟΣ")).toBe("οδοσ");
    });
    it("refuses an empty or blank name", () => {
      expect(() => MetadataAddress.forRecord(scopeUuid, "   ")).toThrow(/must not be empty or blank/);
      expect(() => MetadataAddress.forRecordSpecification(contractSpecUuid, "")).toThrow(/must not be empty or blank/);
    });
  });

  describe("bad input", () => {
    it("names a wrong prefix", () => {
      const wrongPrefix = referenceBech32("session", Buffer.from(vectors.addresses.scope.hex, "hex"));
      expect(() => MetadataAddress.fromBech32(wrongPrefix)).toThrow(
        /wrong bech32 prefix: expected scope .* got session/,
      );
    });
    it("names a bad checksum", () => {
      const text = vectors.addresses.scope.bech32;
      const broken = `${text.slice(0, -1)}${text.endsWith("q") ? "p" : "q"}`;
      expect(() => MetadataAddress.fromBech32(broken)).toThrow(/checksum/i);
    });
    it("names a wrong length", () => {
      expect(() => MetadataAddress.fromBytes(Buffer.from("0091978ba25f35459a86a7feca1b0512", "hex"))).toThrow(
        /incorrect length for a scope address \(expected: 17, actual: 16\)/,
      );
      const longScope = referenceBech32("scope", Buffer.from(`${vectors.addresses.scope.hex}00`, "hex"));
      expect(() => MetadataAddress.fromBech32(longScope)).toThrow(/expected: 17, actual: 18/);
    });
    it("names an unknown type byte", () => {
      expect(() => MetadataAddress.fromBytes(Buffer.from(`06${uuidHex(scopeUuid)}`, "hex"))).toThrow(
        /unknown type byte 0x06/,
      );
      expect(() => MetadataAddress.fromBytes(new Uint8Array())).toThrow(/address is empty/);
    });
    it("refuses a bad UUID", () => {
      expect(() => MetadataAddress.forScope("not-a-uuid")).toThrow(/invalid UUID/);
      expect(() => MetadataAddress.forSession(randomUUID(), "91978ba25f35459a86a7feca1b0512e0")).toThrow(
        /invalid UUID/,
      );
    });
    it("only ever throws SpecModelError on arbitrary bytes and strings", () => {
      const onlyOwnErrors = (parse: () => unknown) => {
        try {
          parse();
        } catch (error) {
          expect(isSpecModelError(error)).toBe(true);
        }
      };
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => onlyOwnErrors(() => MetadataAddress.fromBytes(bytes))),
      );
      fc.assert(
        fc.property(fc.string({ maxLength: 120 }), (text) => onlyOwnErrors(() => MetadataAddress.fromBech32(text))),
      );
      fc.assert(
        fc.property(
          fc.constantFrom(...Object.values(vectors.addresses).map((a) => a.bech32)),
          fc.nat(),
          fc.string({ minLength: 1, maxLength: 1 }),
          (text, at, char) => {
            const i = at % text.length;
            onlyOwnErrors(() => MetadataAddress.fromBech32(text.slice(0, i) + char + text.slice(i + 1)));
          },
        ),
      );
    });
  });
});
