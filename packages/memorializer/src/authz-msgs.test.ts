import { GenericAuthorization } from "cosmjs-types/cosmos/authz/v1beta1/authz";
import { describe, expect, it } from "vitest";
import { authzGrantMsgs, authzMsgTypeUrls, authzRevokeMsgs } from "./authz-msgs.js";
import { ExecutionResult_Result, PartyType, testEnvelope, testParty } from "./testdata/envelopes.js";
import { authzTypeUrls, metadataTypeUrls } from "./type-urls.js";

const invoker = testParty("invoker", PartyType.ORIGINATOR);
const counterparty = testParty("counterparty", PartyType.SERVICER);
const envelope = (newScope: boolean, newSession: boolean) =>
  testEnvelope({
    invoker,
    parties: [invoker, counterparty],
    newScope,
    newSession,
    considerations: [
      { name: "f", result: ExecutionResult_Result.PASS, output: { name: "r", hash: "aA==", classname: "io.p8e.R" } },
    ],
  });

describe("authzMsgTypeUrls()", () => {
  it("grants scope and session writes for a new scope and session, data access and records otherwise", () => {
    expect(authzMsgTypeUrls(envelope(true, true))).toEqual([
      metadataTypeUrls.writeScope,
      metadataTypeUrls.writeSession,
    ]);
    expect(authzMsgTypeUrls(envelope(false, true))).toEqual([
      metadataTypeUrls.addScopeDataAccess,
      metadataTypeUrls.writeSession,
    ]);
    expect(authzMsgTypeUrls(envelope(false, false))).toEqual([
      metadataTypeUrls.addScopeDataAccess,
      metadataTypeUrls.writeRecord,
    ]);
  });
});

describe("authzGrantMsgs()", () => {
  it("grants the invoker a GenericAuthorization per Msg type, expiring an hour from now", () => {
    const now = new Date("2026-01-02T03:04:05.678Z");
    const msgs = authzGrantMsgs(envelope(true, false), { granter: counterparty.address, now });
    expect(msgs).toHaveLength(2);
    for (const msg of msgs) {
      expect(msg.typeUrl).toBe(authzTypeUrls.grant);
      expect(msg.value.granter).toBe(counterparty.address);
      expect(msg.value.grantee).toBe(invoker.address);
      expect(msg.value.grant.authorization?.typeUrl).toBe(authzTypeUrls.genericAuthorization);
      const expiration = msg.value.grant.expiration!;
      expect(Number(expiration.seconds) * 1000 + expiration.nanos / 1e6).toBe(now.getTime() + 3_600_000);
    }
    const granted = msgs.map((m) => GenericAuthorization.decode(m.value.grant.authorization!.value).msg);
    expect(granted).toEqual([metadataTypeUrls.writeScope, metadataTypeUrls.writeRecord]);
  });

  it("refuses an expiration in the past and a grant to oneself", () => {
    const now = new Date();
    expect(() =>
      authzGrantMsgs(envelope(true, true), {
        granter: counterparty.address,
        now,
        expiration: new Date(now.getTime() - 1),
      }),
    ).toThrow(/not after/);
    expect(() => authzGrantMsgs(envelope(true, true), { granter: invoker.address })).toThrow(/same account/);
  });
});

describe("authzRevokeMsgs()", () => {
  it("revokes exactly the Msg types that were granted", () => {
    const msgs = authzRevokeMsgs(envelope(false, true), { granter: counterparty.address, grantee: "tp1grantee" });
    expect(msgs.map((m) => [m.typeUrl, m.value.granter, m.value.grantee, m.value.msgTypeUrl])).toEqual([
      [authzTypeUrls.revoke, counterparty.address, "tp1grantee", metadataTypeUrls.addScopeDataAccess],
      [authzTypeUrls.revoke, counterparty.address, "tp1grantee", metadataTypeUrls.writeSession],
    ]);
  });
});
