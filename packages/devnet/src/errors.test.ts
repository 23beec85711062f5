import { describe, expect, it } from "vitest";
import { DevnetError, isDevnetError } from "./index.js";

describe("DevnetError", () => {
  it("keeps its code and recognises copies by name and code", () => {
    const error = new DevnetError("storage", "disk full");
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: "DevnetError", code: "storage", message: "disk full" });
    const lookalike = Object.assign(new Error("x"), { name: "DevnetError", code: "closed" });
    expect(isDevnetError(lookalike)).toBe(true);
    expect(lookalike instanceof DevnetError).toBe(true);
    expect(isDevnetError(Object.assign(new Error("x"), { name: "DevnetError", code: "nope" }))).toBe(false);
  });

  it("turns any thrown value into a DevnetError and keeps the original as cause", () => {
    const cause = new TypeError("bad");
    const wrapped = DevnetError.from(cause, "invalid-config");
    expect(wrapped).toMatchObject({ code: "invalid-config", message: "bad", cause });
    expect(DevnetError.from("text")).toMatchObject({ code: "internal", message: "text" });
    const original = new DevnetError("closed", "closed");
    expect(DevnetError.from(original)).toBe(original);
  });
});
