import { describe, expect, it } from "vitest";
import { parseTxQuery } from "./tx-query.js";

describe("parseTxQuery()", () => {
  it("reads conditions joined by AND", () => {
    expect(
      parseTxQuery(
        "tx.height>=5 AND message.sender = 'tp1x' AND transfer.amount CONTAINS \"nhash\" AND tx.hash EXISTS",
      ),
    ).toEqual([
      { key: "tx.height", op: ">=", value: "5" },
      { key: "message.sender", op: "=", value: "tp1x" },
      { key: "transfer.amount", op: "CONTAINS", value: "nhash" },
      { key: "tx.hash", op: "EXISTS", value: "" },
    ]);
    expect(() => parseTxQuery("tx.height ~ 5")).toThrow('cannot parse query condition "tx.height ~ 5"');
  });
});
