import { describe, expect, it } from "vitest";
import { isMemorializerError, MemorializerError } from "./errors.js";

describe("MemorializerError.from()", () => {
  it("keeps a MemorializerError and wraps anything else with the given code", () => {
    const original = new MemorializerError("timeout", "slow", { txHash: "AA" });
    expect(MemorializerError.from(original, "query-failed")).toBe(original);
    const wrapped = MemorializerError.from(new TypeError("boom"), "query-failed");
    expect([wrapped.code, wrapped.message, wrapped.cause instanceof TypeError]).toEqual(["query-failed", "boom", true]);
  });
});

describe("isMemorializerError()", () => {
  it("recognises errors by name and code, also across package copies", () => {
    const lookalike = Object.assign(new Error("x"), { name: "MemorializerError", code: "timeout" });
    expect(isMemorializerError(lookalike)).toBe(true);
    expect(lookalike instanceof MemorializerError).toBe(true);
    expect(isMemorializerError(new Error("x"))).toBe(false);
  });
});
