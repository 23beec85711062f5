import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { concatBytes, u32be } from "./bytes.js";
import { isDimeError } from "./dime-error.js";
import {
  createDimeSignature,
  DIME_MAGIC,
  type DimeHeader,
  parseDimeHeader,
  readDimeHeader,
  rewriteDimeSignatures,
  serializeDimeHeader,
  uuidFromBytes,
  uuidToBytes,
} from "./dime-format.js";
import { DimeContext, type DimeProto, encodeDimeProto } from "./dime-proto.js";
import { base64ToBytes, bytesToHex, bytesToUtf8, utf8ToBytes } from "./encoding.js";
import { collect } from "./testdata/helpers.js";

const UUID = "00000000-0000-0000-0000-00000000012c";
const dime: DimeProto = {
  uuid: { value: "a uuid?" },
  owner: {
    payloadId: 10,
    publicKey: new Uint8Array([1, 2, 3]),
    context: 10,
    tag: new Uint8Array([4, 5, 6]),
    ephemeralPubkey: new Uint8Array([7, 8, 9]),
    encryptedDek: new Uint8Array([10, 11, 12]),
  },
  metadata: {},
  audience: [],
  payload: [{ id: 1, cipherText: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]) }],
};

/** Builds a container section by section, as the object-store unit tests do. */
function container(parts: { metadata?: string; uri?: string; signatures?: string; proto?: Uint8Array }): Uint8Array {
  const section = (bytes: Uint8Array) => concatBytes(u32be(bytes.length), bytes);
  return concatBytes(
    u32be(DIME_MAGIC),
    new Uint8Array([0, 1]),
    section(uuidToBytes(UUID)),
    section(utf8ToBytes(parts.metadata ?? '{"one":"1","two":"2","three":"3"}')),
    section(utf8ToBytes(parts.uri ?? "valid uri!")),
    section(utf8ToBytes(parts.signatures ?? "")),
    section(parts.proto ?? encodeDimeProto(dime)),
  );
}

function dimeError(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (isDimeError(error)) return error.code;
    throw error;
  }
  throw new Error("expected a DimeError");
}

async function dimeErrorAsync(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (isDimeError(error)) return error.code;
    throw error;
  }
  throw new Error("expected a DimeError");
}

