// verify(): re-verifies every session of a scope. For a session whose context names a signed
// envelope: fetch it, check its signatures, load spec and bundle by hash, re-execute it in the
// sandbox and compare every output hash with the envelope's and the chain's. For a session written
// by others (no context): rebuild the execution from the chain's records and do what can be done.
import { clone, create } from "@bufbuild/protobuf";
import { base64ToBytes, bytesToBase64 } from "@p8e/hashing-crypto";
import type { ScopeView } from "@p8e/memorializer";
import {
  ContractSchema,
  DefinitionSpec_Type,
  type Envelope,
  EnvelopeSchema,
  ExecutionResult_Result,
  MetadataAddress,
  partyTypeFromChain,
  RecordSchema,
} from "@p8e/spec-model";
import { envelopeHash, parseSessionContext } from "@p8e/spec-model/engine";
import { type Record as ChainRecord, RecordInputStatus, type Session } from "@p8e/spec-model/metadata";
import type { EngineContext } from "../engine-context.js";
import { isEngineError } from "../errors.js";
import { executeEnvelope } from "../execution/execute.js";
import { missingSignatures } from "../execution/signatures.js";
import { readScope } from "./read-scope.js";

/** How one record of a session fared. */
export interface RecordVerification {
  readonly name: string;
  /** verified: re-execution gives the chain's hash and the store holds those bytes; mismatch: it does not. */
  readonly status: "verified" | "mismatch" | "not-verifiable";
  /** The output hash the chain records (absent when the record is not in this session on chain any more). */
  readonly chainHash?: string;
  /** The hash re-execution produced. */
  readonly computedHash?: string;
  /** The hash the signed envelope records. */
  readonly envelopeHash?: string;
  readonly reason?: string;
}

/** How one session fared. */
export interface SessionVerification {
  readonly session: string;
  /** verified: every record verified; mismatch: something differs; not-verifiable: see `reason`. */
  readonly status: "verified" | "mismatch" | "not-verifiable";
  /** Where the execution came from: the signed envelope the context names, or the chain's records. */
  readonly source: "envelope" | "chain";
  /** The envelope's object-store hash, when the context names one. */
  readonly envelopeHash?: string;
  readonly reason?: string;
  readonly records: readonly RecordVerification[];
}

/** The report of verify(): one entry per session, in the chain's order. */
export interface VerifyReport {
  readonly scope: string;
  /** True when every session verified. */
  readonly verified: boolean;
  readonly sessions: readonly SessionVerification[];
}

export async function verifyScope(ctx: EngineContext, scope: string): Promise<VerifyReport> {
  const view = await readScope(ctx, scope);
  const sessions: SessionVerification[] = [];
  for (const session of view.sessions) sessions.push(await verifySession(ctx, view, session));
  return {
    scope: MetadataAddress.fromBytes(view.scope.scopeId).toString(),
    verified: sessions.length > 0 && sessions.every((s) => s.status === "verified"),
    sessions,
  };
}

function reasonOf(error: unknown): string {
  return isEngineError(error)
    ? `${error.code}: ${error.message}`
    : error instanceof Error
      ? error.message
      : String(error);
}

