import { createHash } from "node:crypto";
import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { toCanonicalBinary } from "./canonical.js";
import { DefinitionSpec_Type } from "./gen/io/provenance/scope/contract/common_pb.js";
import { ContractSpecSchema, PartyType } from "./gen/io/provenance/scope/contract/specification_pb.js";
import { DIMESchema } from "./gen/io/provenance/scope/encryption/encryption_pb.js";
import { contractSpecId, contractSpecIdFromBytes } from "./spec-id.js";

const helloSpec = create(ContractSpecSchema, {
  definition: { name: "HelloWorld", type: DefinitionSpec_Type.FACT },
  partiesInvolved: [PartyType.OWNER],
  functionSpecs: [{ funcName: "name", invokerParty: PartyType.OWNER }],
});

// Written out by hand from the protobuf wire format, independent of any encoder:
// definition (1, len 14: name (1) "HelloWorld", type (4) = 2), parties_involved (3, packed [5]),
// function_specs (6, len 8: func_name (1) "name", invoker_party (5) = 5).
const helloSpecHex = "0a0e0a0a48656c6c6f576f726c642002" + "1a0105" + "32080a046e616d652805";

describe("toCanonicalBinary()", () => {
  it("encodes a ContractSpec as the wire format prescribes", () => {
    expect(Buffer.from(toCanonicalBinary(ContractSpecSchema, helloSpec)).toString("hex")).toBe(helloSpecHex);
  });

  it("orders map entries by key whatever the insertion order", () => {
    const a = create(DIMESchema, { metadata: { zeta: "1", alpha: "2", mid: "3" } });
    const b = create(DIMESchema, { metadata: { mid: "3", zeta: "1", alpha: "2" } });
    const encoded = Buffer.from(toCanonicalBinary(DIMESchema, a)).toString("hex");
    expect(Buffer.from(toCanonicalBinary(DIMESchema, b)).toString("hex")).toBe(encoded);
    // Field 3 entries: {1: key, 2: value}, alpha first.
    const entry = (k: string, v: string) =>
      `1a${(4 + k.length + v.length).toString(16).padStart(2, "0")}0a${k.length.toString(16).padStart(2, "0")}${Buffer.from(k).toString("hex")}12${v.length.toString(16).padStart(2, "0")}${Buffer.from(v).toString("hex")}`;
    expect(encoded).toBe(entry("alpha", "2") + entry("mid", "3") + entry("zeta", "1"));
  });

  it("drops unknown fields", () => {
    const spec = create(ContractSpecSchema, helloSpec);
    spec.$unknown = [{ no: 42, wireType: 0, data: new Uint8Array([0xd0, 0x02, 0x01]) }];
    expect(Buffer.from(toCanonicalBinary(ContractSpecSchema, spec)).toString("hex")).toBe(helloSpecHex);
  });
});

describe("contractSpecId()", () => {
  it("is the first 16 bytes of SHA-256 of the encoding, as hash, base64, UUID and address", () => {
    const digest = createHash("sha256").update(Buffer.from(helloSpecHex, "hex")).digest();
    const id = contractSpecId(helloSpec);
    expect(Buffer.from(id.hash).toString("hex")).toBe(digest.subarray(0, 16).toString("hex"));
    expect(id.hashBase64).toBe(digest.subarray(0, 16).toString("base64"));
    expect(id.hashBase64).toHaveLength(24);
    expect(id.uuid.replaceAll("-", "")).toBe(digest.subarray(0, 16).toString("hex"));
    expect(id.address.kind).toBe("contractSpecification");
    expect(id.address.primaryUuid).toBe(id.uuid);
  });

  it("changes when anything in the spec changes", () => {
    const renamed = create(ContractSpecSchema, {
      definition: { name: "HelloWorld", type: DefinitionSpec_Type.FACT },
      partiesInvolved: [PartyType.OWNER],
      functionSpecs: [{ funcName: "rename", invokerParty: PartyType.OWNER }],
    });
    expect(contractSpecId(renamed).uuid).not.toBe(contractSpecId(helloSpec).uuid);
  });

  it("takes the id over given bytes as they are", () => {
    expect(contractSpecIdFromBytes(Buffer.from(helloSpecHex, "hex")).uuid).toBe(contractSpecId(helloSpec).uuid);
  });
});
