import { create } from "@bufbuild/protobuf";
import * as md from "@p8e/spec-model/metadata";
import { GenericAuthorization } from "cosmjs-types/cosmos/authz/v1beta1/authz";
import { describe, expect, it } from "vitest";
import { decodeAccountAddress } from "../../codec.js";
import type { Context } from "../../context.js";
import { DEFAULT_FEE_SCHEDULE } from "../../fees.js";
import { CacheStore } from "../../store/kv-store.js";
import { ensureAccount } from "../auth.js";
import { saveGrant } from "../authz.js";
import {
  authzTypeUrls,
  validateRolesPresent,
  validateSignersWithParties,
  validateSmartContractSigners,
} from "./signers.js";

const ALICE = "tp1kh7w87hptaqynsyyh009z9z6zrp0zklj69gd45";
const BOB = "tp1ckpj8frd8kraytcehwxw80tqqnuc7msfp87cfm";
const CAROL = "tp1g4z8k7hm6hj5fa7s780slnxjvq2dnpgpg0udq0";
const { OWNER, SERVICER } = md.PartyType;
const WRITE_SESSION = "/provenance.metadata.v1.MsgWriteSessionRequest";

function context(): Context {
  const empty = { get: () => undefined, iterate: () => [] };
  return {
    store: new CacheStore(empty),
    chain: { chainId: "testing", prefix: "tp", fees: DEFAULT_FEE_SCHEDULE, feeDenom: "nhash" },
    blockHeight: 2,
    blockTime: new Date(),
    simulate: false,
    events: [],
  };
}

const party = (address: string, role: md.PartyType, optional = false) =>
  create(md.PartySchema, { address, role, optional });

function grant(ctx: Context, granter: string, grantee: string, msg: string): void {
  saveGrant(ctx, decodeAccountAddress("tp", granter), decodeAccountAddress("tp", grantee), msg, {
    authorization: {
      typeUrl: "/cosmos.authz.v1beta1.GenericAuthorization",
      value: GenericAuthorization.encode({ msg }).finish(),
    },
  });
}

function outcome(check: () => unknown): string {
  try {
    check();
    return "ok";
  } catch (error) {
    return (error as Error).message;
  }
}

describe("validateSignersWithParties()", () => {
  it("needs a distinct signing party for each entry of a role listed twice", () => {
    const ctx = context();
    const parties = [party(ALICE, SERVICER, true), party(BOB, SERVICER, true)];
    const msg = (signers: string[]) => ({ typeUrl: WRITE_SESSION, signers, authzCache: new Map() });
    expect(outcome(() => validateSignersWithParties(ctx, [], parties, [SERVICER, SERVICER], msg([ALICE])))).toBe(
      "missing signers for roles required by spec: SERVICER need 2 have 1",
    );
    expect(outcome(() => validateSignersWithParties(ctx, [], parties, [SERVICER, SERVICER], msg([ALICE, BOB])))).toBe(
      "ok",
    );
  });

  it("needs optional=false required parties to sign even when they fill no role", () => {
    const ctx = context();
    const msg = { typeUrl: WRITE_SESSION, signers: [BOB], authzCache: new Map() };
    expect(
      outcome(() => validateSignersWithParties(ctx, [party(ALICE, OWNER)], [party(BOB, SERVICER)], [SERVICER], msg)),
    ).toBe(`missing required signature: ${ALICE} (OWNER)`);
    expect(
      outcome(() =>
        validateSignersWithParties(ctx, [party(ALICE, OWNER, true)], [party(BOB, SERVICER)], [SERVICER], msg),
      ),
    ).toBe("ok");
  });

  it("fills a role through an authz grant from a party to a signer, lists missing roles in enum order", () => {
    const ctx = context();
    const parties = [party(ALICE, OWNER, true), party(CAROL, SERVICER, true)];
    const msg = { typeUrl: "/provenance.metadata.v1.MsgWriteRecordRequest", signers: [BOB], authzCache: new Map() };
    expect(outcome(() => validateSignersWithParties(ctx, [], parties, [SERVICER, OWNER], msg))).toBe(
      "missing signers for roles required by spec: SERVICER need 1 have 0, OWNER need 1 have 0",
    );
    // A session grant covers record writes.
    grant(ctx, ALICE, BOB, WRITE_SESSION);
    grant(ctx, CAROL, BOB, WRITE_SESSION);
    expect(outcome(() => validateSignersWithParties(ctx, [], parties, [SERVICER, OWNER], msg))).toBe("ok");
  });
});

describe("validateRolesPresent()", () => {
  it("matches each required role to a distinct party without needing signatures", () => {
    const parties = [party(ALICE, OWNER), party(BOB, SERVICER)];
    expect(outcome(() => validateRolesPresent(parties, [OWNER, SERVICER]))).toBe("ok");
    expect(outcome(() => validateRolesPresent(parties, [OWNER, OWNER]))).toBe(
      "missing roles required by spec: OWNER need 2 have 1",
    );
  });
});

describe("authzTypeUrls()", () => {
  it("lets a write grant cover its related Msgs, but never a delete", () => {
    expect(authzTypeUrls("/provenance.metadata.v1.MsgAddScopeOwnerRequest")).toEqual([
      "/provenance.metadata.v1.MsgAddScopeOwnerRequest",
      "/provenance.metadata.v1.MsgWriteScopeRequest",
    ]);
    expect(authzTypeUrls("/provenance.metadata.v1.MsgDeleteScopeRequest")).toEqual([
      "/provenance.metadata.v1.MsgDeleteScopeRequest",
    ]);
    expect(authzTypeUrls("/provenance.metadata.v1.MsgDeleteRecordSpecificationRequest")).toContain(
      "/provenance.metadata.v1.MsgDeleteContractSpecificationRequest",
    );
  });
});

describe("validateSmartContractSigners()", () => {
  // An existing account with sequence 0 and no public key is what x/metadata takes for a smart contract.
  function withContract(): Context {
    const ctx = context();
    ensureAccount(ctx, decodeAccountAddress("tp", CAROL));
    return ctx;
  }
  const msg = (signers: string[]) => ({
    typeUrl: "/provenance.metadata.v1.MsgWriteScopeRequest",
    signers,
    authzCache: new Map(),
  });

  it("wants smart-contract signers first", () => {
    expect(outcome(() => validateSmartContractSigners(withContract(), new Set([CAROL]), msg([ALICE, CAROL])))).toBe(
      `smart contract signer ${CAROL} cannot follow non-smart-contract signer`,
    );
    expect(outcome(() => validateSmartContractSigners(withContract(), new Set([CAROL]), msg([CAROL, ALICE])))).toBe(
      "ok",
    );
  });

  it("wants an unused smart-contract signer authorized by every signer after it, and never last", () => {
    const ctx = withContract();
    expect(outcome(() => validateSmartContractSigners(ctx, new Set(), msg([CAROL])))).toBe(
      `smart contract signer ${CAROL} cannot be the last signer`,
    );
    expect(outcome(() => validateSmartContractSigners(ctx, new Set(), msg([CAROL, ALICE])))).toBe(
      `smart contract signer ${CAROL} is not authorized`,
    );
    grant(ctx, ALICE, CAROL, "/provenance.metadata.v1.MsgWriteScopeRequest");
    expect(outcome(() => validateSmartContractSigners(ctx, new Set(), msg([CAROL, ALICE])))).toBe("ok");
  });
});