describe("parseDimeHeader()", () => {
  it("parses a container laid out like the object-store server's tests", () => {
    const bytes = container({});
    const { header, payloadOffset } = parseDimeHeader(concatBytes(bytes, new Uint8Array([9, 9, 9])));
    expect(payloadOffset).toBe(bytes.length);
    expect(header.uuid).toBe(UUID);
    expect(header.metadata).toEqual({ one: "1", two: "2", three: "3" });
    expect(header.uri).toBe("valid uri!");
    expect(header.signatures).toEqual([]);
    expect(header.dime).toEqual(dime);
    expect(header.byteLength).toBe(bytes.length);
  });

  it("parses the signatures list the server writes", () => {
    const signatures =
      '[{"signature":"signature","publicKey":"public_key"},{"signature":"s2","publicKey":"k2","extra":1}]';
    const { header } = parseDimeHeader(container({ signatures }));
    expect(header.signatures).toEqual([
      { signature: "signature", publicKey: "public_key" },
      { signature: "s2", publicKey: "k2" },
    ]);
  });

  it("round-trips through serializeDimeHeader()", () => {
    const bytes = serializeDimeHeader({ uuid: UUID, metadata: { a: "b" }, uri: "", dime });
    const { header } = parseDimeHeader(bytes);
    expect(bytesToUtf8(header.sections.signatures)).toBe("[]");
    expect(serializeDimeHeader({ ...header, dime: header.sections.dime })).toEqual(bytes);
  });

  it.each([
    ["an empty buffer", new Uint8Array(0), "truncated"],
    ["bad magic bytes", new Uint8Array([0, 0, 1, 1, 0, 1, 0, 0, 0, 16]), "malformed"],
    ["version 5", concatBytes(u32be(DIME_MAGIC), new Uint8Array([0, 5]), u32be(16)), "unsupported-version"],
    ["a 10-byte uuid", concatBytes(u32be(DIME_MAGIC), new Uint8Array([0, 1]), u32be(10)), "malformed"],
    ["a section running past the end", container({}).subarray(0, 60), "truncated"],
    ["metadata that is not JSON", container({ metadata: "{nope" }), "malformed"],
    ["metadata with a non-string value", container({ metadata: '{"a":1}' }), "malformed"],
    ["metadata that is an array", container({ metadata: "[]" }), "malformed"],
    ["empty metadata", container({ metadata: "" }), "malformed"],
    ["signatures that are not a list", container({ signatures: "{}" }), "malformed"],
    ["a signature without publicKey", container({ signatures: '[{"signature":"x"}]' }), "malformed"],
    ["a proto that does not decode", container({ proto: new Uint8Array([0x0a, 0x05]) }), "malformed"],
  ])("rejects %s as %s", (_name, bytes, code) => {
    expect(dimeError(() => parseDimeHeader(bytes))).toBe(code);
  });

  it("rejects an invalid UTF-8 uri", () => {
    const bytes = container({});
    const uriAt = bytes.indexOf("v".charCodeAt(0), 30);
    bytes[uriAt] = 0xff;
    expect(dimeError(() => parseDimeHeader(bytes))).toBe("malformed");
  });

  it("refuses headers above the limit before reading them", () => {
    const bytes = concatBytes(
      u32be(DIME_MAGIC),
      new Uint8Array([0, 1]),
      u32be(16),
      new Uint8Array(16),
      u32be(0xfffffff0),
    );
    expect(dimeError(() => parseDimeHeader(bytes))).toBe("too-large");
    expect(dimeError(() => parseDimeHeader(container({}), { maxHeaderSize: 100 }))).toBe("too-large");
  });

  it("never throws anything but DimeError on arbitrary bytes (property)", () => {
    const prefix = concatBytes(u32be(DIME_MAGIC), new Uint8Array([0, 1]), u32be(16), new Uint8Array(16));
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.boolean(), (tail, withPrefix) => {
        try {
          parseDimeHeader(withPrefix ? concatBytes(prefix, tail) : tail);
        } catch (error) {
          expect(isDimeError(error)).toBe(true);
        }
      }),
      { numRuns: 1500 },
    );
  });

  it("never throws anything but DimeError on a mutated valid header (property)", () => {
    const valid = container({ signatures: '[{"signature":"c2ln","publicKey":"a2V5"}]' });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }),
        (flips) => {
          const bytes = valid.slice();
          for (const [at, value] of flips) bytes[at % bytes.length]! ^= value;
          try {
            parseDimeHeader(bytes);
          } catch (error) {
            expect(isDimeError(error)).toBe(true);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe("readDimeHeader()", () => {
  it("reads a header split into 1-byte chunks and hands back the rest of the stream", async () => {
    const header = container({});
    const payload = new Uint8Array(100).map((_, i) => i);
    const bytes = concatBytes(header, payload);
    const chunks = Array.from(bytes, (byte) => new Uint8Array([byte]));
    const result = await readDimeHeader(chunks);
    expect(result.header.uuid).toBe(UUID);
    expect(await collect(result.payload)).toEqual(payload);
  });

  it("reads a header that arrives with the payload in one chunk", async () => {
    const bytes = concatBytes(container({}), new Uint8Array([1, 2, 3]));
    const result = await readDimeHeader(
      (async function* () {
        yield bytes;
      })(),
    );
    expect(await collect(result.payload)).toEqual(new Uint8Array([1, 2, 3]));
  });

  it("reports a stream that ends inside the header as truncated and closes the source", async () => {
    let closed = false;
    async function* source() {
      try {
        yield container({}).subarray(0, 50);
        yield new Uint8Array(0);
      } finally {
        closed = true;
      }
    }
    expect(await dimeErrorAsync(readDimeHeader(source()))).toBe("truncated");
    expect(closed).toBe(true);
  });

  it("stops a garbage stream at the size limit without buffering it", async () => {
    let pulled = 0;
    async function* endless() {
      yield concatBytes(u32be(DIME_MAGIC), new Uint8Array([0, 1]), u32be(16), new Uint8Array(16), u32be(1 << 30));
      for (;;) {
        pulled++;
        yield new Uint8Array(1024);
      }
    }
    expect(await dimeErrorAsync(readDimeHeader(endless(), { maxHeaderSize: 1 << 20 }))).toBe("too-large");
    expect(pulled).toBe(0);
  });

  it("rejects a stream whose declared sections grow past the limit while reading", async () => {
    const big = container({ metadata: JSON.stringify({ a: "x".repeat(5000) }) });
    const chunks = [big.subarray(0, 40), big.subarray(40)];
    expect(await dimeErrorAsync(readDimeHeader(chunks, { maxHeaderSize: 1000 }))).toBe("too-large");
  });

  it("closes the source when the payload is abandoned", async () => {
    let closed = false;
    async function* source() {
      try {
        yield concatBytes(container({}), new Uint8Array([1]));
        yield new Uint8Array([2]);
        yield new Uint8Array([3]);
      } finally {
        closed = true;
      }
    }
    const { payload } = await readDimeHeader(source());
    for await (const chunk of payload) {
      expect(chunk).toEqual(new Uint8Array([1]));
      break;
    }
    expect(closed).toBe(true);
  });
});

describe("rewriteDimeSignatures()", () => {
  it("replaces only the signatures section, keeping every other byte", () => {
    const original = serializeDimeHeader({ uuid: UUID, metadata: { k: "v" }, dime });
    const { header } = parseDimeHeader(original);
    const signature = createDimeSignature(new Uint8Array([0x30, 0x06]), "-----BEGIN PUBLIC KEY-----\n");
    const rewritten = rewriteDimeSignatures(header, [signature]);
    const reparsed: DimeHeader = parseDimeHeader(rewritten).header;
    expect(reparsed.signatures).toEqual([signature]);
    expect(bytesToUtf8(reparsed.sections.signatures)).toBe(
      `[{"signature":"${signature.signature}","publicKey":"${signature.publicKey}"}]`,
    );
    for (const name of ["uuid", "metadata", "uri", "dime"] as const) {
      expect(bytesToHex(reparsed.sections[name])).toBe(bytesToHex(header.sections[name]));
    }
    expect(rewritten.length).toBe(original.length - 2 + reparsed.sections.signatures.length);
  });
});

describe("createDimeSignature()", () => {
  it("base64-encodes the DER signature and the PEM bytes", () => {
    const signature = createDimeSignature(new Uint8Array([1, 2, 3]), "PEM");
    expect(base64ToBytes(signature.signature)).toEqual(new Uint8Array([1, 2, 3]));
    expect(bytesToUtf8(base64ToBytes(signature.publicKey))).toBe("PEM");
    expect(createDimeSignature(new Uint8Array([1]), utf8ToBytes("PEM")).publicKey).toBe(signature.publicKey);
  });
});

describe("uuidToBytes() and uuidFromBytes()", () => {
  it("use RFC byte order and lowercase text", () => {
    const bytes = uuidToBytes("0B5F0AD5-0C0B-4B27-9D39-4A3BB8D3E3C1");
    expect(bytesToHex(bytes)).toBe("0b5f0ad50c0b4b279d394a3bb8d3e3c1");
    expect(uuidFromBytes(bytes)).toBe("0b5f0ad5-0c0b-4b27-9d39-4a3bb8d3e3c1");
    expect(() => uuidToBytes("nope")).toThrow(RangeError);
  });
});

it("DimeContext matches the ContextType numbering", () => {
  expect(DimeContext).toEqual({ UNKNOWN: 0, SUBMISSION: 1, PROCESSING: 2, RETRIEVAL: 3, TRANSFER: 4 });
});
