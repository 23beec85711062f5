// The memorializer against a real @p8e/devnet over HTTP: no mocks.
import { randomUUID } from "node:crypto";
import { Secp256k1, Secp256k1Signature, sha256 } from "@cosmjs/crypto";
import { fromHex } from "@cosmjs/encoding";
import { decodeTxRaw, makeSignBytes } from "@cosmjs/proto-signing";
import { connectComet } from "@cosmjs/tendermint-rpc";
import { contractSpecification, recordSpecifications } from "@p8e/contract-annotations/chain";
import { createDevnet, DEV_MNEMONICS, type Devnet } from "@p8e/devnet";
import { keyPairFromMnemonic, publicKeyToAddress } from "@p8e/hashing-crypto";
import { contractSpecId, MetadataAddress, PartyType } from "@p8e/spec-model";
import { PartyType as ChainPartyType, RecordInputStatus, ResultStatus } from "@p8e/spec-model/metadata";
import { QueryGrantsRequest, QueryGrantsResponse } from "cosmjs-types/cosmos/authz/v1beta1/query";
import { PubKey } from "cosmjs-types/cosmos/crypto/secp256k1/keys";
import { TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authzGrantMsgs, authzRevokeMsgs } from "./authz-msgs.js";
import { envelopeToMsgs } from "./envelope-to-msgs.js";
import { isMemorializerError } from "./errors.js";
import { createMemorializer, type Memorializer } from "./memorializer.js";
import { greeterSpec } from "./testdata/greeter.js";
import { helloWorldEnvelope, helloWorldScopeSpecUuid, helloWorldSpecifications } from "./testdata/hello-world.js";
import { specEnvelope } from "./testdata/spec-envelopes.js";
import { metadataTypeUrls } from "./type-urls.js";

const alice = keyPairFromMnemonic(DEV_MNEMONICS.alice);
const bob = keyPairFromMnemonic(DEV_MNEMONICS.bob);

let devnet: Devnet;
let memorializer: Memorializer;
let spec: Awaited<ReturnType<typeof helloWorldSpecifications>>["spec"];
let chain: Awaited<ReturnType<typeof helloWorldSpecifications>>["chain"];
const opened: Memorializer[] = [];

async function open(mnemonic: string, options: { batchSize?: number } = {}): Promise<Memorializer> {
  const m = await createMemorializer({ rpcUrl: devnet.url, mnemonic, inclusionTimeoutMs: 10_000, ...options });
  opened.push(m);
  return m;
}

function send(fromAddress: string, toAddress: string, nhash = "1") {
  return {
    typeUrl: "/cosmos.bank.v1beta1.MsgSend",
    value: { fromAddress, toAddress, amount: [{ denom: "nhash", amount: nhash }] },
  };
}

function envelope(options: Partial<Parameters<typeof helloWorldEnvelope>[0]> = {}) {
  return helloWorldEnvelope({
    spec,
    invoker: alice,
    scopeUuid: randomUUID(),
    sessionUuid: randomUUID(),
    first: "Ada",
    last: "Lovelace",
    ...options,
  });
}

beforeAll(async () => {
  devnet = createDevnet({ instant: true });
  await devnet.start();
  memorializer = await open(DEV_MNEMONICS.alice);
  ({ spec, chain } = await helloWorldSpecifications(memorializer.address));
}, 60_000);

afterAll(async () => {
  for (const m of opened) m.close();
  await devnet?.stop();
});

describe("createMemorializer()", { timeout: 30_000 }, () => {
  it("reads the chain id from the node and signs as the mnemonic's testnet account", () => {
    expect(memorializer.chainId).toBe(devnet.chainId);
    expect(memorializer.address).toMatch(/^tp1/);
  });

  it("says so when the node cannot be reached", async () => {
    await expect(
      createMemorializer({ rpcUrl: "http://127.0.0.1:1", mnemonic: DEV_MNEMONICS.alice }),
    ).rejects.toMatchObject({
      code: "broadcast-failed",
      message: expect.stringContaining("cannot reach the CometBFT RPC at http://127.0.0.1:1"),
    });
  });

  it("refuses to guess between a wallet and a mnemonic", async () => {
    await expect(createMemorializer({ rpcUrl: devnet.url })).rejects.toMatchObject({ code: "invalid-argument" });
  });
});

