// The metadata module's Msg service: the keeper rules of every write and delete endpoint.
import { create, type DescMessage, fromBinary, type MessageShape, toBinary } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import {
  type AuditFields,
  AuditFieldsSchema,
  DefinitionType,
  MsgAddContractSpecToScopeSpecRequestSchema,
  MsgAddContractSpecToScopeSpecResponseSchema,
  MsgAddScopeDataAccessRequestSchema,
  MsgAddScopeDataAccessResponseSchema,
  MsgAddScopeOwnerRequestSchema,
  MsgAddScopeOwnerResponseSchema,
  MsgDeleteContractSpecFromScopeSpecRequestSchema,
  MsgDeleteContractSpecFromScopeSpecResponseSchema,
  MsgDeleteContractSpecificationRequestSchema,
  MsgDeleteContractSpecificationResponseSchema,
  MsgDeleteRecordRequestSchema,
  MsgDeleteRecordResponseSchema,
  MsgDeleteRecordSpecificationRequestSchema,
  MsgDeleteRecordSpecificationResponseSchema,
  MsgDeleteScopeDataAccessRequestSchema,
  MsgDeleteScopeDataAccessResponseSchema,
  MsgDeleteScopeOwnerRequestSchema,
  MsgDeleteScopeOwnerResponseSchema,
  MsgDeleteScopeRequestSchema,
  MsgDeleteScopeResponseSchema,
  MsgDeleteScopeSpecificationRequestSchema,
  MsgDeleteScopeSpecificationResponseSchema,
  MsgWriteContractSpecificationRequestSchema,
  MsgWriteContractSpecificationResponseSchema,
  MsgWriteRecordRequestSchema,
  MsgWriteRecordResponseSchema,
  MsgWriteRecordSpecificationRequestSchema,
  MsgWriteRecordSpecificationResponseSchema,
  MsgWriteScopeRequestSchema,
  MsgWriteScopeResponseSchema,
  MsgWriteScopeSpecificationRequestSchema,
  MsgWriteScopeSpecificationResponseSchema,
  MsgWriteSessionRequestSchema,
  MsgWriteSessionResponseSchema,
  type Party,
  type Scope,
  ScopeSchema,
  type Session,
} from "@p8e/spec-model/metadata";
import { plainError } from "../../abci-error.js";
import { equalBytes } from "../../codec.js";
import { type Context, typedEvent } from "../../context.js";
import type { MsgContext, MsgHandler, MsgResponse } from "../../router.js";
import {
  addressString,
  contractSpecIdInfo,
  contractSpecOf,
  recordIdInfo,
  recordIdOf,
  recordSpecIdInfo,
  recordSpecIdOf,
  scopeIdInfo,
  scopeOf,
  scopeSpecIdInfo,
  sessionIdInfo,
  uuidAt,
} from "./addresses.js";
import {
  type MsgInfo,
  partyAddresses,
  requireAddressesSigned,
  requiredPartyAddresses,
  requirePartiesSigned,
  type UsedSigners,
  validatePartiesArePresent,
  validatePartiesProvenanceRole,
  validateRolesPresent,
  validateSignersWithoutParties,
  validateSignersWithParties,
  validateSmartContractSigners,
  validateValueOwnerChange,
} from "./signers.js";
import * as state from "./state.js";
import * as basic from "./validate-basic.js";

const typeUrlOf = (schema: DescMessage): string => `/${schema.typeName}`;

function respond<Desc extends DescMessage>(schema: Desc, init: Parameters<typeof create<Desc>>[1]): MsgResponse {
  return { typeUrl: typeUrlOf(schema), value: toBinary(schema, create(schema, init)) };
}

function define<Desc extends DescMessage & { typeName: string }>(
  schema: Desc,
  handler: {
    validateBasic: (msg: MessageShape<Desc>, prefix: string) => void;
    execute: (ctx: MsgContext, msg: MessageShape<Desc>, info: MsgInfo) => MsgResponse;
  },
): MsgHandler<MessageShape<Desc>> {
  const typeUrl = typeUrlOf(schema);
  return {
    typeUrl,
    decode: (bytes) => fromBinary(schema, bytes),
    signers: (msg) => (msg as unknown as { signers: string[] }).signers,
    validateBasic: (msg, chain) => handler.validateBasic(msg, chain.prefix),
    execute: (ctx, msg) => {
      const info: MsgInfo = { typeUrl, signers: (msg as unknown as { signers: string[] }).signers };
      return handler.execute(ctx, msg, info);
    },
  };
}

