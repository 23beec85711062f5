import { describe, expect, it } from "vitest";
import { ContractAnnotationsError, isContractAnnotationsError } from "./index.js";

describe("ContractAnnotationsError", () => {
  it("joins several issues into one message and keeps them all", () => {
    const error = ContractAnnotationsError.fromIssues([
      { code: "no-participants", message: "A has no participants" },
      { code: "no-scope-specification", message: "A has no scope specification" },
    ]);
    expect(error.name).toBe("ContractAnnotationsError");
    expect(error.code).toBe("no-participants");
    expect(error.message).toBe("2 problems:\n  - A has no participants\n  - A has no scope specification");
    expect(error.issues).toHaveLength(2);
  });

  it("wraps any value, keeping the cause, and passes its own errors through", () => {
    const cause = new RangeError("boom");
    const wrapped = ContractAnnotationsError.from(cause, "bundle-failed");
    expect([wrapped.code, wrapped.message, wrapped.cause]).toEqual(["bundle-failed", "boom", cause]);
    expect(ContractAnnotationsError.from(wrapped)).toBe(wrapped);
    expect(ContractAnnotationsError.from("text").code).toBe("unknown");
  });

  it("is recognised across copies of the package by name and code", () => {
    const foreign = Object.assign(new Error("x"), { name: "ContractAnnotationsError", code: "invalid-name" });
    expect(isContractAnnotationsError(foreign)).toBe(true);
    expect(foreign instanceof ContractAnnotationsError).toBe(true);
    expect(isContractAnnotationsError(new Error("x"))).toBe(false);
  });
});
