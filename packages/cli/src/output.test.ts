// p8e's JSON: the conventions every verb's --json follows.
import { describe, expect, it } from "vitest";
import { toJson } from "./output.js";

describe("toJson()", () => {
  it("drops message type names, gives 64-bit integers as numbers, public keys in hex and other bytes in base64", () => {
    const value = {
      $typeName: "p8e.api.v1.PeerParty",
      height: 42n,
      huge: 2n ** 60n,
      signingPublicKey: new Uint8Array([4, 171]),
      publicKey: new Uint8Array([2, 1]),
      binary: new Uint8Array([255, 0]),
      createdAt: new Date(Date.UTC(2026, 11, 6)),
    };
    expect(JSON.parse(toJson(value))).toEqual({
      height: 42,
      huge: "1152921504606846976",
      signingPublicKey: "04ab",
      publicKey: "0201",
      binary: "/wA=",
      createdAt: "2026-12-06T00:00:00.000Z",
    });
  });
});