function txCompleted(ctx: Context, endpoint: string, signers: readonly string[]): void {
  ctx.events.push(typedEvent("provenance.metadata.v1.EventTxCompleted", { endpoint, module: "metadata", signers }));
}

// --- scopes --------------------------------------------------------------------------------

function equalPartySets(a: readonly Party[], b: readonly Party[]): boolean {
  return (
    a.length === b.length &&
    a.every((p) => b.some((q) => p.address === q.address && p.role === q.role && p.optional === q.optional))
  );
}

function equalStringSets(a: readonly string[], b: readonly string[]): boolean {
  return a.every((x) => b.includes(x)) && b.every((x) => a.includes(x));
}

/** The chain's Scope.Equals. */
function scopesEqual(a: Scope, b: Scope): boolean {
  return (
    equalBytes(a.scopeId, b.scopeId) &&
    equalBytes(a.specificationId, b.specificationId) &&
    equalPartySets(a.owners, b.owners) &&
    equalStringSets(a.dataAccess, b.dataAccess) &&
    a.valueOwnerAddress === b.valueOwnerAddress &&
    a.requirePartyRollup === b.requirePartyRollup
  );
}

function requireScope(ctx: Context, scopeId: Uint8Array): Scope {
  const scope = state.getScope(ctx, scopeId);
  if (scope === undefined) throw plainError(`scope not found with id ${addressString(scopeId)}`);
  return scope;
}

const writeScope = define(MsgWriteScopeRequestSchema, {
  validateBasic: (msg, prefix) => basic.validateWriteScope(prefix, msg),
  execute(ctx, msg, info) {
    basic.convertWriteScope(msg);
    const proposed = msg.scope ?? create(ScopeSchema);
    basic.validateScopeBasic(ctx.chain.prefix, proposed);
    if (proposed.specificationId.length === 0) throw plainError("invalid specification id: address is empty");
    const stored = state.getScope(ctx, proposed.scopeId);
    let existing: Scope | undefined;
    let existingValueOwner: string | undefined;
    if (stored !== undefined) {
      existing = create(ScopeSchema, stored);
      if (proposed.valueOwnerAddress.length > 0) {
        existingValueOwner = state.getValueOwner(ctx, proposed.scopeId);
        existing.valueOwnerAddress = existingValueOwner ?? "";
      }
    }
    let onlyValueOwnerChanges = false;
    if (
      existing !== undefined &&
      existing.valueOwnerAddress.length > 0 &&
      existing.valueOwnerAddress !== proposed.valueOwnerAddress
    ) {
      onlyValueOwnerChanges = scopesEqual(
        existing,
        create(ScopeSchema, { ...proposed, valueOwnerAddress: existing.valueOwnerAddress }),
      );
    }
    let used: UsedSigners = new Set();
    if (!onlyValueOwnerChanges) {
      const spec = state.getScopeSpec(ctx, proposed.specificationId);
      if (spec === undefined)
        throw plainError(`scope specification ${addressString(proposed.specificationId)} not found`);
      validateRolesPresent(proposed.owners, spec.partiesInvolved);
      validatePartiesProvenanceRole(ctx, proposed.owners);
      const rollup = existing !== undefined ? existing.requirePartyRollup : proposed.requirePartyRollup;
      if (!rollup) {
        if (existing !== undefined && !scopesEqual(existing, proposed)) {
          used = requireAddressesSigned(ctx, partyAddresses(existing.owners), info);
        }
      } else if (existing !== undefined) {
        used = requirePartiesSigned(ctx, existing.owners, existing.owners, spec.partiesInvolved, info);
      }
    }
    for (const signer of validateValueOwnerChange(ctx, existingValueOwner, proposed.valueOwnerAddress, info))
      used.add(signer);
    validateSmartContractSigners(ctx, used, info);
    state.setScope(ctx, proposed);
    txCompleted(ctx, "WriteScope", info.signers);
    return respond(MsgWriteScopeResponseSchema, { scopeIdInfo: scopeIdInfo(proposed.scopeId) });
  },
});

