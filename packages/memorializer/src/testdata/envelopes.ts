// Builds signed p8e envelopes by hand, as an engine would hand them to the memorializer.
import { create } from "@bufbuild/protobuf";
import { anyPack } from "@bufbuild/protobuf/wkt";
import {
  bytesToBase64,
  type KeyPair,
  keyPairFromPrivateKey,
  publicKeyToAddress,
  sha256,
  sign,
} from "@p8e/hashing-crypto";
import {
  ContractSchema,
  contractSpecClassname,
  DefinitionSpec_Type,
  type Envelope,
  EnvelopeSchema,
  ExecutionResult_Result,
  PartyType,
  type PublicKey,
  PublicKeySchema,
  toCanonicalBinary,
} from "@p8e/spec-model";
import { type Scope, ScopeResponseSchema } from "@p8e/spec-model/metadata";

/** A party with a deterministic key. */
export interface TestParty {
  readonly role: PartyType;
  readonly keys: KeyPair;
  /** Its testnet address. */
  readonly address: string;
}

/** A party whose private key is SHA-256 of `seed`. */
export function testParty(seed: string, role: PartyType): TestParty {
  const keys = keyPairFromPrivateKey(sha256(new TextEncoder().encode(seed)));
  return { role, keys, address: publicKeyToAddress(keys.publicKey, "tp") };
}

function publicKey(party: TestParty): PublicKey {
  return create(PublicKeySchema, { publicKeyBytes: party.keys.publicKey });
}

/** A function's result in a test envelope. */
export interface TestConsideration {
  readonly name: string;
  readonly result: ExecutionResult_Result;
  readonly output: { readonly name: string; readonly hash: string; readonly classname: string };
  /** Proposed inputs; an empty hash means "the contract input of this name". */
  readonly inputs?: readonly { readonly name: string; readonly hash: string; readonly classname: string }[];
}

/** A constructor record input: an existing record of a scope. */
export interface TestContractInput {
  readonly name: string;
  readonly classname: string;
  readonly hash: string;
  readonly scopeUuid?: string;
}

/** Everything a test envelope can vary. */
export interface TestEnvelopeOptions {
  readonly scopeUuid?: string;
  readonly sessionUuid?: string;
  readonly scopeSpecUuid?: string;
  readonly invoker: TestParty;
  readonly parties: readonly TestParty[];
  readonly newScope?: boolean;
  readonly newSession?: boolean;
  readonly considerations: readonly TestConsideration[];
  readonly contractInputs?: readonly TestContractInput[];
  readonly dataAccess?: readonly TestParty[];
  /** The parties that sign; all parties unless told. */
  readonly signers?: readonly TestParty[];
  /** A scope snapshot to pack into `envelope.scope`. */
  readonly snapshot?: Scope;
  /** The contract specification's 16-byte hash, base64. */
  readonly specHash?: string;
  readonly bundleHash?: string;
  readonly classname?: string;
}

export const defaults = {
  scopeUuid: "91978ba2-5f35-459a-86a7-feca1b0512e0",
  sessionUuid: "5803f8bc-6067-4eb5-951f-2121671c2ec0",
  scopeSpecUuid: "dc83ea70-eacd-40fe-9adf-1cf6148bf8a2",
  // def6bc0a-c9dd-4874-948f-5206e6060a84 as 16 bytes.
  specHash: "3va8CsndSHSUj1IG5gYKhA==",
  bundleHash: "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",
  classname: "io.p8e.test.HelloContract",
} as const;

/** A signed envelope built from the options, signed over the canonical encoding of its contract. */
export function testEnvelope(options: TestEnvelopeOptions): Envelope {
  const scopeUuid = options.scopeUuid ?? defaults.scopeUuid;
  const contract = create(ContractSchema, {
    definition: {
      name: "HelloContract",
      resourceLocation: {
        classname: options.classname ?? defaults.classname,
        ref: { hash: options.bundleHash ?? defaults.bundleHash },
      },
      type: DefinitionSpec_Type.FACT,
    },
    spec: {
      name: "HelloContract",
      dataLocation: { classname: contractSpecClassname, ref: { hash: options.specHash ?? defaults.specHash } },
    },
    invoker: { signingPublicKey: publicKey(options.invoker), encryptionPublicKey: publicKey(options.invoker) },
    inputs: (options.contractInputs ?? []).map((input) => ({
      name: input.name,
      dataLocation: {
        classname: input.classname,
        ref: { scopeUuid: { value: input.scopeUuid ?? scopeUuid }, hash: input.hash },
      },
    })),
    considerations: options.considerations.map((c) => ({
      considerationName: c.name,
      inputs: (c.inputs ?? []).map((i) => ({ name: i.name, hash: i.hash, classname: i.classname })),
      result: { result: c.result, output: c.output },
    })),
    recitals: options.parties.map((p) => ({
      signerRole: p.role,
      signer: { signingPublicKey: publicKey(p), encryptionPublicKey: publicKey(p) },
    })),
    timesExecuted: 1,
  });
  const signed = toCanonicalBinary(ContractSchema, contract);
  return create(EnvelopeSchema, {
    ref: { scopeUuid: { value: scopeUuid }, sessionUuid: { value: options.sessionUuid ?? defaults.sessionUuid } },
    contract,
    signatures: (options.signers ?? options.parties).map((p) => ({
      algo: "SHA512withECDSA",
      provider: "BC",
      signature: bytesToBase64(sign(signed, p.keys)),
      signer: { signingPublicKey: publicKey(p), encryptionPublicKey: publicKey(p) },
    })),
    executionUuid: { value: "0b5e8f43-6f1e-4d84-9c5a-6a3ea1f0c001" },
    scopeSpecUuid: { value: options.scopeSpecUuid ?? defaults.scopeSpecUuid },
    newScope: options.newScope ?? true,
    newSession: options.newSession ?? true,
    mainNet: false,
    dataAccess: (options.dataAccess ?? []).map(publicKey),
    ...(options.snapshot === undefined
      ? {}
      : { scope: anyPack(ScopeResponseSchema, create(ScopeResponseSchema, { scope: { scope: options.snapshot } })) }),
  });
}

export { ExecutionResult_Result, PartyType };