async function verifySession(ctx: EngineContext, view: ScopeView, session: Session): Promise<SessionVerification> {
  const address = MetadataAddress.fromBytes(session.sessionId);
  const records = view.records.filter((r) => Buffer.from(r.sessionId).equals(Buffer.from(session.sessionId)));
  if (session.context.length === 0) return rebuildFromChain(ctx, session, records);
  let hash: string;
  try {
    hash = parseSessionContext(session.context).envelopeHash;
  } catch {
    return rebuildFromChain(ctx, session, records);
  }
  if (hash === "") return rebuildFromChain(ctx, session, records);
  const base = { session: address.toString(), source: "envelope" as const, envelopeHash: hash };

  let envelope: Envelope;
  try {
    envelope = await ctx.eos.getMessage(EnvelopeSchema, base64ToBytes(hash));
  } catch (error) {
    return {
      ...base,
      status: "not-verifiable",
      reason: `the signed envelope is not readable: ${reasonOf(error)}`,
      records: [],
    };
  }
  if (envelopeHash(envelope) !== hash) {
    return {
      ...base,
      status: "mismatch",
      reason: "the stored envelope does not hash to the session's context",
      records: [],
    };
  }
  const mismatch = (reason: string) => ({ ...base, status: "mismatch" as const, reason, records: [] });
  if (envelope.ref?.sessionUuid?.value !== address.secondaryUuid)
    return mismatch("the envelope is for another session");
  const specHash = envelope.contract?.spec?.dataLocation?.ref?.hash ?? "";
  const chainSpecHash = bytesToBase64(session.specificationId.subarray(1, 17));
  if (specHash !== chainSpecHash) {
    return mismatch(`the envelope's contract spec ${specHash} is not the session's ${chainSpecHash}`);
  }
  try {
    const missing = missingSignatures(envelope, ctx.addressPrefix);
    if (missing.length > 0) return mismatch(`the envelope lacks the signatures of ${missing.join(", ")}`);
  } catch (error) {
    return mismatch(reasonOf(error));
  }

  // Replay the pre-execution envelope: the same contract without results and signatures.
  const input = clone(EnvelopeSchema, envelope);
  input.signatures = [];
  for (const consideration of input.contract?.considerations ?? []) consideration.result = undefined;
  let replayed: Awaited<ReturnType<typeof executeEnvelope>>;
  try {
    replayed = await executeEnvelope(ctx, input, "replay");
  } catch (error) {
    const status =
      isEngineError(error) && (error.code === "hash-mismatch" || error.code === "spec-mismatch")
        ? "mismatch"
        : "not-verifiable";
    return { ...base, status, reason: `re-execution was refused: ${reasonOf(error)}`, records: [] };
  }
  if (replayed.status === "failed") {
    return mismatch(`re-execution failed in ${replayed.failure.function}: ${replayed.failure.reason}`);
  }
  const signed = new Map(
    (envelope.contract?.considerations ?? [])
      .filter((c) => c.result?.result === ExecutionResult_Result.PASS)
      .map((c) => [c.result?.output?.name ?? "", c.result?.output?.hash ?? ""]),
  );
  const computed = new Map(
    replayed.outcomes.flatMap((o) => (o.output === undefined ? [] : [[o.output.name, o.output.hash] as const])),
  );
  const names = new Set([...signed.keys(), ...computed.keys(), ...records.map((r) => r.name)]);
  const results: RecordVerification[] = [];
  for (const name of names) {
    const chainHash = records.find((r) => r.name === name)?.outputs[0]?.hash;
    results.push(
      await compareRecord(ctx, {
        name,
        computedHash: computed.get(name),
        envelopeHash: signed.get(name),
        chainHash,
      }),
    );
  }
  return summarize(base, results);
}

async function compareRecord(
  ctx: EngineContext,
  hashes: {
    name: string;
    computedHash: string | undefined;
    envelopeHash: string | undefined;
    chainHash: string | undefined;
  },
): Promise<RecordVerification> {
  const { name, computedHash, envelopeHash: signedHash, chainHash } = hashes;
  const known = {
    name,
    ...(chainHash === undefined ? {} : { chainHash }),
    ...(computedHash === undefined ? {} : { computedHash }),
    ...(signedHash === undefined ? {} : { envelopeHash: signedHash }),
  };
  if (computedHash === undefined)
    return { ...known, status: "mismatch", reason: "re-execution did not produce this record" };
  if (signedHash !== undefined && signedHash !== computedHash) {
    return {
      ...known,
      status: "mismatch",
      reason: "re-execution gives another output than the signed envelope records",
    };
  }
  // A later session may have rewritten the record; the chain then holds it under that session.
  if (chainHash !== undefined && chainHash !== computedHash) {
    return { ...known, status: "mismatch", reason: "re-execution gives another output than the chain records" };
  }
  try {
    await ctx.eos.get(base64ToBytes(computedHash));
  } catch (error) {
    return {
      ...known,
      status: "mismatch",
      reason: `the object store does not hold this output intact: ${reasonOf(error)}`,
    };
  }
  return { ...known, status: "verified" };
}

function summarize(
  base: { session: string; source: "envelope" | "chain"; envelopeHash?: string },
  records: RecordVerification[],
): SessionVerification {
  const status = records.some((r) => r.status === "mismatch")
    ? "mismatch"
    : records.some((r) => r.status === "not-verifiable") || records.length === 0
      ? "not-verifiable"
      : "verified";
  return {
    ...base,
    status,
    ...(records.length === 0 ? { reason: "the session has no records to verify" } : {}),
    records,
  };
}

