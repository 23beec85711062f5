// Execution: load and check the contract, validate it against its spec, run each function whose
// inputs are present and whose role the invoker holds, store the outputs for the audience, sign.
import { clone, create } from "@bufbuild/protobuf";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import { base64ToBytes, bytesToBase64, sha256 } from "@p8e/hashing-crypto";
import {
  type ConsiderationProto,
  type Contract,
  type ContractSpec,
  DefinitionSpec_Type,
  type Envelope,
  EnvelopeSchema,
  ExecutionResult_Result,
  ExecutionResultSchema,
  type FunctionSpec,
  PartyType,
} from "@p8e/spec-model";
import {
  envelopeHash,
  type SandboxCall,
  SandboxCallSchema,
  type SandboxRecord,
  SandboxRecordSchema,
} from "@p8e/spec-model/engine";
import type { EngineContext } from "../engine-context.js";
import { EngineError } from "../errors.js";
import { sameKey, uniqueKeys } from "../parties.js";
import { storeError } from "../store-errors.js";
import type { ExecutionFailure, ExecutionResult, FunctionOutcome } from "./execution-result.js";
import { type LoadedContract, loadContract } from "./load-contract.js";
import { missingSignatures, signContract } from "./signatures.js";
import { snapshotRecords, snapshotScope } from "./snapshot.js";

function invalid(message: string): EngineError {
  return new EngineError("invalid-envelope", message);
}

function roleName(role: PartyType): string {
  return PartyType[role] ?? String(role);
}

/**
 * How execute() treats the envelope: "execute" stores outputs and signs; "replay" only recomputes
 * the outputs (verify); "rebuild" recomputes an envelope rebuilt from the chain, which names no
 * invoker, so each function it lists runs whatever its role.
 */
export type ExecuteMode = "execute" | "replay" | "rebuild";

function checkEnvelope(envelope: Envelope, now: Date, mode: ExecuteMode): Contract {
  const contract = envelope.contract;
  if (contract === undefined) throw invalid("envelope has no contract");
  if (!envelope.ref?.scopeUuid?.value) throw invalid("envelope has no ref.scope_uuid");
  if (!envelope.ref?.sessionUuid?.value) throw invalid("envelope has no ref.session_uuid");
  if (!envelope.executionUuid?.value) throw invalid("envelope has no execution_uuid");
  if (mode === "execute" && envelope.expirationTime !== undefined) {
    const expires = timestampDate(envelope.expirationTime);
    if (expires.getTime() <= now.getTime()) throw invalid(`the execution expired at ${expires.toISOString()}`);
  }
  if (mode === "execute" && contract.considerations.some((c) => c.result !== undefined)) {
    throw invalid("the envelope is already executed: its functions have results");
  }
  return contract;
}

/** Upstream's validation of a contract against its spec (reference §6). */
function validateAgainstSpec(contract: Contract, spec: ContractSpec): void {
  const name = spec.definition?.name ?? "the contract";
  const roles = (list: readonly PartyType[]) =>
    [...list]
      .sort((a, b) => a - b)
      .map(roleName)
      .join(", ");
  const recitalRoles = roles(contract.recitals.map((r) => r.signerRole));
  const specRoles = roles(spec.partiesInvolved);
  if (recitalRoles !== specRoles) {
    throw new EngineError(
      "spec-mismatch",
      `the recitals' roles (${recitalRoles}) do not match ${name}'s roles (${specRoles})`,
    );
  }
  for (const input of spec.inputSpecs) {
    const present = contract.inputs.some((i) => i.name === input.name && (i.dataLocation?.ref?.hash ?? "") !== "");
    if (!present && !input.optional) {
      throw new EngineError(
        "spec-mismatch",
        `the contract lacks record ${input.name}, which ${name}'s constructor requires`,
      );
    }
  }
  for (const consideration of contract.considerations) {
    if (!spec.functionSpecs.some((f) => f.funcName === consideration.considerationName)) {
      throw new EngineError(
        "spec-mismatch",
        `the contract names function ${consideration.considerationName}, which ${name} lacks`,
      );
    }
  }
}

