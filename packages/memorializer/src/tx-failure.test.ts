import { describe, expect, it } from "vitest";
import { chainReason, expectedSequence, failedMsgIndex, isSequenceMismatch, txFailure } from "./tx-failure.js";
import { metadataTypeUrls } from "./type-urls.js";

const log =
  "failed to execute message; message index: 1: scope specification scopespec1qnwg86 not found: invalid request";

describe("failedMsgIndex()", () => {
  it("reads the index the SDK puts in the log, and nothing from a log without one", () => {
    expect(failedMsgIndex(log)).toBe(1);
    expect(failedMsgIndex("insufficient fees; got: 1nhash required: 10nhash")).toBeUndefined();
  });
});

describe("chainReason()", () => {
  it("drops the SDK's wrapper and keeps the module's reason", () => {
    expect(chainReason(log)).toBe("scope specification scopespec1qnwg86 not found: invalid request");
    expect(chainReason("out of gas")).toBe("out of gas");
  });
});

describe("isSequenceMismatch()", () => {
  it("recognises SDK code 32 and the mismatch text, and nothing else", () => {
    expect(isSequenceMismatch({ code: 32, codespace: "sdk", log: "" })).toBe(true);
    expect(isSequenceMismatch({ code: 4, codespace: "sdk", log: "account sequence mismatch, expected 3, got 2" })).toBe(
      true,
    );
    expect(isSequenceMismatch({ code: 32, codespace: "metadata", log: "other" })).toBe(false);
    expect(isSequenceMismatch({ code: 13, codespace: "sdk", log: "insufficient fee" })).toBe(false);
  });
});

describe("expectedSequence()", () => {
  it("reads the sequence the chain expects", () => {
    expect(expectedSequence("account sequence mismatch, expected 7, got 6: incorrect account sequence")).toBe(7);
    expect(expectedSequence("incorrect account sequence")).toBeUndefined();
  });
});

describe("txFailure()", () => {
  it("names the refused Msg's index, type and the chain's reason", () => {
    const error = txFailure(
      { code: 18, codespace: "sdk", log },
      [metadataTypeUrls.writeScope, metadataTypeUrls.writeSession],
      "deliver",
      {
        txHash: "AB",
        height: 9,
      },
    );
    expect(error.code).toBe("msg-failed");
    expect([error.msgIndex, error.msgType, error.chainCode, error.codespace, error.txHash, error.height]).toEqual([
      1,
      metadataTypeUrls.writeSession,
      18,
      "sdk",
      "AB",
      9,
    ]);
    expect(error.message).toContain("scope specification scopespec1qnwg86 not found");
  });

  it("reports a refusal that names no Msg as a failed simulation or broadcast", () => {
    expect(txFailure({ code: 13, codespace: "sdk", log: "insufficient fee" }, [], "simulate").code).toBe(
      "simulation-failed",
    );
    expect(txFailure({ code: 13, codespace: "sdk", log: "insufficient fee" }, [], "check").code).toBe(
      "broadcast-failed",
    );
  });
});