/**
 * A session without a SessionContext (written by another implementation): rebuild its execution
 * from the chain's records (function, inputs by hash) with no start time and no invoker, and
 * re-execute what can be re-executed.
 */
async function rebuildFromChain(
  ctx: EngineContext,
  session: Session,
  records: readonly ChainRecord[],
): Promise<SessionVerification> {
  const address = MetadataAddress.fromBytes(session.sessionId);
  const base = { session: address.toString(), source: "chain" as const };
  const specHash = bytesToBase64(session.specificationId.subarray(1, 17));
  let spec: Awaited<ReturnType<EngineContext["contracts"]["spec"]>>;
  try {
    spec = await ctx.contracts.spec(specHash);
  } catch (error) {
    return {
      ...base,
      status: "not-verifiable",
      reason: `the contract spec is not readable: ${reasonOf(error)}`,
      records: [],
    };
  }
  const unverifiable = (reason: string): RecordVerification[] =>
    records.map((r) => ({
      name: r.name,
      status: "not-verifiable",
      ...(r.outputs[0] === undefined ? {} : { chainHash: r.outputs[0].hash }),
      reason,
    }));
  const constructorNames = new Set(spec.inputSpecs.map((s) => s.name));
  const contractInputs = new Map<string, { hash: string; typeName: string }>();
  const considerations = [];
  for (const record of records) {
    const fn = spec.functionSpecs.find((f) => f.funcName === record.process?.method);
    if (fn === undefined) return summarize(base, unverifiable(`the spec has no function ${record.process?.method}`));
    const proposed = [];
    for (const inputSpec of fn.inputSpecs) {
      const given = record.inputs.find((i) => i.name === inputSpec.name);
      if (given === undefined || given.source.case !== "hash") {
        return summarize(
          base,
          unverifiable(
            `input ${inputSpec.name} of ${fn.funcName} is ${given === undefined ? "absent" : "a record address"}: the chain keeps no hash of the version it read`,
          ),
        );
      }
      if (
        inputSpec.type === DefinitionSpec_Type.PROPOSED ||
        (given.status === RecordInputStatus.PROPOSED && !constructorNames.has(inputSpec.name))
      ) {
        proposed.push({ name: given.name, hash: given.source.value, classname: given.typeName });
      } else {
        contractInputs.set(given.name, { hash: given.source.value, typeName: given.typeName });
      }
    }
    considerations.push({ considerationName: fn.funcName, inputs: proposed });
  }
  const scopeUuid = address.primaryUuid;
  const contract = create(ContractSchema, {
    definition: spec.definition,
    spec: { name: spec.definition?.name ?? "", dataLocation: { ref: { hash: specHash } } },
    inputs: spec.inputSpecs.map((s) => {
      const value = contractInputs.get(s.name);
      return create(RecordSchema, {
        name: s.name,
        ...(value === undefined
          ? {}
          : {
              dataLocation: { classname: value.typeName, ref: { scopeUuid: { value: scopeUuid }, hash: value.hash } },
            }),
      });
    }),
    considerations,
    recitals: session.parties.map((p) => ({ signerRole: partyTypeFromChain(p.role) })),
  });
  const envelope = create(EnvelopeSchema, {
    ref: { scopeUuid: { value: scopeUuid }, sessionUuid: { value: address.secondaryUuid ?? "" } },
    contract,
    executionUuid: { value: address.secondaryUuid ?? "" },
  });
  let replayed: Awaited<ReturnType<typeof executeEnvelope>>;
  try {
    replayed = await executeEnvelope(ctx, envelope, "rebuild");
  } catch (error) {
    return summarize(base, unverifiable(`re-execution was refused: ${reasonOf(error)}`));
  }
  if (replayed.status === "failed") {
    const reason = /no execution time/.test(replayed.failure.reason)
      ? `${replayed.failure.function} reads the execution time, which only the envelope holds`
      : `re-execution failed in ${replayed.failure.function}: ${replayed.failure.reason}`;
    return summarize(base, unverifiable(reason));
  }
  const results: RecordVerification[] = [];
  for (const record of records) {
    const computedHash = replayed.outcomes.find((o) => o.output?.name === record.name)?.output?.hash;
    results.push(
      await compareRecord(ctx, {
        name: record.name,
        computedHash,
        envelopeHash: undefined,
        chainHash: record.outputs[0]?.hash,
      }),
    );
  }
  return summarize(base, results);
}