const deleteScope = define(MsgDeleteScopeRequestSchema, {
  validateBasic: (msg) => basic.validateDeleteScope(msg),
  execute(ctx, msg, info) {
    if (msg.scopeId.length === 0) throw plainError("scope id cannot be empty");
    const scope = requireScope(ctx, msg.scopeId);
    let used: UsedSigners;
    if (!scope.requirePartyRollup) {
      used = requireAddressesSigned(ctx, partyAddresses(scope.owners), info);
    } else {
      const spec = state.getScopeSpec(ctx, scope.specificationId);
      used =
        spec === undefined
          ? requireAddressesSigned(ctx, requiredPartyAddresses(scope.owners), info)
          : requirePartiesSigned(ctx, scope.owners, scope.owners, spec.partiesInvolved, info);
    }
    for (const signer of validateValueOwnerChange(ctx, state.getValueOwner(ctx, scope.scopeId), "", info))
      used.add(signer);
    validateSmartContractSigners(ctx, used, info);
    state.removeScope(ctx, msg.scopeId);
    txCompleted(ctx, "DeleteScope", info.signers);
    return respond(MsgDeleteScopeResponseSchema, {});
  },
});

/** Signers for a change to an existing scope that keeps its owners (data access). */
function requireScopeOwnersForChange(ctx: Context, scope: Scope, info: MsgInfo): void {
  if (!scope.requirePartyRollup) {
    validateSignersWithoutParties(ctx, partyAddresses(scope.owners), info);
    return;
  }
  const spec = state.getScopeSpec(ctx, scope.specificationId);
  if (spec === undefined) throw plainError(`scope specification ${addressString(scope.specificationId)} not found`);
  validateSignersWithParties(ctx, scope.owners, scope.owners, spec.partiesInvolved, info);
}

const addScopeDataAccess = define(MsgAddScopeDataAccessRequestSchema, {
  validateBasic: (msg, prefix) => basic.validateScopeDataAccess(prefix, msg),
  execute(ctx, msg, info) {
    const scope = requireScope(ctx, msg.scopeId);
    if (msg.dataAccess.length < 1) throw plainError("data access list cannot be empty");
    for (const address of msg.dataAccess) {
      try {
        basic.checkAccountAddress(ctx.chain.prefix, address);
      } catch (error) {
        throw plainError(`failed to decode data access address ${address} : ${(error as Error).message}`);
      }
      if (scope.dataAccess.includes(address)) throw plainError(`address already exists for data access ${address}`);
    }
    requireScopeOwnersForChange(ctx, scope, info);
    const updated = create(ScopeSchema, { ...scope, dataAccess: [...scope.dataAccess, ...msg.dataAccess] });
    state.setScope(ctx, updated);
    txCompleted(ctx, "AddScopeDataAccess", info.signers);
    return respond(MsgAddScopeDataAccessResponseSchema, {});
  },
});

const deleteScopeDataAccess = define(MsgDeleteScopeDataAccessRequestSchema, {
  validateBasic: (msg, prefix) => basic.validateScopeDataAccess(prefix, msg),
  execute(ctx, msg, info) {
    const scope = requireScope(ctx, msg.scopeId);
    if (msg.dataAccess.length < 1) throw plainError("data access list cannot be empty");
    for (const address of msg.dataAccess) {
      if (!scope.dataAccess.includes(address))
        throw plainError(`address does not exist in scope data access: ${address}`);
    }
    requireScopeOwnersForChange(ctx, scope, info);
    const updated = create(ScopeSchema, {
      ...scope,
      dataAccess: scope.dataAccess.filter((a) => !msg.dataAccess.includes(a)),
    });
    state.setScope(ctx, updated);
    txCompleted(ctx, "DeleteScopeDataAccess", info.signers);
    return respond(MsgDeleteScopeDataAccessResponseSchema, {});
  },
});

