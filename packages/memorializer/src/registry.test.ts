import { create } from "@bufbuild/protobuf";
import { decodeTxRaw } from "@cosmjs/proto-signing";
import { MetadataAddress } from "@p8e/spec-model";
import { MsgWriteScopeRequestSchema, ScopeSchema } from "@p8e/spec-model/metadata";
import { MsgSend } from "cosmjs-types/cosmos/bank/v1beta1/tx";
import { TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { describe, expect, it } from "vitest";
import { createRegistry, metadataRegistryTypes } from "./registry.js";
import { metadataTypeUrls } from "./type-urls.js";

describe("metadataRegistryTypes()", () => {
  it("covers every metadata Msg request this package names", () => {
    const urls = new Set(metadataRegistryTypes().map(([url]) => url));
    for (const url of Object.values(metadataTypeUrls)) expect(urls.has(url)).toBe(true);
  });
});

describe("createRegistry()", () => {
  it("round-trips a metadata Msg and keeps the Cosmos default types", () => {
    const registry = createRegistry();
    const scope = create(ScopeSchema, {
      scopeId: MetadataAddress.forScope("91978ba2-5f35-459a-86a7-feca1b0512e0").bytes,
    });
    const msg = create(MsgWriteScopeRequestSchema, { scope, signers: ["tp1signer"] });
    const bodyBytes = registry.encodeTxBody({
      messages: [
        { typeUrl: metadataTypeUrls.writeScope, value: msg },
        { typeUrl: "/cosmos.bank.v1beta1.MsgSend", value: MsgSend.fromPartial({ fromAddress: "a", toAddress: "b" }) },
      ],
      memo: "m",
    });
    const decoded = decodeTxRaw(TxRaw.encode(TxRaw.fromPartial({ bodyBytes })).finish());
    expect(decoded.body.messages.map((m) => m.typeUrl)).toEqual([
      metadataTypeUrls.writeScope,
      "/cosmos.bank.v1beta1.MsgSend",
    ]);
    const back = registry.decode(decoded.body.messages[0]!);
    expect(back.signers).toEqual(["tp1signer"]);
    expect(back.scope.scopeId).toEqual(scope.scopeId);
  });

  it("encodes a plain object the same as the message it describes", () => {
    const registry = createRegistry();
    const init = { signers: ["tp1x"], scopeUuid: "91978ba2-5f35-459a-86a7-feca1b0512e0" };
    expect(registry.encode({ typeUrl: metadataTypeUrls.writeScope, value: init })).toEqual(
      registry.encode({ typeUrl: metadataTypeUrls.writeScope, value: create(MsgWriteScopeRequestSchema, init) }),
    );
  });
});
