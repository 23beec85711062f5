// Builds the signed envelope an engine would produce for a ContractSpec whose functions all passed:
// the spec's own names, classnames and hashes, the invoker as the only party, every proposed input
// and output given as bytes (their hashes are base64 SHA-256, as p8e computes them).
import { create } from "@bufbuild/protobuf";
import { bytesToBase64, type KeyPair, sha256, sign } from "@p8e/hashing-crypto";
import {
  ContractSchema,
  type ContractSpec,
  contractSpecClassname,
  contractSpecId,
  DefinitionSpec_Type,
  type Envelope,
  EnvelopeSchema,
  ExecutionResult_Result,
  type PartyType,
  PublicKeySchema,
  toCanonicalBinary,
} from "@p8e/spec-model";

/** What varies between envelopes of one spec. */
export interface SpecEnvelopeOptions {
  readonly spec: ContractSpec;
  readonly invoker: KeyPair;
  readonly role: PartyType;
  readonly scopeUuid: string;
  readonly sessionUuid: string;
  readonly scopeSpecUuid: string;
  readonly newScope?: boolean;
  readonly newSession?: boolean;
  /** The bytes of every proposed input, by input name. */
  readonly inputs: Readonly<Record<string, Uint8Array>>;
  /** The bytes of every function's output, by function name. */
  readonly outputs: Readonly<Record<string, Uint8Array>>;
  /** Existing records for the spec's constructor inputs, by input name. */
  readonly records?: Readonly<Record<string, { readonly hash: string; readonly classname: string }>>;
  /** More parties besides the invoker; each recited and signing. */
  readonly others?: readonly { readonly keys: KeyPair; readonly role: PartyType }[];
}

const hashOf = (bytes: Uint8Array) => bytesToBase64(sha256(bytes));

/** A fully signed envelope for `spec` (the invoker and any other parties), every function PASS. */
export function specEnvelope(options: SpecEnvelopeOptions): Envelope {
  const { spec, invoker } = options;
  const keysOf = (pair: KeyPair) => {
    const key = create(PublicKeySchema, { publicKeyBytes: pair.publicKey });
    return { signingPublicKey: key, encryptionPublicKey: key };
  };
  const keys = keysOf(invoker);
  const parties = [{ keys: invoker, role: options.role }, ...(options.others ?? [])];
  const contract = create(ContractSchema, {
    definition: spec.definition,
    spec: {
      name: spec.definition?.name ?? "",
      dataLocation: { classname: contractSpecClassname, ref: { hash: contractSpecId(spec).hashBase64 } },
    },
    invoker: keys,
    inputs: spec.inputSpecs.map((input) => {
      const record = options.records?.[input.name];
      return record === undefined
        ? { name: input.name }
        : {
            name: input.name,
            dataLocation: {
              classname: record.classname,
              ref: { scopeUuid: { value: options.scopeUuid }, hash: record.hash },
            },
          };
    }),
    considerations: spec.functionSpecs.map((fn) => {
      const output = options.outputs[fn.funcName];
      if (output === undefined) throw new Error(`no output bytes for function ${fn.funcName}`);
      return {
        considerationName: fn.funcName,
        inputs: fn.inputSpecs
          .filter((input) => input.type === DefinitionSpec_Type.PROPOSED)
          .map((input) => {
            const bytes = options.inputs[input.name];
            if (bytes === undefined) throw new Error(`no bytes for input ${input.name}`);
            return { name: input.name, hash: hashOf(bytes), classname: input.resourceLocation?.classname ?? "" };
          }),
        result: {
          result: ExecutionResult_Result.PASS,
          output: {
            name: fn.outputSpec?.spec?.name ?? "",
            hash: hashOf(output),
            classname: fn.outputSpec?.spec?.resourceLocation?.classname ?? "",
          },
        },
      };
    }),
    recitals: parties.map((party) => ({ signerRole: party.role, signer: keysOf(party.keys) })),
    timesExecuted: 1,
  });
  const signed = toCanonicalBinary(ContractSchema, contract);
  return create(EnvelopeSchema, {
    ref: { scopeUuid: { value: options.scopeUuid }, sessionUuid: { value: options.sessionUuid } },
    contract,
    signatures: parties.map((party) => ({
      algo: "SHA512withECDSA",
      provider: "BC",
      signature: bytesToBase64(sign(signed, party.keys)),
      signer: keysOf(party.keys),
    })),
    scopeSpecUuid: { value: options.scopeSpecUuid },
    newScope: options.newScope ?? true,
    newSession: options.newSession ?? true,
  });
}
