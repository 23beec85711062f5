// Session and record endpoints of the metadata msg server (keeper/msg_server.go; rules in
// keeper/session.go ValidateWriteSession and keeper/record.go ValidateWriteRecord, ValidateDeleteRecord).
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import {
  type AuditFields,
  AuditFieldsSchema,
  DefinitionType,
  MsgDeleteRecordRequestSchema,
  MsgDeleteRecordResponseSchema,
  MsgWriteRecordRequestSchema,
  MsgWriteRecordResponseSchema,
  MsgWriteSessionRequestSchema,
  MsgWriteSessionResponseSchema,
  type Party,
  type Record,
  RecordSchema,
  type Session,
  SessionSchema,
} from "@p8e/spec-model/metadata";
import { plainError } from "../../abci-error.js";
import { equalBytes } from "../../codec.js";
import type { Context } from "../../context.js";
import {
  addressString,
  recordIdInfo,
  recordIdOf,
  recordSpecIdOf,
  scopeOf,
  sessionIdInfo,
  uuidAt,
} from "./addresses.js";
import { validateOptionalParties } from "./basic-common.js";
import { validateRecordBasic, validateSessionBasic } from "./basic-entries.js";
import { convertWriteRecord, convertWriteSession } from "./convert-fields.js";
import { define, respond, txCompleted, validated } from "./msg-common.js";
import {
  type MsgInfo,
  partyAddresses,
  requiredPartyAddresses,
  validatePartiesArePresent,
  validatePartiesProvenanceRole,
  validateRolesPresent,
  validateSignersWithoutParties,
  validateSignersWithParties,
} from "./signers.js";
import * as state from "./state.js";
import * as basic from "./validate-basic.js";

// --- sessions ------------------------------------------------------------------------------

function goZeroTime() {
  // Go's zero time.Time, 0001-01-01T00:00:00Z, which non-nullable stdtime fields hold when unset.
  const zero = new Date(0);
  zero.setUTCFullYear(1, 0, 1);
  zero.setUTCHours(0, 0, 0, 0);
  return timestampFromMs(zero.getTime());
}

function auditEqual(a: AuditFields, b: AuditFields): string | undefined {
  if (a.createdBy !== b.createdBy) return "created-by";
  if (a.updatedBy !== b.updatedBy) return "updated-by";
  const same = (x: AuditFields["createdDate"], y: AuditFields["createdDate"]) =>
    (x?.seconds ?? 0n) === (y?.seconds ?? 0n) && (x?.nanos ?? 0) === (y?.nanos ?? 0);
  if (!same(a.createdDate, b.createdDate)) return "created-date";
  if (!same(a.updatedDate, b.updatedDate)) return "updated-date";
  if (a.version !== b.version) return "version";
  if (a.message !== b.message) return "message";
  return undefined;
}

/** ValidateWriteSession (keeper/session.go). */
function validateWriteSession(ctx: Context, existing: Session | undefined, proposed: Session, info: MsgInfo): void {
  validateSessionBasic(ctx.chain.prefix, proposed);
  if (existing !== undefined) {
    if (!equalBytes(proposed.specificationId, existing.specificationId)) {
      throw plainError(
        `cannot update specification identifier. expected ${addressString(existing.specificationId)}, got ${addressString(proposed.specificationId)}`,
      );
    }
    if (proposed.name.length === 0) throw plainError("proposed name to existing session must not be empty");
  }
  const scopeId = scopeOf(proposed.sessionId);
  const scope = state.getScope(ctx, scopeId);
  if (scope === undefined) throw plainError(`scope not found for scope id ${addressString(scopeId)}`);
  validateOptionalParties(scope.requirePartyRollup, proposed.parties);
  const contractSpec = state.getContractSpec(ctx, proposed.specificationId);
  if (contractSpec === undefined) {
    throw plainError(`cannot find contract specification ${addressString(proposed.specificationId)}`);
  }
  const scopeSpec = state.getScopeSpec(ctx, scope.specificationId);
  if (scopeSpec === undefined) throw plainError(`scope spec not found with id ${addressString(scope.specificationId)}`);
  if (!scopeSpec.contractSpecIds.some((id) => equalBytes(id, proposed.specificationId))) {
    throw plainError(
      `contract spec ${addressString(proposed.specificationId)} not listed in scope spec ${addressString(scopeSpec.specificationId)}`,
    );
  }
  if (!scope.requirePartyRollup) {
    validateRolesPresent(proposed.parties, contractSpec.partiesInvolved);
    validatePartiesProvenanceRole(ctx, proposed.parties);
    validateSignersWithoutParties(ctx, partyAddresses(scope.owners), info);
  } else {
    try {
      validatePartiesArePresent(proposed.parties, scope.owners);
    } catch (error) {
      throw plainError(`not all session parties in scope owners: ${(error as Error).message}`);
    }
    // A new session's proposed parties are only "available"; an update also requires the
    // existing parties, and checks roles and PROVENANCE roles on the proposed ones itself.
    let available: Party[];
    const required: Party[] = [];
    if (existing !== undefined) {
      validateRolesPresent(proposed.parties, contractSpec.partiesInvolved);
      validatePartiesProvenanceRole(ctx, proposed.parties);
      available = existing.parties;
      required.push(...existing.parties);
    } else {
      available = proposed.parties;
    }
    required.push(...scope.owners);
    validateSignersWithParties(ctx, required, available, contractSpec.partiesInvolved, info);
  }
  if (existing !== undefined && proposed.audit !== undefined) {
    if (existing.audit === undefined) throw plainError("attempt to modify audit fields, modification not allowed");
    const changed = auditEqual(existing.audit, proposed.audit);
    if (changed !== undefined) throw plainError(`attempt to modify ${changed} audit field, modification not allowed`);
  }
}