type Plan = { readonly fn: FunctionSpec; readonly consideration: ConsiderationProto | undefined } & (
  | { readonly run: true }
  | { readonly run: false; readonly reason: string }
);

function planFunctions(
  contract: Contract,
  spec: ContractSpec,
  invokerRoles: readonly PartyType[],
  mode: ExecuteMode,
): Plan[] {
  return spec.functionSpecs.map((fn): Plan => {
    const consideration = contract.considerations.find((c) => c.considerationName === fn.funcName);
    if (mode === "rebuild" && consideration === undefined) {
      return { fn, consideration, run: false, reason: "the session wrote no record from it" };
    }
    if (!invokerRoles.includes(fn.invokerParty)) {
      const yours = invokerRoles.map(roleName).join(", ") || "no role";
      return {
        fn,
        consideration,
        run: false,
        reason: `${roleName(fn.invokerParty)} invokes it; the invoker is ${yours}`,
      };
    }
    for (const input of fn.inputSpecs) {
      const present =
        input.type === DefinitionSpec_Type.PROPOSED
          ? (consideration?.inputs ?? []).some((p) => p.name === input.name && p.hash !== "")
          : contract.inputs.some((i) => i.name === input.name && (i.dataLocation?.ref?.hash ?? "") !== "");
      if (!present) return { fn, consideration, run: false, reason: `input ${input.name} is missing` };
    }
    return { fn, consideration, run: true };
  });
}

async function fetchObjects(ctx: EngineContext, hashes: Iterable<string>, owner: Uint8Array | undefined) {
  const out = new Map<string, Uint8Array>();
  await Promise.all(
    [...new Set(hashes)].map(async (hash) => {
      const known = ctx.objects.get(hash);
      if (known !== undefined) {
        out.set(hash, known);
        return;
      }
      try {
        const bytes = await ctx.eos.get(base64ToBytes(hash), owner === undefined ? {} : { owner });
        ctx.objects.set(hash, bytes, bytes.length);
        out.set(hash, bytes);
      } catch (cause) {
        throw storeError(`loading input ${hash}`, cause);
      }
    }),
  );
  return out;
}

function sandboxCall(
  contract: Contract,
  loaded: LoadedContract,
  plans: readonly Plan[],
  objects: ReadonlyMap<string, Uint8Array>,
): SandboxCall {
  const recordValues = (name: string) =>
    contract.inputs
      .filter((i) => i.name === name && (i.dataLocation?.ref?.hash ?? "") !== "")
      .map((i) => objects.get(i.dataLocation!.ref!.hash)!);
  const record = (name: string, typeName: string, list: boolean): SandboxRecord => {
    const values = recordValues(name);
    return create(SandboxRecordSchema, {
      name,
      typeName,
      list,
      present: values.length > 0,
      values: list ? values : values.slice(0, 1),
    });
  };
  return create(SandboxCallSchema, {
    contractName: loaded.spec.definition!.name,
    ...(contract.startTime === undefined ? {} : { startTime: contract.startTime }),
    constructorRecords: loaded.spec.inputSpecs.map((s) =>
      record(s.name, s.resourceLocation?.classname ?? "", s.type === DefinitionSpec_Type.FACT_LIST),
    ),
    functions: plans
      .filter((p) => p.run)
      .map((p) => ({
        name: p.fn.funcName,
        outputTypeName: p.fn.outputSpec?.spec?.resourceLocation?.classname ?? "",
        arguments: p.fn.inputSpecs.map((s) => {
          const typeName = s.resourceLocation?.classname ?? "";
          if (s.type !== DefinitionSpec_Type.PROPOSED)
            return record(s.name, typeName, s.type === DefinitionSpec_Type.FACT_LIST);
          const proposed = p.consideration?.inputs.find((i) => i.name === s.name);
          const bytes = proposed === undefined ? undefined : objects.get(proposed.hash);
          return create(SandboxRecordSchema, {
            name: s.name,
            typeName: proposed?.classname ?? typeName,
            present: bytes !== undefined,
            values: bytes === undefined ? [] : [bytes],
          });
        }),
      })),
  });
}

