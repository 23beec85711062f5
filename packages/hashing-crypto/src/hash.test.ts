import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bytesToHex, utf8ToBytes } from "./encoding.js";
import { sha256, sha512 } from "./hash.js";
import { loadVectors } from "./testdata/helpers.js";

interface ShaVector {
  name: string;
  input: string;
  repeat: number;
  sha256: string;
  sha512: string;
}

const { vectors } = loadVectors<{ vectors: ShaVector[] }>("sha.json");

for (const [name, fn] of [
  ["sha256", sha256],
  ["sha512", sha512],
] as const) {
  describe(`${name}()`, () => {
    for (const vector of vectors) {
      it(`matches the FIPS 180-4 vector "${vector.name}"`, () => {
        const input = utf8ToBytes(vector.input.repeat(vector.repeat));
        expect(bytesToHex(fn(input))).toBe(vector[name]);
      });

      it(`matches "${vector.name}" when streamed in uneven chunks`, () => {
        const input = utf8ToBytes(vector.input.repeat(vector.repeat));
        const hash = fn.create();
        for (let offset = 0, step = 1; offset < input.length; offset += step, step = step * 3 + 1) {
          hash.update(input.subarray(offset, offset + step));
        }
        expect(bytesToHex(hash.digest())).toBe(vector[name]);
      });
    }

    it("reports its output and block lengths", () => {
      expect(fn.outputLen).toBe(name === "sha256" ? 32 : 64);
      expect(fn.blockLen).toBe(name === "sha256" ? 64 : 128);
      expect(fn(new Uint8Array(0))).toHaveLength(fn.outputLen);
    });

    it("returns plain Uint8Arrays, not Buffers", () => {
      expect(fn(new Uint8Array(3)).constructor).toBe(Uint8Array);
      expect(fn.create().digest().constructor).toBe(Uint8Array);
    });

    it("rejects non-bytes input with a TypeError", () => {
      expect(() => fn("abc" as unknown as Uint8Array)).toThrow(TypeError);
      expect(() => fn.create().update([1, 2] as unknown as Uint8Array)).toThrow(/"data" expected Uint8Array/);
    });

    it("refuses to be used after digest()", () => {
      const hash = fn.create().update(new Uint8Array(1));
      hash.digest();
      expect(() => hash.digest()).toThrow(/digest\(\) called twice/);
      expect(() => hash.update(new Uint8Array(1))).toThrow(/after digest/);
    });

    it("gives the same digest one-shot and streamed (property)", () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 512 }), fc.nat({ max: 512 }), (data, split) => {
          const cut = Math.min(split, data.length);
          const streamed = fn.create().update(data.subarray(0, cut)).update(data.subarray(cut)).digest();
          expect(bytesToHex(streamed)).toBe(bytesToHex(fn(data)));
        }),
      );
    });
  });
}