export const writeSessionHandler = define(MsgWriteSessionRequestSchema, {
  validateBasic: (msg, prefix) => basic.validateWriteSession(prefix, msg),
  execute(ctx, msg, info) {
    convertWriteSession(msg);
    const proposed = msg.session ?? create(SessionSchema);
    const existing = state.getSession(ctx, proposed.sessionId);
    validated(() => validateWriteSession(ctx, existing, proposed, info));
    const by = info.signers.join(", ");
    const now = timestampFromMs(ctx.blockTime.getTime());
    proposed.audit =
      existing?.audit === undefined
        ? create(AuditFieldsSchema, {
            version: 1,
            createdDate: now,
            createdBy: by,
            updatedDate: goZeroTime(),
            message: "",
          })
        : create(AuditFieldsSchema, {
            version: existing.audit.version + 1,
            createdDate: existing.audit.createdDate ?? goZeroTime(),
            createdBy: existing.audit.createdBy,
            updatedDate: now,
            updatedBy: by,
            message: "",
          });
    state.setSession(ctx, proposed);
    txCompleted(ctx, "WriteSession", info.signers);
    return respond(MsgWriteSessionResponseSchema, { sessionIdInfo: sessionIdInfo(proposed.sessionId) });
  },
});

// --- records -------------------------------------------------------------------------------