/** Who reads what an execution stores: recitals, scope owners, data access; never this party itself. */
function audienceOf(ctx: EngineContext, envelope: Envelope, contract: Contract): Uint8Array[] {
  const keys: Uint8Array[] = [];
  for (const recital of contract.recitals) {
    const key = recital.signer?.encryptionPublicKey?.publicKeyBytes;
    if (key !== undefined && key.length > 0) keys.push(key);
  }
  for (const owner of snapshotScope(envelope)?.owners ?? []) {
    const known = ctx.directory.get(owner.address);
    if (known !== undefined) keys.push(known.encryption);
  }
  for (const key of envelope.dataAccess) keys.push(key.publicKeyBytes);
  return uniqueKeys(keys, ctx.encryption);
}

/**
 * Checks that an envelope could be executed here, without running it: its parts, its spec and
 * bundle loaded and checked by hash (and the bundle's dehydration), the contract against its spec.
 * @throws {EngineError} as execute() would, before anything runs.
 */
export async function checkExecutable(ctx: EngineContext, envelope: Envelope): Promise<void> {
  const contract = checkEnvelope(envelope, ctx.now(), "execute");
  const loaded = await loadContract(ctx, contract);
  validateAgainstSpec(contract, loaded.spec);
}

/** Options of an execution. */
export interface ExecuteOptions {
  /**
   * Store the outputs for the audience (the default). A counterparty re-executing a request may
   * leave it out: the invoker stored the same bytes, under the same hashes, for the same audience.
   */
  readonly storeOutputs?: boolean;
}

/**
 * Executes an envelope. In "replay" mode nothing is stored or signed: the outputs' hashes are
 * recomputed, as verify() needs.
 * @throws {EngineError} for an envelope that cannot be executed at all (missing parts, expired,
 *   spec or bundle not loadable or not matching); a contract that fails is a "failed" result.
 */
