// Test fixtures: a CosmJS registry with the metadata Msgs, wallets, a raw tx signer, and builders
// for the specifications, scopes, sessions and records the tests write.
import { create, type DescMessage, fromBinary, type MessageInitShape, toBinary } from "@bufbuild/protobuf";
import {
  DirectSecp256k1Wallet,
  type EncodeObject,
  encodePubkey,
  type GeneratedType,
  makeAuthInfoBytes,
  makeSignDoc,
  type OfflineDirectSigner,
  Registry,
} from "@cosmjs/proto-signing";
import { defaultRegistryTypes } from "@cosmjs/stargate";
import { sha256 } from "@noble/hashes/sha2.js";
import { MetadataAddress } from "@p8e/spec-model";
import * as md from "@p8e/spec-model/metadata";
import { BaseAccount } from "cosmjs-types/cosmos/auth/v1beta1/auth";
import { QueryAccountRequest, QueryAccountResponse } from "cosmjs-types/cosmos/auth/v1beta1/query";
import { GenericAuthorization } from "cosmjs-types/cosmos/authz/v1beta1/authz";
import { MsgExec, MsgGrant, MsgRevoke } from "cosmjs-types/cosmos/authz/v1beta1/tx";
import { QueryBalanceRequest, QueryBalanceResponse } from "cosmjs-types/cosmos/bank/v1beta1/query";
import { TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { DEV_MNEMONICS, deriveAccount } from "../dev-accounts.js";
import { createDevnet, type Devnet, type DevnetOptions } from "../devnet.js";
import type { TxResult } from "../store/database.js";

/** A protobuf-es schema as a CosmJS GeneratedType. */
export function generatedType<Desc extends DescMessage>(schema: Desc): GeneratedType {
  return {
    encode: (message: MessageInitShape<Desc>) => ({ finish: () => toBinary(schema, create(schema, message)) }),
    decode: (bytes: Uint8Array) => fromBinary(schema, bytes),
    fromPartial: (object: MessageInitShape<Desc>) => create(schema, object),
  } as unknown as GeneratedType;
}

const metadataSchemas: DescMessage[] = [
  md.MsgWriteScopeRequestSchema,
  md.MsgDeleteScopeRequestSchema,
  md.MsgAddScopeDataAccessRequestSchema,
  md.MsgDeleteScopeDataAccessRequestSchema,
  md.MsgAddScopeOwnerRequestSchema,
  md.MsgDeleteScopeOwnerRequestSchema,
  md.MsgUpdateValueOwnersRequestSchema,
  md.MsgMigrateValueOwnerRequestSchema,
  md.MsgWriteSessionRequestSchema,
  md.MsgWriteRecordRequestSchema,
  md.MsgDeleteRecordRequestSchema,
  md.MsgWriteScopeSpecificationRequestSchema,
  md.MsgDeleteScopeSpecificationRequestSchema,
  md.MsgWriteContractSpecificationRequestSchema,
  md.MsgDeleteContractSpecificationRequestSchema,
  md.MsgAddContractSpecToScopeSpecRequestSchema,
  md.MsgDeleteContractSpecFromScopeSpecRequestSchema,
  md.MsgWriteRecordSpecificationRequestSchema,
  md.MsgDeleteRecordSpecificationRequestSchema,
];

/** CosmJS's default types plus every metadata Msg. */
export function metadataRegistry(): Registry {
  return new Registry([
    ...defaultRegistryTypes,
    ...metadataSchemas.map((s) => [`/${s.typeName}`, generatedType(s)] as [string, GeneratedType]),
  ]);
}

export const registry = metadataRegistry();

/** A test account: a key, its address, and a CosmJS direct signer. */
export interface TestAccount {
  readonly name: string;
  readonly address: string;
  readonly privateKey: Uint8Array;
  readonly wallet: OfflineDirectSigner;
}

/** An account from a dev mnemonic (funded by the default genesis). */
export async function devAccount(name: keyof typeof DEV_MNEMONICS): Promise<TestAccount> {
  const derived = deriveAccount(DEV_MNEMONICS[name]);
  return {
    name,
    address: derived.address,
    privateKey: derived.privateKey,
    wallet: await DirectSecp256k1Wallet.fromKey(derived.privateKey, "tp"),
  };
}

/** An account with a key derived from its name (not funded unless a genesis lists it). */
export async function namedAccount(name: string): Promise<TestAccount> {
  const privateKey = sha256(new TextEncoder().encode(`p8e-devnet test key ${name}`));
  const wallet = await DirectSecp256k1Wallet.fromKey(privateKey, "tp");
  const [account] = await wallet.getAccounts();
  return { name, address: account!.address, privateKey, wallet };
}

export interface TxSigner {
  readonly account: TestAccount;
  readonly accountNumber: number | bigint;
  readonly sequence: number | bigint;
  /** Sign this chain id instead (for wrong-chain tests). */
  readonly chainId?: string;
}

export interface TxOptions {
  readonly memo?: string;
  readonly fee?: { readonly amount: string; readonly gas?: number; readonly denom?: string };
  readonly timeoutHeight?: bigint;
  /** Replace signature i with these bytes. */
  readonly signatures?: readonly Uint8Array[];
}

/** Builds and signs (SIGN_MODE_DIRECT) a TxRaw with CosmJS primitives. */
export async function signTx(
  chainId: string,
  signers: readonly TxSigner[],
  messages: readonly EncodeObject[],
  options: TxOptions = {},
): Promise<Uint8Array> {
  const bodyBytes = registry.encodeTxBody({
    messages: [...messages],
    memo: options.memo ?? "",
    ...(options.timeoutHeight === undefined ? {} : { timeoutHeight: options.timeoutHeight }),
  });
  const pubkeys = await Promise.all(
    signers.map(async (s) => {
      const [account] = await s.account.wallet.getAccounts();
      return encodePubkey({
        type: "tendermint/PubKeySecp256k1",
        value: Buffer.from(account!.pubkey).toString("base64"),
      });
    }),
  );
  const fee = options.fee ?? { amount: "1000000000000" };
  const authInfoBytes = makeAuthInfoBytes(
    signers.map((s, i) => ({ pubkey: pubkeys[i]!, sequence: BigInt(s.sequence) })),
    [{ denom: fee.denom ?? "nhash", amount: fee.amount }],
    fee.gas ?? 500_000,
    undefined,
    undefined,
  );
  const signatures: Uint8Array[] = [];
  for (const signer of signers) {
    const doc = makeSignDoc(bodyBytes, authInfoBytes, signer.chainId ?? chainId, BigInt(signer.accountNumber));
    const { signature } = await signer.account.wallet.signDirect(signer.account.address, doc);
    signatures.push(Buffer.from(signature.signature, "base64"));
  }
  return TxRaw.encode({ bodyBytes, authInfoBytes, signatures: [...(options.signatures ?? signatures)] }).finish();
}

// --- metadata builders ----------------------------------------------------------------------

export const CONTRACT_SPEC_UUID = "def6bc0a-c9dd-4874-948f-5206e6060a84";
export const SCOPE_SPEC_UUID = "dc83ea70-eacd-40fe-9adf-1cf6148bf8a2";
export const contractSpecId = MetadataAddress.forContractSpecification(CONTRACT_SPEC_UUID).bytes;
export const scopeSpecId = MetadataAddress.forScopeSpecification(SCOPE_SPEC_UUID).bytes;

export const url = (name: string) => `/provenance.metadata.v1.${name}`;

export function msg<Desc extends DescMessage>(schema: Desc, value: MessageInitShape<Desc>): EncodeObject {
  return { typeUrl: `/${schema.typeName}`, value };
}

export const party = (address: string, role: md.PartyType = md.PartyType.OWNER, optional = false) =>
  create(md.PartySchema, { address, role, optional });

export function contractSpecMsg(
  owner: string,
  roles: md.PartyType[] = [md.PartyType.OWNER],
  signers = [owner],
  uuid = CONTRACT_SPEC_UUID,
) {
  return msg(md.MsgWriteContractSpecificationRequestSchema, {
    specification: {
      specificationId: MetadataAddress.forContractSpecification(uuid).bytes,
      description: { name: "HelloWorld", description: "io.p8e.HelloWorld" },
      ownerAddresses: [owner],
      partiesInvolved: roles,
      source: { case: "hash", value: "3q2+7w==" },
      className: "io.p8e.HelloWorld",
    },
    signers,
  });
}

export function recordSpecMsg(
  owner: string,
  name = "greeting",
  options: {
    inputs?: MessageInitShape<typeof md.InputSpecificationSchema>[];
    resultType?: md.DefinitionType;
    roles?: md.PartyType[];
    signers?: string[];
    contractSpecUuid?: string;
  } = {},
) {
  return msg(md.MsgWriteRecordSpecificationRequestSchema, {
    specification: {
      specificationId: MetadataAddress.forRecordSpecification(options.contractSpecUuid ?? CONTRACT_SPEC_UUID, name)
        .bytes,
      name,
      inputs: options.inputs ?? [
        { name: "name", typeName: "io.p8e.Name", source: { case: "hash", value: "cHJvdG8=" } },
      ],
      typeName: "io.p8e.Greeting",
      resultType: options.resultType ?? md.DefinitionType.RECORD,
      responsibleParties: options.roles ?? [md.PartyType.OWNER],
    },
    signers: options.signers ?? [owner],
  });
}

export function scopeSpecMsg(
  owner: string,
  roles: md.PartyType[] = [md.PartyType.OWNER],
  contractSpecIds = [contractSpecId],
  options: { uuid?: string; signers?: string[] } = {},
) {
  return msg(md.MsgWriteScopeSpecificationRequestSchema, {
    specification: {
      specificationId: MetadataAddress.forScopeSpecification(options.uuid ?? SCOPE_SPEC_UUID).bytes,
      description: { name: "HelloWorldScope" },
      ownerAddresses: [owner],
      partiesInvolved: roles,
      contractSpecIds,
    },
    signers: options.signers ?? [owner],
  });
}

export const scopeId = (uuid: string) => MetadataAddress.forScope(uuid).bytes;
export const sessionId = (scopeUuid: string, sessionUuid: string) =>
  MetadataAddress.forSession(scopeUuid, sessionUuid).bytes;

export function scopeMsg(
  scopeUuid: string,
  owners: md.Party[],
  signers: string[],
  extra: {
    dataAccess?: string[];
    valueOwnerAddress?: string;
    requirePartyRollup?: boolean;
    specificationId?: Uint8Array;
  } = {},
) {
  return msg(md.MsgWriteScopeRequestSchema, {
    scope: {
      scopeId: scopeId(scopeUuid),
      specificationId: extra.specificationId ?? scopeSpecId,
      owners,
      dataAccess: extra.dataAccess ?? [],
      valueOwnerAddress: extra.valueOwnerAddress ?? "",
      requirePartyRollup: extra.requirePartyRollup ?? false,
    },
    signers,
  });
}

export function sessionMsg(
  scopeUuid: string,
  sessionUuid: string,
  parties: md.Party[],
  signers: string[],
  options: { name?: string; specificationId?: Uint8Array; audit?: MessageInitShape<typeof md.AuditFieldsSchema> } = {},
) {
  return msg(md.MsgWriteSessionRequestSchema, {
    session: {
      sessionId: sessionId(scopeUuid, sessionUuid),
      specificationId: options.specificationId ?? contractSpecId,
      parties,
      name: options.name ?? "io.p8e.HelloWorld",
      ...(options.audit === undefined ? {} : { audit: options.audit }),
    },
    signers,
  });
}

export function recordMsg(
  scopeUuid: string,
  sessionUuid: string,
  signers: string[],
  options: {
    name?: string;
    inputs?: MessageInitShape<typeof md.RecordInputSchema>[];
    outputs?: MessageInitShape<typeof md.RecordOutputSchema>[];
    specificationId?: Uint8Array;
  } = {},
) {
  return msg(md.MsgWriteRecordRequestSchema, {
    record: {
      name: options.name ?? "greeting",
      ...(options.specificationId === undefined ? {} : { specificationId: options.specificationId }),
      sessionId: sessionId(scopeUuid, sessionUuid),
      process: { processId: { case: "hash", value: "3q2+7w==" }, name: "io.p8e.Greeting", method: "greet" },
      inputs: options.inputs ?? [
        {
          name: "name",
          typeName: "io.p8e.Name",
          source: { case: "hash", value: "bmFtZQ==" },
          status: md.RecordInputStatus.PROPOSED,
        },
      ],
      outputs: options.outputs ?? [{ hash: "Z3JlZXRpbmc=", status: md.ResultStatus.PASS }],
    },
    signers,
  });
}

// --- a devnet driven in-process -----------------------------------------------------------

export interface AccountState {
  readonly accountNumber: bigint;
  readonly sequence: bigint;
}

/** A started instant-mode devnet with helpers to sign and submit txs and to read state. */
export class TestChain {
  readonly devnet: Devnet;

  private constructor(devnet: Devnet) {
    this.devnet = devnet;
  }

  static async start(options: DevnetOptions = {}): Promise<TestChain> {
    const devnet = createDevnet({ instant: true, ...options });
    await devnet.start();
    return new TestChain(devnet);
  }

  /** Account number and sequence from the auth query, or undefined for an unknown account. */
  accountState(address: string): AccountState | undefined {
    const result = this.devnet.query(
      "/cosmos.auth.v1beta1.Query/Account",
      QueryAccountRequest.encode({ address }).finish(),
    );
    if (result.code !== 0) return undefined;
    const account = BaseAccount.decode(QueryAccountResponse.decode(result.value).account!.value);
    return { accountNumber: account.accountNumber, sequence: account.sequence };
  }

  balance(address: string, denom = "nhash"): bigint {
    const result = this.devnet.query(
      "/cosmos.bank.v1beta1.Query/Balance",
      QueryBalanceRequest.encode({ address, denom }).finish(),
    );
    return BigInt(QueryBalanceResponse.decode(result.value).balance?.amount ?? "0");
  }

  /** Signs `messages` with the current account numbers and sequences of `signers`. */
  async sign(
    signers: readonly TestAccount[],
    messages: readonly EncodeObject[],
    options: TxOptions = {},
  ): Promise<Uint8Array> {
    const txSigners = signers.map((account) => {
      const state = this.accountState(account.address) ?? { accountNumber: 0n, sequence: 0n };
      return { account, accountNumber: state.accountNumber, sequence: state.sequence };
    });
    return signTx(this.devnet.chainId, txSigners, messages, options);
  }

  /** Signs and submits; returns CheckTx and (when it passed) DeliverTx results. */
  async submit(signers: readonly TestAccount[], messages: readonly EncodeObject[], options: TxOptions = {}) {
    return this.devnet.broadcastTx(await this.sign(signers, messages, options));
  }

  /** Submits and returns the DeliverTx result, failing the test when CheckTx refused the tx. */
  async deliver(
    signers: readonly TestAccount[],
    messages: readonly EncodeObject[],
    options: TxOptions = {},
  ): Promise<TxResult> {
    const outcome = await this.submit(signers, messages, options);
    if (outcome.txResult === undefined) {
      throw new Error(
        `CheckTx refused the tx: ${outcome.checkTx.codespace}/${outcome.checkTx.code} ${outcome.checkTx.log}`,
      );
    }
    return outcome.txResult;
  }

  /** Runs a query by path with a protobuf-es request and decodes the response. */
  query<Req extends DescMessage, Res extends DescMessage>(
    path: string,
    requestSchema: Req,
    request: MessageInitShape<Req>,
    responseSchema: Res,
  ) {
    const result = this.devnet.query(path, toBinary(requestSchema, create(requestSchema, request)));
    if (result.code !== 0) throw new Error(`query ${path} failed: ${result.codespace}/${result.code} ${result.log}`);
    return fromBinary(responseSchema, result.value);
  }

  stop(): Promise<void> {
    return this.devnet.stop();
  }
}

// --- authz -------------------------------------------------------------------------------

export function grantMsg(granter: string, grantee: string, msgTypeUrl: string, expiration?: Date): EncodeObject {
  const ms = expiration?.getTime();
  return {
    typeUrl: "/cosmos.authz.v1beta1.MsgGrant",
    value: MsgGrant.fromPartial({
      granter,
      grantee,
      grant: {
        authorization: {
          typeUrl: "/cosmos.authz.v1beta1.GenericAuthorization",
          value: GenericAuthorization.encode({ msg: msgTypeUrl }).finish(),
        },
        ...(ms === undefined
          ? {}
          : { expiration: { seconds: BigInt(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1_000_000 } }),
      },
    }),
  };
}

export function revokeMsg(granter: string, grantee: string, msgTypeUrl: string): EncodeObject {
  return { typeUrl: "/cosmos.authz.v1beta1.MsgRevoke", value: MsgRevoke.fromPartial({ granter, grantee, msgTypeUrl }) };
}

export function execMsg(grantee: string, msgs: readonly EncodeObject[]): EncodeObject {
  return {
    typeUrl: "/cosmos.authz.v1beta1.MsgExec",
    value: MsgExec.fromPartial({ grantee, msgs: msgs.map((m) => registry.encodeAsAny(m)) }),
  };
}