/** ValidateWriteRecord (keeper/record.go); fills in the record's specification id. */
function validateWriteRecord(ctx: Context, existing: Record | undefined, proposed: Record, info: MsgInfo): void {
  validateRecordBasic(proposed);
  let oldSession: Session | undefined;
  if (existing !== undefined) {
    if (existing.name !== proposed.name) throw plainError("the Name field of records cannot be changed");
    if (!equalBytes(existing.sessionId, proposed.sessionId)) {
      oldSession = state.getSession(ctx, existing.sessionId);
      if (oldSession === undefined) {
        throw plainError(`original session ${addressString(existing.sessionId)} not found for existing record`);
      }
    }
    if (
      existing.specificationId.length > 0 &&
      proposed.specificationId.length > 0 &&
      !equalBytes(existing.specificationId, proposed.specificationId)
    ) {
      throw plainError("the SpecificationId of records cannot be changed");
    }
  }
  const scopeId = scopeOf(proposed.sessionId);
  const scope = state.getScope(ctx, scopeId);
  if (scope === undefined) throw plainError(`scope not found with id ${addressString(scopeId)}`);
  const session = state.getSession(ctx, proposed.sessionId);
  if (session === undefined) throw plainError(`session not found for session id ${addressString(proposed.sessionId)}`);

  const recSpecId = recordSpecIdOf(session.specificationId, proposed.name);
  if (proposed.specificationId.length === 0) {
    proposed.specificationId = recSpecId;
  } else if (!equalBytes(proposed.specificationId, recSpecId)) {
    throw plainError(
      `proposed specification id ${addressString(proposed.specificationId)} does not match expected specification id ${addressString(recSpecId)}`,
    );
  }
  const recSpec = state.getRecordSpec(ctx, recSpecId);
  if (recSpec === undefined) {
    throw plainError(
      `record specification not found for record specification id ${addressString(recSpecId)} (contract spec uuid ${uuidAt(session.specificationId, 1)} and record name ${proposed.name})`,
    );
  }

  const oldParties = oldSession?.parties ?? [];
  if (!scope.requirePartyRollup) {
    validateRolesPresent(session.parties, recSpec.responsibleParties);
    validateSignersWithoutParties(ctx, partyAddresses([...session.parties, ...oldParties]), info);
  } else {
    validateSignersWithParties(
      ctx,
      [...scope.owners, ...session.parties, ...oldParties],
      session.parties,
      recSpec.responsibleParties,
      info,
    );
  }

  const inputNames = new Set<string>();
  for (const input of proposed.inputs) {
    if (inputNames.has(input.name)) throw plainError(`input name ${input.name} provided twice`);
    inputNames.add(input.name);
  }
  const specNames = recSpec.inputs.map((i) => i.name);
  const missing = specNames.filter((n) => !inputNames.has(n));
  if (missing.length > 0) throw plainError(`missing input${missing.length === 1 ? "" : "s"} [${missing.join(" ")}]`);
  const extra = [...inputNames].filter((n) => !specNames.includes(n));
  if (extra.length > 0) throw plainError(`extra input${extra.length === 1 ? "" : "s"} [${extra.join(" ")}]`);
  for (const input of proposed.inputs) {
    const spec = recSpec.inputs.find((i) => i.name === input.name)!;
    if (spec.typeName !== input.typeName) {
      throw plainError(`input ${input.name} has TypeName ${input.typeName} but spec calls for ${spec.typeName}`);
    }
    const specKind = spec.source.case === "recordId" ? "record" : "hash";
    let inputKind: string;
    if (input.source.case === "recordId") {
      if (state.getRecord(ctx, input.source.value) === undefined) {
        throw plainError(`input ${input.name} source record id ${addressString(input.source.value)} not found`);
      }
      inputKind = "record";
    } else {
      inputKind = "hash";
    }
    if (inputKind !== specKind) {
      throw plainError(`input ${input.name} has source type ${inputKind} but spec calls for ${specKind}`);
    }
    if (
      input.source.case === "recordId" &&
      spec.source.case === "recordId" &&
      !equalBytes(input.source.value, spec.source.value)
    ) {
      throw plainError(
        `input ${input.name} has source value ${addressString(input.source.value)} but spec calls for ${addressString(spec.source.value)}`,
      );
    }
  }
  if (recSpec.resultType === DefinitionType.RECORD && proposed.outputs.length !== 1) {
    throw plainError(`invalid output count (expected: 1, got: ${proposed.outputs.length})`);
  }
  if (recSpec.resultType === DefinitionType.RECORD_LIST && proposed.outputs.length === 0) {
    throw plainError("invalid output count (expected > 0, got: 0)");
  }
}

export const writeRecordHandler = define(MsgWriteRecordRequestSchema, {
  validateBasic: (msg) => basic.validateWriteRecord(msg),
  execute(ctx, msg, info) {
    convertWriteRecord(msg);
    const proposed = msg.record ?? create(RecordSchema);
    const recordId = validated(() => recordIdOf(proposed.sessionId, proposed.name));
    const existing = state.getRecord(ctx, recordId);
    validated(() => validateWriteRecord(ctx, existing, proposed, info));
    state.setRecord(ctx, proposed);
    if (existing !== undefined && !equalBytes(existing.sessionId, proposed.sessionId)) {
      state.removeSessionIfEmpty(ctx, existing.sessionId);
    }
    txCompleted(ctx, "WriteRecord", info.signers);
    return respond(MsgWriteRecordResponseSchema, { recordIdInfo: recordIdInfo(recordId) });
  },
});

/** ValidateDeleteRecord (keeper/record.go). */
function validateDeleteRecord(ctx: Context, recordId: Uint8Array, info: MsgInfo): void {
  const record = state.getRecord(ctx, recordId);
  if (record === undefined) throw plainError(`record not found with id ${addressString(recordId)}`);
  const scope = state.getScope(ctx, scopeOf(recordId));
  if (scope !== undefined) {
    if (!scope.requirePartyRollup) {
      validateSignersWithoutParties(ctx, partyAddresses(scope.owners), info);
    } else {
      const recSpec = record.specificationId.length > 0 ? state.getRecordSpec(ctx, record.specificationId) : undefined;
      if (recSpec !== undefined) {
        validateSignersWithParties(ctx, scope.owners, scope.owners, recSpec.responsibleParties, info);
      } else {
        validateSignersWithoutParties(ctx, requiredPartyAddresses(scope.owners), info);
      }
    }
  }
}

export const deleteRecordHandler = define(MsgDeleteRecordRequestSchema, {
  validateBasic: (msg) => basic.validateSignersOnly(msg),
  execute(ctx, msg, info) {
    validated(() => validateDeleteRecord(ctx, msg.recordId, info));
    state.removeRecord(ctx, msg.recordId);
    txCompleted(ctx, "DeleteRecord", info.signers);
    return respond(MsgDeleteRecordResponseSchema, {});
  },
});