/** ValidateUpdateScopeOwners: the proposed owners are valid and fill the spec; the existing owners sign. */
function validateOwnersUpdate(ctx: Context, existing: Scope, proposed: Scope, info: MsgInfo): void {
  basic.validateScopeOwnersBasic(ctx.chain.prefix, proposed);
  const spec = state.getScopeSpec(ctx, proposed.specificationId);
  if (spec === undefined) throw plainError(`scope specification ${addressString(proposed.specificationId)} not found`);
  validateRolesPresent(proposed.owners, spec.partiesInvolved);
  validatePartiesProvenanceRole(ctx, proposed.owners);
  if (!existing.requirePartyRollup) {
    validateSignersWithoutParties(ctx, partyAddresses(existing.owners), info);
  } else {
    const used = requirePartiesSigned(ctx, existing.owners, existing.owners, spec.partiesInvolved, info);
    validateSmartContractSigners(ctx, used, info);
  }
}

const addScopeOwner = define(MsgAddScopeOwnerRequestSchema, {
  validateBasic: (msg, prefix) => basic.validateAddScopeOwner(prefix, msg),
  execute(ctx, msg, info) {
    basic.validateAddScopeOwner(ctx.chain.prefix, msg);
    const existing = requireScope(ctx, msg.scopeId);
    for (const owner of msg.owners) {
      if (existing.owners.some((o) => basic.sameParty(o, owner))) {
        throw plainError(
          `party already exists with address ${owner.address} and role PARTY_TYPE_${basic.roleName(owner.role)}`,
        );
      }
    }
    const proposed = create(ScopeSchema, { ...existing, owners: [...existing.owners, ...msg.owners] });
    validateOwnersUpdate(ctx, existing, proposed, info);
    state.setScope(ctx, proposed);
    txCompleted(ctx, "AddScopeOwner", info.signers);
    return respond(MsgAddScopeOwnerResponseSchema, {});
  },
});

const deleteScopeOwner = define(MsgDeleteScopeOwnerRequestSchema, {
  validateBasic: (msg, prefix) => basic.validateDeleteScopeOwner(prefix, msg),
  execute(ctx, msg, info) {
    basic.validateDeleteScopeOwner(ctx.chain.prefix, msg);
    const existing = requireScope(ctx, msg.scopeId);
    for (const address of msg.owners) {
      if (!existing.owners.some((o) => o.address === address)) {
        throw plainError(`address does not exist in scope owners: ${address}`);
      }
    }
    const proposed = create(ScopeSchema, {
      ...existing,
      owners: existing.owners.filter((o) => !msg.owners.includes(o.address)),
    });
    validateOwnersUpdate(ctx, existing, proposed, info);
    state.setScope(ctx, proposed);
    txCompleted(ctx, "DeleteScopeOwner", info.signers);
    return respond(MsgDeleteScopeOwnerResponseSchema, {});
  },
});

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

