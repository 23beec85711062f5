import { Code, ConnectError } from "@connectrpc/connect";
import { DimeError } from "@p8e/hashing-crypto";
import { describe, expect, it } from "vitest";
import { EosError, isEosError } from "./eos-error.js";

describe("EosError.from()", () => {
  it("keeps the server's code and message, and the ConnectError as cause", () => {
    const cause = new ConnectError("no object with hash x", Code.NotFound);
    const error = EosError.from(cause);
    expect(error.code).toBe("not-found");
    expect(error.grpcCode).toBe(Code.NotFound);
    expect(error.message).toBe("no object with hash x");
    expect(error.cause).toBe(cause);
  });

  it("maps every gRPC code the store answers", () => {
    const pairs: Array<[Code, string]> = [
      [Code.InvalidArgument, "invalid-argument"],
      [Code.Unauthenticated, "unauthenticated"],
      [Code.PermissionDenied, "permission-denied"],
      [Code.ResourceExhausted, "resource-exhausted"],
      [Code.Unavailable, "unavailable"],
      [Code.DeadlineExceeded, "deadline-exceeded"],
      [Code.Internal, "internal"],
    ];
    for (const [code, name] of pairs) expect(EosError.from(new ConnectError("x", code)).code).toBe(name);
  });

  it("reports failed DIME checks as verification-failed and bad streams as protocol-violation", () => {
    expect(EosError.from(new DimeError("hash-mismatch", "hash differs")).code).toBe("verification-failed");
    expect(EosError.from(new DimeError("bad-signature", "bad")).code).toBe("verification-failed");
    expect(EosError.from(new DimeError("truncated", "short")).code).toBe("protocol-violation");
  });

  it("returns EosErrors unchanged and recognises copies by name", () => {
    const error = new EosError("not-found", "x");
    expect(EosError.from(error)).toBe(error);
    const copy = Object.assign(new Error("y"), { name: "EosError", code: "internal" });
    expect(isEosError(copy)).toBe(true);
    expect(copy instanceof EosError).toBe(true);
    expect(isEosError(new Error("z"))).toBe(false);
  });
});