export async function executeEnvelope(
  ctx: EngineContext,
  input: Envelope,
  mode: ExecuteMode = "execute",
  options: ExecuteOptions = {},
): Promise<ExecutionResult> {
  const envelope = clone(EnvelopeSchema, input);
  const contract = checkEnvelope(envelope, ctx.now(), mode);
  const loaded = await loadContract(ctx, contract);
  validateAgainstSpec(contract, loaded.spec);

  const invokerKey = contract.invoker?.signingPublicKey?.publicKeyBytes;
  const invokerRoles =
    mode === "rebuild"
      ? loaded.spec.partiesInvolved
      : contract.recitals
          .filter((r) => sameKey(r.signer?.signingPublicKey?.publicKeyBytes, invokerKey))
          .map((r) => r.signerRole);
  const plans = planFunctions(contract, loaded.spec, invokerRoles, mode);

  const hashes = [
    ...contract.inputs.map((i) => i.dataLocation?.ref?.hash ?? ""),
    ...plans.filter((p) => p.run).flatMap((p) => (p.consideration?.inputs ?? []).map((i) => i.hash)),
  ].filter((h) => h !== "");
  const invokerEncryption = contract.invoker?.encryptionPublicKey?.publicKeyBytes;
  const objects = await fetchObjects(ctx, hashes, invokerEncryption?.length ? invokerEncryption : undefined);
  const run = await ctx.sandbox.run(loaded.bundle, sandboxCall(contract, loaded, plans, objects));

  const audience = audienceOf(ctx, envelope, contract);
  const existing = snapshotRecords(envelope);
  const outcomes: FunctionOutcome[] = [];
  let failure: ExecutionFailure | undefined;
  const ranOutcomes = run.result?.outcomes ?? [];
  for (const plan of plans) {
    const fn = plan.fn;
    const outputName = fn.outputSpec?.spec?.name ?? "";
    const typeName = fn.outputSpec?.spec?.resourceLocation?.classname ?? "";
    let consideration = plan.consideration;
    if (consideration === undefined) {
      consideration = {
        $typeName: "io.provenance.scope.contract.ConsiderationProto",
        considerationName: fn.funcName,
        inputs: [],
      };
      contract.considerations.push(consideration);
    }
    const recordedAt = contract.startTime;
    if (!plan.run || failure !== undefined) {
      const reason = plan.run ? `not run: ${failure?.function} failed first` : plan.reason;
      consideration.result = create(ExecutionResultSchema, {
        result: ExecutionResult_Result.SKIP,
        output: { name: outputName, classname: typeName },
        ...(recordedAt === undefined ? {} : { recordedAt }),
      });
      outcomes.push({ function: fn.funcName, result: "SKIP", reason });
      continue;
    }
    const ran = ranOutcomes.find((o) => o.name === fn.funcName);
    if (ran?.skipped === true) {
      consideration.result = create(ExecutionResultSchema, {
        result: ExecutionResult_Result.SKIP,
        output: { name: outputName, classname: typeName },
        ...(recordedAt === undefined ? {} : { recordedAt }),
      });
      outcomes.push({ function: fn.funcName, result: "SKIP", reason: ran.error });
      continue;
    }
    if (ran === undefined || !ran.passed) {
      const reason = ran?.error || run.result?.error || run.failure?.message || "the sandbox returned no outcome";
      failure = { function: fn.funcName, reason, ...(run.limit === undefined ? {} : { limit: run.limit }) };
      consideration.result = create(ExecutionResultSchema, {
        result: ExecutionResult_Result.FAIL,
        output: { name: outputName, classname: typeName },
        errorMessage: reason,
        ...(recordedAt === undefined ? {} : { recordedAt }),
      });
      outcomes.push({ function: fn.funcName, result: "FAIL", reason });
      continue;
    }
    const hash = bytesToBase64(sha256(ran.output));
    if (mode === "execute" && options.storeOutputs !== false) {
      try {
        await ctx.eos.put(ran.output, { audience });
      } catch (cause) {
        throw storeError(`storing ${fn.funcName}'s output`, cause);
      }
    }
    const ancestor = existing.find((r) => r.name === outputName);
    const ancestorHash = ancestor?.outputs[0]?.hash;
    consideration.result = create(ExecutionResultSchema, {
      result: ExecutionResult_Result.PASS,
      output: {
        name: outputName,
        hash,
        classname: typeName,
        ...(ancestorHash === undefined
          ? {}
          : { ancestor: { scopeUuid: envelope.ref?.scopeUuid, hash: ancestorHash, name: outputName } }),
      },
      ...(recordedAt === undefined ? {} : { recordedAt }),
    });
    outcomes.push({ function: fn.funcName, result: "PASS", output: { name: outputName, hash, typeName } });
  }

  const common = { outcomes, fuelUsed: run.fuelUsed, runtimeHash: ctx.sandbox.runtimeHash };
  if (mode !== "execute") {
    return failure === undefined
      ? { status: "needs-signatures", envelope, missing: [], ...common }
      : { status: "failed", envelope, failure, ...common };
  }
  envelope.signatures = envelope.signatures.filter(
    (s) => !sameKey(s.signer?.signingPublicKey?.publicKeyBytes, ctx.signing.publicKey),
  );
  envelope.signatures.push(signContract(contract, ctx.signing, ctx.encryption));
  if (failure !== undefined) return { status: "failed", envelope, failure, ...common };

  const missing = missingSignatures(envelope, ctx.addressPrefix);
  if (missing.length > 0) return { status: "needs-signatures", envelope, missing, ...common };
  return { status: "signed", envelope, envelopeHash: await storeEnvelope(ctx, envelope, audience), ...common };
}

/**
 * Stores a signed envelope for its audience; the chain session's context names its hash.
 * @throws {EngineError} code "store-failed" when the store refuses it.
 */
export async function storeEnvelope(
  ctx: EngineContext,
  envelope: Envelope,
  audience?: readonly Uint8Array[],
): Promise<string> {
  const hash = envelopeHash(envelope);
  try {
    const stored = await ctx.eos.putMessage(EnvelopeSchema, envelope, {
      audience: audience ?? audienceOf(ctx, envelope, envelope.contract!),
    });
    if (stored.hashBase64 !== hash) throw new Error(`the store answered hash ${stored.hashBase64}, expected ${hash}`);
  } catch (cause) {
    throw storeError("storing the signed envelope", cause);
  }
  return hash;
}
