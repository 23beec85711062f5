import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import {
  decodeDimeProto,
  encodeDimeProto,
  encryptDimeBytes,
  generateKeyPair,
  parseDimeHeader,
  privateKeyFromProto,
  privateKeyToProto,
} from "@p8e/hashing-crypto";
import { describe, expect, it } from "vitest";
import { PrivateKeySchema } from "./gen/io/provenance/scope/contract/public_key_pb.js";
import { DIMESchema } from "./gen/io/provenance/scope/encryption/encryption_pb.js";

// hashing-crypto is a leaf package and encodes its few protobuf messages by hand; these tests hold
// those encodings to the generated schemas.
describe("hashing-crypto's hand-written protobuf encodings", () => {
  it("write a real DIME header proto exactly as the generated DIME schema does", async () => {
    const owner = generateKeyPair();
    const reader = generateKeyPair();
    const encrypted = await encryptDimeBytes(new TextEncoder().encode("hello"), {
      owner: owner.publicKey,
      audience: [reader.publicKey],
      metadata: { "P8EAPI::TYPE": "FRAGMENT_REQUEST" },
    });
    const { header } = parseDimeHeader(encrypted.bytes);
    const protoBytes = header.sections.dime;
    expect(encodeDimeProto(header.dime)).toEqual(protoBytes);
    const viaSchema = fromBinary(DIMESchema, protoBytes);
    expect(toBinary(DIMESchema, viaSchema)).toEqual(protoBytes);
    expect(viaSchema.audience).toHaveLength(2);
    expect(viaSchema.owner?.context).toBe(1);
    expect(new TextDecoder().decode(viaSchema.owner?.publicKey)).toBe(Buffer.from(owner.publicKey).toString("base64"));
  });

  it("read what the generated DIME schema writes", () => {
    const message = create(DIMESchema, {
      uuid: { value: "5803f8bc-6067-4eb5-951f-2121671c2ec0" },
      owner: { publicKey: new TextEncoder().encode("a2V5"), context: 1, tag: new Uint8Array([1]) },
      metadata: { a: "1", b: "" },
      audience: [{ payloadId: 0, publicKey: new TextEncoder().encode("a2V5"), context: 3 }],
      payload: [{}],
      auditFields: { createdBy: "me", version: 1, createdDate: { seconds: 1700000000n, nanos: 5 } },
    });
    const bytes = toBinary(DIMESchema, message);
    expect(encodeDimeProto(decodeDimeProto(bytes))).toEqual(bytes);
  });

  it("write a PrivateKey proto the generated schema reads back", () => {
    const { privateKey } = generateKeyPair();
    const bytes = privateKeyToProto(privateKey);
    const message = fromBinary(PrivateKeySchema, bytes);
    expect(toBinary(PrivateKeySchema, message)).toEqual(bytes);
    expect(privateKeyFromProto(bytes)).toEqual(privateKey);
  });
});
