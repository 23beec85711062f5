import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { BinaryWriter } from "@bufbuild/protobuf/wire";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DimeError, isDimeError } from "./dime-error.js";
import { DimeContext, type DimeProto, decodeDimeProto, encodeDimeProto } from "./dime-proto.js";
import { bytesToHex, utf8ToBytes } from "./encoding.js";
import { DimeSchema } from "./testdata/schemas.js";

const sample: DimeProto = {
  uuid: { value: "0b5f0ad5-0c0b-4b27-9d39-4a3bb8d3e3c1" },
  owner: {
    payloadId: 0,
    publicKey: utf8ToBytes("BKey"),
    context: DimeContext.SUBMISSION,
    tag: utf8ToBytes("tag"),
    ephemeralPubkey: utf8ToBytes("eph"),
    encryptedDek: utf8ToBytes("dek"),
  },
  metadata: { "p8e.header-mac": "v1", other: "" },
  audience: [
    {
      payloadId: 7,
      publicKey: utf8ToBytes("reader"),
      context: DimeContext.RETRIEVAL,
      tag: new Uint8Array(0),
      ephemeralPubkey: utf8ToBytes("e"),
      encryptedDek: utf8ToBytes("d"),
    },
  ],
  payload: [{ id: 0, cipherText: new Uint8Array(0) }],
  auditFields: {
    createdDate: { seconds: 1_700_000_000n, nanos: 0 },
    createdBy: "",
    updatedDate: { seconds: 1_700_000_001n, nanos: 5 },
    updatedBy: "me",
    version: 1,
    message: "",
  },
};

/** The same message as a protobuf-es reflection init object. */
function reflectionInit(dime: DimeProto) {
  return {
    ...(dime.uuid === undefined ? {} : { uuid: dime.uuid }),
    ...(dime.owner === undefined ? {} : { owner: dime.owner }),
    metadata: dime.metadata,
    audience: dime.audience,
    payload: dime.payload,
    ...(dime.auditFields === undefined ? {} : { auditFields: dime.auditFields }),
  };
}

const bytesArb = fc.uint8Array({ maxLength: 12 });
const audienceArb = fc.record({
  payloadId: fc.nat({ max: 2 ** 32 - 1 }),
  publicKey: bytesArb,
  context: fc.integer({ min: 0, max: 4 }),
  tag: bytesArb,
  ephemeralPubkey: bytesArb,
  encryptedDek: bytesArb,
});
const timestampArb = fc.record({
  seconds: fc.bigInt({ min: 0n, max: 2n ** 40n }),
  nanos: fc.nat({ max: 999_999_999 }),
});
const dimeArb: fc.Arbitrary<DimeProto> = fc.record(
  {
    uuid: fc.record({ value: fc.string({ maxLength: 8 }) }),
    owner: audienceArb,
    metadata: fc.dictionary(fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 }), { maxKeys: 3 }),
    audience: fc.array(audienceArb, { maxLength: 3 }),
    payload: fc.array(fc.record({ id: fc.nat({ max: 1000 }), cipherText: bytesArb }), { maxLength: 2 }),
    auditFields: fc.record(
      {
        createdDate: timestampArb,
        createdBy: fc.string({ maxLength: 5 }),
        updatedDate: timestampArb,
        updatedBy: fc.string({ maxLength: 5 }),
        version: fc.integer({ min: -5, max: 1000 }),
        message: fc.string({ maxLength: 5 }),
      },
      { requiredKeys: ["createdBy", "updatedBy", "version", "message"] },
    ),
  },
  { requiredKeys: ["metadata", "audience", "payload"] },
);

describe("encodeDimeProto()", () => {
  it("writes exactly what a canonical protobuf encoder writes for the same message", () => {
    const expected = toBinary(DimeSchema, create(DimeSchema, reflectionInit(sample)));
    expect(bytesToHex(encodeDimeProto(sample))).toBe(bytesToHex(expected));
  });

  it("matches the canonical encoder for arbitrary messages (property)", () => {
    fc.assert(
      fc.property(dimeArb, (dime) => {
        const expected = toBinary(DimeSchema, create(DimeSchema, reflectionInit(dime)));
        expect(bytesToHex(encodeDimeProto(dime))).toBe(bytesToHex(expected));
      }),
      { numRuns: 200 },
    );
  });

  it("omits proto3 defaults but keeps present empty messages", () => {
    const empty: DimeProto = { metadata: {}, audience: [], payload: [{ id: 0, cipherText: new Uint8Array(0) }] };
    expect(bytesToHex(encodeDimeProto(empty))).toBe("2a00");
    expect(bytesToHex(encodeDimeProto({ ...empty, payload: [], uuid: { value: "" } }))).toBe("0a00");
  });
});

describe("decodeDimeProto()", () => {
  it("round-trips", () => {
    expect(decodeDimeProto(encodeDimeProto(sample))).toEqual(sample);
  });

  it("decodes what the canonical encoder writes (property)", () => {
    fc.assert(
      fc.property(dimeArb, (dime) => {
        const bytes = toBinary(DimeSchema, create(DimeSchema, reflectionInit(dime)));
        expect(encodeDimeProto(decodeDimeProto(bytes))).toEqual(bytes);
        const reflected = fromBinary(DimeSchema, encodeDimeProto(dime));
        expect(toBinary(DimeSchema, reflected)).toEqual(bytes);
      }),
      { numRuns: 200 },
    );
  });

  it("skips unknown fields", () => {
    const bytes = new BinaryWriter().tag(42, 2).string("future").tag(5, 2).bytes(new Uint8Array(0)).finish();
    expect(decodeDimeProto(bytes).payload).toHaveLength(1);
  });

  it("keeps a __proto__ metadata key as data", () => {
    const bytes = new BinaryWriter()
      .tag(3, 2)
      .fork()
      .tag(1, 2)
      .string("__proto__")
      .tag(2, 2)
      .string("x")
      .join()
      .finish();
    const dime = decodeDimeProto(bytes);
    expect(Object.keys(dime.metadata)).toEqual(["__proto__"]);
    expect(Object.getPrototypeOf(dime.metadata)).toBe(Object.prototype);
  });

  it.each([
    ["a truncated length", new Uint8Array([0x0a, 0x05, 0x01])],
    ["a wrong wire type for a known field", new Uint8Array([0x08, 0x01])],
    ["field number 0", new Uint8Array([0x00, 0x01])],
    ["invalid UTF-8 in a string", new Uint8Array([0x0a, 0x03, 0x0a, 0x01, 0xff])],
  ])("rejects %s", (_name, bytes) => {
    expect(() => decodeDimeProto(bytes)).toThrow(DimeError);
    expect(() => decodeDimeProto(bytes)).toThrow(/\[malformed\]/);
  });

  it("never throws anything but DimeError on arbitrary bytes (property)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        try {
          decodeDimeProto(bytes);
        } catch (error) {
          expect(isDimeError(error) && error.code).toBe("malformed");
        }
      }),
      { numRuns: 1000 },
    );
  });
});