describe("publishSpecifications()", { timeout: 30_000 }, () => {
  it("publishes the hello-world specifications, then finds nothing missing", async () => {
    const first = await memorializer.publishSpecifications(chain);
    expect(first.msgs.map((m) => m.typeUrl)).toEqual([
      metadataTypeUrls.writeContractSpecification,
      metadataTypeUrls.writeRecordSpecification,
      metadataTypeUrls.writeScopeSpecification,
      metadataTypeUrls.addContractSpecToScopeSpec,
    ]);
    expect(first.transactions).toHaveLength(1);

    const again = await memorializer.publishSpecifications(chain);
    expect(again).toEqual({ msgs: [], transactions: [] });

    const contractSpecId = chain.contractSpecifications![0]!.specificationId;
    const onChain = await memorializer.query.contractSpecification(contractSpecId);
    expect(onChain?.specification.className).toBe(spec.definition?.resourceLocation?.classname);
    expect(onChain?.recordSpecifications.map((r) => r.name)).toEqual(["name"]);
    const scopeSpec = await memorializer.query.scopeSpecification(
      MetadataAddress.forScopeSpecification(helloWorldScopeSpecUuid),
    );
    expect(
      scopeSpec?.contractSpecIds.map((id) =>
        MetadataAddress.fromBytes(id).equals(MetadataAddress.fromBytes(contractSpecId)),
      ),
    ).toEqual([true]);
  });
});

