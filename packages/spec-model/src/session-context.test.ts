import { create } from "@bufbuild/protobuf";
import { sha256 } from "@p8e/hashing-crypto";
import { describe, expect, it } from "vitest";
import { toCanonicalBinary } from "./canonical.js";
import { EnvelopeSchema } from "./gen/io/provenance/scope/contract/envelope_pb.js";
import { envelopeHash, parseSessionContext, sessionContextBytes } from "./session-context.js";

const envelope = create(EnvelopeSchema, {
  ref: { scopeUuid: { value: "91978ba2-5f35-459a-86a7-feca1b0512e0" } },
  executionUuid: { value: "0b5e8f43-6f1e-4d84-9c5a-6a3ea1f0c001" },
});

describe("envelopeHash()", () => {
  it("is the base64 SHA-256 of the canonical encoding", () => {
    const expected = Buffer.from(sha256(toCanonicalBinary(EnvelopeSchema, envelope))).toString("base64");
    expect(envelopeHash(envelope)).toBe(expected);
  });
});

describe("sessionContextBytes()", () => {
  it("carries the execution UUID as field 1 (legacy ContractState's layout) and the envelope hash", () => {
    const bytes = sessionContextBytes(envelope);
    // Field 1, length-delimited, holding a UUID message whose field 1 is the 36-character string.
    expect([...bytes.subarray(0, 4)]).toEqual([0x0a, 38, 0x0a, 36]);
    const parsed = parseSessionContext(bytes);
    expect(parsed.executionUuid?.value).toBe("0b5e8f43-6f1e-4d84-9c5a-6a3ea1f0c001");
    expect(parsed.envelopeHash).toBe(envelopeHash(envelope));
  });

  it("refuses bytes that are not a SessionContext", () => {
    expect(() => parseSessionContext(new Uint8Array([0xff, 0xff]))).toThrow("not a p8e.engine.v1.SessionContext");
  });
});