const writeSession = define(MsgWriteSessionRequestSchema, {
  validateBasic: (msg, prefix) => basic.validateWriteSession(prefix, msg),
  execute(ctx, msg, info) {
    basic.convertWriteSession(msg);
    if (msg.session === undefined) throw plainError("session is required");
    const proposed: Session = msg.session;
    basic.validateSessionBasic(ctx.chain.prefix, proposed);
    const existing = state.getSession(ctx, proposed.sessionId);
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
    basic.validateOptionalParties(scope.requirePartyRollup, proposed.parties);
    const contractSpec = state.getContractSpec(ctx, proposed.specificationId);
    if (contractSpec === undefined) {
      throw plainError(`cannot find contract specification ${addressString(proposed.specificationId)}`);
    }
    const scopeSpec = state.getScopeSpec(ctx, scope.specificationId);
    if (scopeSpec === undefined)
      throw plainError(`scope spec not found with id ${addressString(scope.specificationId)}`);
    if (!scopeSpec.contractSpecIds.some((id) => equalBytes(id, proposed.specificationId))) {
      throw plainError(
        `contract spec ${addressString(proposed.specificationId)} not listed in scope spec ${addressString(scopeSpec.specificationId)}`,
      );
    }
    if (!scope.requirePartyRollup) {
      validateRolesPresent(proposed.parties, contractSpec.partiesInvolved);
      validateSignersWithoutParties(ctx, partyAddresses(scope.owners), info);
    } else {
      try {
        validatePartiesArePresent(proposed.parties, scope.owners);
      } catch (error) {
        throw plainError(`not all session parties in scope owners: ${(error as Error).message}`);
      }
      let available: Party[];
      if (existing !== undefined) {
        validateRolesPresent(proposed.parties, contractSpec.partiesInvolved);
        available = existing.parties;
      } else {
        available = proposed.parties;
      }
      validateSignersWithParties(ctx, [...available, ...scope.owners], available, contractSpec.partiesInvolved, info);
    }
    if (existing !== undefined && proposed.audit !== undefined) {
      if (existing.audit === undefined) throw plainError("attempt to modify audit fields, modification not allowed");
      const changed = auditEqual(existing.audit, proposed.audit);
      if (changed !== undefined) throw plainError(`attempt to modify ${changed} audit field, modification not allowed`);
    }
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

const writeRecord = define(MsgWriteRecordRequestSchema, {
  validateBasic: (msg) => basic.validateWriteRecord(msg),
  execute(ctx, msg, info) {
    basic.convertWriteRecord(msg);
    const proposed = msg.record;
    if (proposed === undefined) throw plainError("missing required proposed record");
    basic.validateRecordBasic(proposed);
    const recordId = recordIdOf(proposed.sessionId, proposed.name);
    const existing = state.getRecord(ctx, recordId);
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
    if (session === undefined)
      throw plainError(`session not found for session id ${addressString(proposed.sessionId)}`);

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

    state.setRecord(ctx, proposed);
    if (existing !== undefined && !equalBytes(existing.sessionId, proposed.sessionId)) {
      state.removeSessionIfEmpty(ctx, existing.sessionId);
    }
    txCompleted(ctx, "WriteRecord", info.signers);
    return respond(MsgWriteRecordResponseSchema, { recordIdInfo: recordIdInfo(recordId) });
  },
});

const deleteRecord = define(MsgDeleteRecordRequestSchema, {
  validateBasic: (msg) => basic.validateSignersOnly(msg),
  execute(ctx, msg, info) {
    const record = state.getRecord(ctx, msg.recordId);
    if (record === undefined) throw plainError(`record not found with id ${addressString(msg.recordId)}`);
    const scope = state.getScope(ctx, scopeOf(msg.recordId));
    if (scope !== undefined) {
      if (!scope.requirePartyRollup) {
        validateSignersWithoutParties(ctx, partyAddresses(scope.owners), info);
      } else {
        const recSpec =
          record.specificationId.length > 0 ? state.getRecordSpec(ctx, record.specificationId) : undefined;
        if (recSpec !== undefined) {
          validateSignersWithParties(ctx, scope.owners, scope.owners, recSpec.responsibleParties, info);
        } else {
          validateSignersWithoutParties(ctx, requiredPartyAddresses(scope.owners), info);
        }
      }
    }
    state.removeRecord(ctx, msg.recordId);
    txCompleted(ctx, "DeleteRecord", info.signers);
    return respond(MsgDeleteRecordResponseSchema, {});
  },
});

// --- specifications ------------------------------------------------------------------------

const writeScopeSpecification = define(MsgWriteScopeSpecificationRequestSchema, {
  validateBasic: (msg, prefix) => basic.validateWriteScopeSpecification(prefix, msg),
  execute(ctx, msg, info) {
    basic.convertWriteScopeSpecification(msg);
    const proposed = msg.specification;
    if (proposed === undefined) throw plainError("specification is required");
    const existing = state.getScopeSpec(ctx, proposed.specificationId);
    if (existing !== undefined) validateSignersWithoutParties(ctx, existing.ownerAddresses, info);
    basic.validateScopeSpecificationBasic(ctx.chain.prefix, proposed);
    for (const id of proposed.contractSpecIds) {
      const isNew = existing === undefined || !existing.contractSpecIds.some((e) => equalBytes(e, id));
      if (isNew && state.getContractSpec(ctx, id) === undefined) {
        throw plainError(`no contract specification found with id ${addressString(id)}`);
      }
    }
    state.setScopeSpec(ctx, proposed);
    txCompleted(ctx, "WriteScopeSpecification", info.signers);
    return respond(MsgWriteScopeSpecificationResponseSchema, {
      scopeSpecIdInfo: scopeSpecIdInfo(proposed.specificationId),
    });
  },
});

const deleteScopeSpecification = define(MsgDeleteScopeSpecificationRequestSchema, {
  validateBasic: (msg) => basic.validateSignersOnly(msg),
  execute(ctx, msg, info) {
    const existing = state.getScopeSpec(ctx, msg.specificationId);
    if (existing === undefined) {
      throw plainError(`scope specification not found with id ${addressString(msg.specificationId)}`);
    }
    validateSignersWithoutParties(ctx, existing.ownerAddresses, info);
    if (state.scopeSpecHasScopes(ctx, msg.specificationId)) {
      const id = addressString(msg.specificationId);
      throw plainError(
        `cannot delete scope specification with id ${id}: one or more scopes use scope specification ${id}`,
      );
    }
    state.removeScopeSpec(ctx, msg.specificationId);
    txCompleted(ctx, "DeleteScopeSpecification", info.signers);
    return respond(MsgDeleteScopeSpecificationResponseSchema, {});
  },
});

const writeContractSpecification = define(MsgWriteContractSpecificationRequestSchema, {
  validateBasic: (msg, prefix) => basic.validateWriteContractSpecification(prefix, msg),
  execute(ctx, msg, info) {
    basic.convertWriteContractSpecification(msg);
    const proposed = msg.specification;
    if (proposed === undefined) throw plainError("specification is required");
    const existing = state.getContractSpec(ctx, proposed.specificationId);
    if (existing !== undefined) validateSignersWithoutParties(ctx, existing.ownerAddresses, info);
    basic.validateContractSpecificationBasic(ctx.chain.prefix, proposed);
    state.setContractSpec(ctx, proposed);
    txCompleted(ctx, "WriteContractSpecification", info.signers);
    return respond(MsgWriteContractSpecificationResponseSchema, {
      contractSpecIdInfo: contractSpecIdInfo(proposed.specificationId),
    });
  },
});

const deleteContractSpecification = define(MsgDeleteContractSpecificationRequestSchema, {
  validateBasic: (msg) => basic.validateSignersOnly(msg),
  execute(ctx, msg, info) {
    const existing = state.getContractSpec(ctx, msg.specificationId);
    if (existing === undefined) {
      throw plainError(`contract specification not found with id ${addressString(msg.specificationId)}`);
    }
    validateSignersWithoutParties(ctx, existing.ownerAddresses, info);
    if (state.contractSpecInScopeSpecs(ctx, msg.specificationId)) {
      const id = addressString(msg.specificationId);
      throw plainError(
        `cannot delete contract specification with id ${id}: one or more scope specifications list contract specification ${id}`,
      );
    }
    for (const recSpec of state.listRecordSpecs(ctx, msg.specificationId))
      state.removeRecordSpec(ctx, recSpec.specificationId);
    state.removeContractSpec(ctx, msg.specificationId);
    txCompleted(ctx, "DeleteContractSpecification", info.signers);
    return respond(MsgDeleteContractSpecificationResponseSchema, {});
  },
});

function requireLinkedSpecs(ctx: Context, contractSpecId: Uint8Array, scopeSpecId: Uint8Array) {
  if (state.getContractSpec(ctx, contractSpecId) === undefined) {
    throw plainError(`contract specification not found with id ${addressString(contractSpecId)}`);
  }
  const scopeSpec = state.getScopeSpec(ctx, scopeSpecId);
  if (scopeSpec === undefined) throw plainError(`scope specification not found with id ${addressString(scopeSpecId)}`);
  return scopeSpec;
}

const addContractSpecToScopeSpec = define(MsgAddContractSpecToScopeSpecRequestSchema, {
  validateBasic: (msg) => basic.validateContractSpecScopeSpecLink(msg),
  execute(ctx, msg, info) {
    const scopeSpec = requireLinkedSpecs(ctx, msg.contractSpecificationId, msg.scopeSpecificationId);
    validateSignersWithoutParties(ctx, scopeSpec.ownerAddresses, info);
    if (scopeSpec.contractSpecIds.some((id) => equalBytes(id, msg.contractSpecificationId))) {
      throw plainError(
        `scope spec ${addressString(msg.scopeSpecificationId)} already contains contract spec ${addressString(msg.contractSpecificationId)}`,
      );
    }
    scopeSpec.contractSpecIds = [...scopeSpec.contractSpecIds, msg.contractSpecificationId];
    state.setScopeSpec(ctx, scopeSpec);
    txCompleted(ctx, "AddContractSpecToScopeSpec", info.signers);
    return respond(MsgAddContractSpecToScopeSpecResponseSchema, {});
  },
});

const deleteContractSpecFromScopeSpec = define(MsgDeleteContractSpecFromScopeSpecRequestSchema, {
  validateBasic: (msg) => basic.validateContractSpecScopeSpecLink(msg),
  execute(ctx, msg, info) {
    const scopeSpec = requireLinkedSpecs(ctx, msg.contractSpecificationId, msg.scopeSpecificationId);
    validateSignersWithoutParties(ctx, scopeSpec.ownerAddresses, info);
    const remaining = scopeSpec.contractSpecIds.filter((id) => !equalBytes(id, msg.contractSpecificationId));
    if (remaining.length === scopeSpec.contractSpecIds.length) {
      throw plainError(
        `contract specification ${addressString(msg.contractSpecificationId)} not found in scope specification ${addressString(msg.scopeSpecificationId)}`,
      );
    }
    scopeSpec.contractSpecIds = remaining;
    state.setScopeSpec(ctx, scopeSpec);
    txCompleted(ctx, "DeleteContractSpecFromScopeSpec", info.signers);
    return respond(MsgDeleteContractSpecFromScopeSpecResponseSchema, {});
  },
});

const writeRecordSpecification = define(MsgWriteRecordSpecificationRequestSchema, {
  validateBasic: (msg) => basic.validateWriteRecordSpecification(msg),
  execute(ctx, msg, info) {
    basic.convertWriteRecordSpecification(msg);
    const proposed = msg.specification;
    if (proposed === undefined) throw plainError("specification is required");
    const contractSpecId = contractSpecOf(proposed.specificationId);
    const contractSpec = state.getContractSpec(ctx, contractSpecId);
    if (contractSpec === undefined) {
      throw plainError(
        `contract specification not found with id ${addressString(contractSpecId)} (uuid ${uuidAt(contractSpecId, 1)}) required for adding or updating record specification with id ${addressString(proposed.specificationId)}`,
      );
    }
    validateSignersWithoutParties(ctx, contractSpec.ownerAddresses, info);
    basic.validateRecordSpecificationBasic(proposed);
    const existing = state.getRecordSpec(ctx, proposed.specificationId);
    if (existing !== undefined && existing.name !== proposed.name) {
      throw plainError(`cannot change record specification name from ${existing.name} to ${proposed.name}`);
    }
    state.setRecordSpec(ctx, proposed);
    txCompleted(ctx, "WriteRecordSpecification", info.signers);
    return respond(MsgWriteRecordSpecificationResponseSchema, {
      recordSpecIdInfo: recordSpecIdInfo(proposed.specificationId),
    });
  },
});

const deleteRecordSpecification = define(MsgDeleteRecordSpecificationRequestSchema, {
  validateBasic: (msg) => basic.validateSignersOnly(msg),
  execute(ctx, msg, info) {
    if (state.getRecordSpec(ctx, msg.specificationId) === undefined) {
      throw plainError(`record specification not found with id ${addressString(msg.specificationId)}`);
    }
    const contractSpecId = contractSpecOf(msg.specificationId);
    const contractSpec = state.getContractSpec(ctx, contractSpecId);
    if (contractSpec === undefined) {
      throw plainError(
        `contract specification not found with id ${addressString(contractSpecId)} required for deleting record specification with id ${addressString(msg.specificationId)}`,
      );
    }
    validateSignersWithoutParties(ctx, contractSpec.ownerAddresses, info);
    state.removeRecordSpec(ctx, msg.specificationId);
    txCompleted(ctx, "DeleteRecordSpecification", info.signers);
    return respond(MsgDeleteRecordSpecificationResponseSchema, {});
  },
});

/** Every metadata Msg handler. */
export const metadataHandlers: readonly MsgHandler<unknown>[] = [
  writeScope,
  deleteScope,
  addScopeDataAccess,
  deleteScopeDataAccess,
  addScopeOwner,
  deleteScopeOwner,
  writeSession,
  writeRecord,
  deleteRecord,
  writeScopeSpecification,
  deleteScopeSpecification,
  writeContractSpecification,
  deleteContractSpecification,
  addContractSpecToScopeSpec,
  deleteContractSpecFromScopeSpec,
  writeRecordSpecification,
  deleteRecordSpecification,
] as unknown as readonly MsgHandler<unknown>[];