describe("memorialize()", { timeout: 30_000 }, () => {
  beforeAll(async () => {
    await memorializer.publishSpecifications(chain);
  });

  it("writes a scope, session and record that queries then return", async () => {
    const env = envelope();
    const { outcomes, transactions } = await memorializer.memorialize([env]);
    expect(outcomes.map((o) => [o.status, o.error?.message])).toEqual([["memorialized", undefined]]);
    expect(outcomes[0]!.msgTypes).toEqual([
      metadataTypeUrls.writeScope,
      metadataTypeUrls.writeSession,
      metadataTypeUrls.writeRecord,
    ]);
    expect(transactions).toHaveLength(1);

    const view = await memorializer.query.scope(outcomes[0]!.scope!);
    expect(view?.scope.owners.map((o) => [o.address, o.role])).toEqual([[memorializer.address, ChainPartyType.OWNER]]);
    expect(view?.scope.valueOwnerAddress).toBe(memorializer.address);
    expect(view?.sessions.map((s) => MetadataAddress.fromBytes(s.sessionId).toString())).toEqual([
      outcomes[0]!.session,
    ]);
    expect(view?.sessions[0]?.name).toBe(spec.definition?.resourceLocation?.classname);
    const [record] = view?.records ?? [];
    expect(record?.name).toBe("name");
    expect(record?.process?.method).toBe("name");
    expect(record?.process?.processId).toEqual({ case: "hash", value: spec.definition?.resourceLocation?.ref?.hash });
    expect(record?.inputs.map((i) => [i.name, i.status])).toEqual([["name", RecordInputStatus.PROPOSED]]);
    const output = env.contract!.considerations[0]!.result!.output!;
    expect(record?.outputs.map((o) => [o.hash, o.status])).toEqual([[output.hash, ResultStatus.PASS]]);
    // The chain fills in the record specification from the session's contract specification.
    expect(MetadataAddress.fromBytes(record!.specificationId).kind).toBe("recordSpecification");

    const session = await memorializer.query.session(outcomes[0]!.session!);
    expect(session?.parties).toHaveLength(1);
    const byAddress = await memorializer.query.record(
      MetadataAddress.fromBech32(outcomes[0]!.scope!).asRecordAddress("name"),
    );
    expect(byAddress?.outputs[0]?.hash).toBe(output.hash);
  });

  it("reports a session that is already on chain and sends nothing", async () => {
    const env = envelope();
    await memorializer.memorialize([env]);
    const again = await memorializer.memorialize([env]);
    expect(again.transactions).toEqual([]);
    expect(again.outcomes[0]!.status).toBe("already-memorialized");
    expect(again.outcomes[0]!.error?.code).toBe("already-memorialized");
  });

  it("writes a later execution in an existing scope as data access, session and record only", async () => {
    const scopeUuid = randomUUID();
    await memorializer.memorialize([envelope({ scopeUuid })]);
    const second = envelope({ scopeUuid, first: "Grace", last: "Hopper", newScope: false });
    const { outcomes } = await memorializer.memorialize([second]);
    expect(outcomes[0]!.status).toBe("memorialized");
    expect(outcomes[0]!.msgTypes).toEqual([metadataTypeUrls.writeSession, metadataTypeUrls.writeRecord]);
    const view = await memorializer.query.scope(outcomes[0]!.scope!);
    // One record per name: the second session's record replaced the first, and the chain removed
    // the first session when its last record moved away.
    expect(view?.records.map((r) => MetadataAddress.fromBytes(r.sessionId).toString())).toEqual([outcomes[0]!.session]);
    expect(view?.sessions.map((s) => MetadataAddress.fromBytes(s.sessionId).toString())).toEqual([
      outcomes[0]!.session,
    ]);
  });

  it("sends a function's existing-record input as the chain's record specification asks, where upstream leaves it out", async () => {
    const scopeUuid = randomUUID();
    const first = await memorializer.memorialize([envelope({ scopeUuid })]);
    const [name] = (await memorializer.query.scope(first.outcomes[0]!.scope!))!.records;
    const recordType = name!.process!.name;
    const greeter = greeterSpec(spec.definition!.resourceLocation!.ref!.hash, recordType);
    const greeterId = contractSpecId(greeter).address;
    await memorializer.publishSpecifications({
      contractSpecifications: [contractSpecification(greeter, { ownerAddresses: [memorializer.address] })],
      recordSpecifications: recordSpecifications(greeter),
      links: [
        {
          contractSpecificationId: greeterId,
          scopeSpecificationId: MetadataAddress.forScopeSpecification(helloWorldScopeSpecUuid),
        },
      ],
    });
    const second = specEnvelope({
      spec: greeter,
      invoker: alice,
      role: PartyType.OWNER,
      scopeUuid,
      sessionUuid: randomUUID(),
      scopeSpecUuid: helloWorldScopeSpecUuid,
      newScope: false,
      records: { name: { hash: name!.outputs[0]!.hash, classname: recordType } },
      inputs: {},
      outputs: { greet: new TextEncoder().encode("hello, Ada") },
    });
    const chainScope = (await memorializer.query.scope(first.outcomes[0]!.scope!))!.scope;
    const build = (options: Parameters<typeof envelopeToMsgs>[1]) =>
      envelopeToMsgs(second, { scope: chainScope, sessionExists: false, signer: memorializer.address, ...options });

    // Upstream sends only the consideration's proposed inputs: none here, so the chain misses `name`.
    await expect(memorializer.submit(build({}))).rejects.toMatchObject({
      code: "msg-failed",
      message: expect.stringMatching(/missing input.*name/),
    });
    // A record id does not match the specification's hash source.
    await expect(memorializer.submit(build({ contractSpec: greeter }))).rejects.toMatchObject({
      code: "msg-failed",
      message: expect.stringMatching(/source type record but spec calls for hash/),
    });

    const { outcomes } = await memorializer.memorialize([second]);
    expect(outcomes.map((o) => [o.status, o.error?.message])).toEqual([["memorialized", undefined]]);
    const greeting = await memorializer.query.record(MetadataAddress.forRecord(scopeUuid, "greeting"));
    expect(greeting?.inputs.map((i) => [i.name, i.source.case, i.source.value, i.status])).toEqual([
      ["name", "hash", name!.outputs[0]!.hash, RecordInputStatus.PROPOSED],
    ]);
  });

  it("packs several envelopes into transactions of at most batchSize Msgs", async () => {
    const batched = await open(DEV_MNEMONICS.alice, { batchSize: 7 });
    const envelopes = Array.from({ length: 5 }, (_, i) => envelope({ first: `n${i}` }));
    const { outcomes, transactions } = await batched.memorialize(envelopes);
    expect(outcomes.map((o) => o.status)).toEqual(Array(5).fill("memorialized"));
    expect(transactions.map((t) => t.msgTypes.length)).toEqual([6, 6, 3]);
    for (const outcome of outcomes) expect((await batched.query.scope(outcome.scope!))?.records).toHaveLength(1);
  });

  it("recovers when another client uses the account's sequence in between", async () => {
    const first = await open(DEV_MNEMONICS.alice);
    const second = await open(DEV_MNEMONICS.alice);
    await first.memorialize([envelope()]);
    await second.memorialize([envelope()]);
    // `first` still holds the sequence it used last; the chain has moved on.
    const { outcomes } = await first.memorialize([envelope()]);
    expect(outcomes.map((o) => [o.status, o.error?.message])).toEqual([["memorialized", undefined]]);
  });

  it("reports a refused Msg with its index, type and the chain's reason, and memorializes the others", async () => {
    const unknownScopeSpec = randomUUID();
    const envelopes = [envelope(), envelope({ scopeSpecUuid: unknownScopeSpec }), envelope()];
    const { outcomes, transactions } = await memorializer.memorialize(envelopes);
    expect(outcomes.map((o) => o.status)).toEqual(["memorialized", "failed", "memorialized"]);
    const error = outcomes[1]!.error!;
    expect(isMemorializerError(error)).toBe(true);
    expect(error.code).toBe("msg-failed");
    expect(error.msgType).toBe(metadataTypeUrls.writeScope);
    expect(error.msgIndex).toBe(3);
    expect(error.message).toMatch(/not found/);
    expect(error.message).toContain(MetadataAddress.forScopeSpecification(unknownScopeSpec).toString());
    // The chain's own code, codespace and log: x/metadata wraps keeper refusals as the SDK's invalid request.
    expect([error.codespace, error.chainCode]).toEqual(["sdk", 18]);
    expect(error.log).toMatch(
      /^failed to execute message; message index: 3: scope specification scopespec1\w+ not found: invalid request$/,
    );
    expect(transactions).toHaveLength(1);
    expect(transactions[0]!.msgTypes).toHaveLength(6);
    expect(await memorializer.query.scope(outcomes[1]!.scope!)).toBeUndefined();
  });

  it("reports a Msg the block refuses after the mempool took it, and memorializes the others", async () => {
    // A fixed fee skips simulation, so the refusal comes from executing the transaction.
    const unsimulated = await createMemorializer({
      rpcUrl: devnet.url,
      mnemonic: DEV_MNEMONICS.alice,
      fee: () => ({ amount: [{ denom: "nhash", amount: "500000000000" }], gas: 500_000 }),
    });
    opened.push(unsimulated);
    const { outcomes, transactions } = await unsimulated.memorialize([
      envelope(),
      envelope({ scopeSpecUuid: randomUUID() }),
      envelope(),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(["memorialized", "failed", "memorialized"]);
    expect(outcomes[1]!.error).toMatchObject({ code: "msg-failed", msgIndex: 3, msgType: metadataTypeUrls.writeScope });
    // It was included (and paid for) in a block, then the good envelopes went again without it.
    expect(outcomes[1]!.error?.height).toBeGreaterThan(0);
    expect(outcomes[1]!.error?.txHash).toMatch(/^[0-9A-F]{64}$/);
    expect(transactions).toHaveLength(1);
    expect(outcomes[0]!.txHashes).toEqual([transactions[0]!.hash]);
  });

  it("refuses an envelope that a party did not sign, before sending anything", async () => {
    const env = envelope({ others: [{ keys: bob, role: PartyType.SERVICER }] });
    env.signatures.pop();
    const { outcomes, transactions } = await memorializer.memorialize([env]);
    expect(transactions).toEqual([]);
    expect(outcomes[0]!.error?.code).toBe("invalid-envelope");
    expect(outcomes[0]!.error?.message).toMatch(/not signed by tp1/);
  });

  it("writes a two-party envelope once the counterparty has granted the invoker, as upstream does", async () => {
    const counterparty = await open(DEV_MNEMONICS.bob);
    // The chain takes a funded account that never signed for a smart contract, which may only be
    // a PROVENANCE party; one transaction puts the counterparty's public key on chain.
    await counterparty.submit([send(counterparty.address, memorializer.address)]);
    const env = envelope({ others: [{ keys: bob, role: PartyType.SERVICER }] });

    // Without grants the chain wants the counterparty's signature on the session.
    const refused = await memorializer.memorialize([env]);
    expect(refused.outcomes[0]!.status).toBe("failed");
    expect(refused.outcomes[0]!.error?.msgType).toBe(metadataTypeUrls.writeSession);
    expect(refused.outcomes[0]!.error?.message).toContain(counterparty.address);

    expect(
      await memorializer.query.authzGrants(counterparty.address, memorializer.address, metadataTypeUrls.writeSession),
    ).toEqual([]);
    const expiration = new Date(Math.floor(Date.now() / 1000) * 1000 + 3_600_000);
    await counterparty.submit(authzGrantMsgs(env, { granter: counterparty.address, expiration }));
    const grants = await memorializer.query.authzGrants(counterparty.address, memorializer.address);
    expect(grants.map((g) => [g.authorizationType, g.msg, g.expiration?.getTime()]).sort()).toEqual(
      [metadataTypeUrls.writeScope, metadataTypeUrls.writeSession]
        .map((msg) => ["/cosmos.authz.v1beta1.GenericAuthorization", msg, expiration.getTime()])
        .sort(),
    );

    const { outcomes } = await memorializer.memorialize([env]);
    expect(outcomes.map((o) => [o.status, o.error?.message])).toEqual([["memorialized", undefined]]);
    const view = await memorializer.query.scope(outcomes[0]!.scope!);
    expect(view?.scope.owners.map((o) => o.role)).toEqual([ChainPartyType.OWNER, ChainPartyType.SERVICER]);
    expect(view?.records).toHaveLength(1);

    await counterparty.submit(authzRevokeMsgs(env, { granter: counterparty.address }));
    const after = QueryGrantsResponse.decode(
      await memorializer.query.abci(
        "/cosmos.authz.v1beta1.Query/Grants",
        QueryGrantsRequest.encode(
          QueryGrantsRequest.fromPartial({ granter: counterparty.address, grantee: memorializer.address }),
        ).finish(),
      ),
    );
    expect(after.grants).toEqual([]);
  });
});

describe("submit()", { timeout: 30_000 }, () => {
  it("signs SIGN_MODE_DIRECT transactions whose signature verifies independently", async () => {
    const included = await memorializer.submit([send(memorializer.address, publicKeyToAddress(bob.publicKey))]);
    const comet = await connectComet(devnet.url);
    try {
      const { tx } = await comet.tx({ hash: fromHex(included.hash) });
      const decoded = decodeTxRaw(tx);
      const raw = TxRaw.decode(tx);
      const signer = decoded.authInfo.signerInfos[0]!;
      const pubkey = PubKey.decode(signer.publicKey!.value).key;
      const account = await memorializer.query.account(memorializer.address);
      const signBytes = makeSignBytes({
        bodyBytes: raw.bodyBytes,
        authInfoBytes: raw.authInfoBytes,
        chainId: memorializer.chainId,
        accountNumber: BigInt(account!.accountNumber),
      });
      const signature = Secp256k1Signature.fromFixedLength(decoded.signatures[0]!);
      expect(await Secp256k1.verifySignature(signature, sha256(signBytes), pubkey)).toBe(true);
      expect(signer.modeInfo?.single?.mode).toBe(1); // SIGN_MODE_DIRECT
      expect(decoded.authInfo.fee?.amount.map((c) => c.denom)).toEqual(["nhash"]);
    } finally {
      comet.disconnect();
    }
  });

  it("refuses an account the chain has never seen, saying so", async () => {
    const unknown = await open(
      "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about",
    );
    await expect(unknown.submit([send(unknown.address, memorializer.address)])).rejects.toMatchObject({
      code: "broadcast-failed",
      message: expect.stringMatching(/does not exist on chain .*fund it/),
    });
  });

  it("throws the chain's refusal, with its code, when the account cannot pay the fee", async () => {
    const poor = await open("legal winner thank year wave sausage worth useful legal winner thank yellow");
    await memorializer.submit([send(memorializer.address, poor.address, "10")]);
    const refusal = poor.submit([send(poor.address, memorializer.address)]);
    await expect(refusal).rejects.toMatchObject({ code: "broadcast-failed", codespace: "sdk" });
    await expect(refusal).rejects.toThrow(/insufficient/);
  });
});

describe("memorialize() on a devnet that makes blocks slowly", { timeout: 30_000 }, () => {
  it("reports a transaction not included in time as a timeout", async () => {
    const slow = createDevnet({ blockIntervalMs: 60_000 });
    await slow.start();
    const impatient = await createMemorializer({
      rpcUrl: slow.url,
      mnemonic: DEV_MNEMONICS.alice,
      inclusionTimeoutMs: 300,
    });
    try {
      const { chain: specifications } = await helloWorldSpecifications(impatient.address);
      await expect(impatient.publishSpecifications(specifications)).rejects.toMatchObject({
        code: "timeout",
        txHash: expect.stringMatching(/^[0-9A-F]{64}$/),
      });
    } finally {
      impatient.close();
      await slow.stop();
    }
  });
});
