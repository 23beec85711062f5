// Scope endpoints of the metadata msg server (keeper/msg_server.go, rules in keeper/scope.go):
// write and delete a scope, its data access and its owners.
import { create } from "@bufbuild/protobuf";
import {
  MsgAddScopeDataAccessRequestSchema,
  MsgAddScopeDataAccessResponseSchema,
  MsgAddScopeOwnerRequestSchema,
  MsgAddScopeOwnerResponseSchema,
  MsgDeleteScopeDataAccessRequestSchema,
  MsgDeleteScopeDataAccessResponseSchema,
  MsgDeleteScopeOwnerRequestSchema,
  MsgDeleteScopeOwnerResponseSchema,
  MsgDeleteScopeRequestSchema,
  MsgDeleteScopeResponseSchema,
  MsgWriteScopeRequestSchema,
  MsgWriteScopeResponseSchema,
  type Party,
  type Scope,
  ScopeSchema,
} from "@p8e/spec-model/metadata";
import { plainError, toAbciError } from "../../abci-error.js";
import { equalBytes } from "../../codec.js";
import type { Context } from "../../context.js";
import { addressString, scopeIdInfo } from "./addresses.js";
import { checkAccountAddress, roleName, sameParty } from "./basic-common.js";
import { validateScopeBasic, validateScopeOwnersBasic } from "./basic-entries.js";
import { convertWriteScope } from "./convert-fields.js";
import { define, notFound, respond, txCompleted, validated } from "./msg-common.js";
import { removeNetAssetValues, setUsdMillsValue } from "./net-asset-values.js";
import {
  type MsgInfo,
  partyAddresses,
  requireAddressesSigned,
  requiredPartyAddresses,
  requirePartiesSigned,
  type UsedSigners,
  validatePartiesProvenanceRole,
  validateRolesPresent,
  validateSignersWithoutParties,
  validateSignersWithParties,
  validateSmartContractSigners,
  validateValueOwnerChange,
} from "./signers.js";
import * as state from "./state.js";
import * as basic from "./validate-basic.js";

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

/** SetScope's failure, as the msg server words it: "could not <what> scope "<id>": <cause>". */
function writeScope(ctx: Context, scope: Scope, what: string): void {
  try {
    state.setScope(ctx, scope);
  } catch (error) {
    throw toAbciError(error).wrap(`could not ${what} scope ${JSON.stringify(addressString(scope.scopeId))}`);
  }
}

/** ValidateWriteScope; returns nothing the devnet needs (no markers, so no transfer agents). */
function validateWriteScope(ctx: Context, proposed: Scope, info: MsgInfo): void {
  validateScopeBasic(ctx.chain.prefix, proposed);
  const stored = state.getScope(ctx, proposed.scopeId);
  let existing: Scope | undefined;
  const existingValueOwners: string[] = [];
  if (stored !== undefined) {
    existing = create(ScopeSchema, stored);
    if (proposed.valueOwnerAddress.length > 0) {
      const valueOwner = state.getValueOwner(ctx, proposed.scopeId);
      if (valueOwner !== undefined) {
        existing.valueOwnerAddress = valueOwner;
        existingValueOwners.push(valueOwner);
      }
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
  for (const signer of validateValueOwnerChange(ctx, existingValueOwners, proposed.valueOwnerAddress, info))
    used.add(signer);
  validateSmartContractSigners(ctx, used, info);
}

export const writeScopeHandler = define(MsgWriteScopeRequestSchema, {
  validateBasic: (msg, prefix) => basic.validateWriteScope(prefix, msg),
  execute(ctx, msg, info) {
    convertWriteScope(msg);
    const proposed = msg.scope ?? create(ScopeSchema);
    validated(() => validateWriteScope(ctx, proposed, info));
    if (msg.usdMills > 0n) validated(() => setUsdMillsValue(ctx, proposed.scopeId, msg.usdMills));
    writeScope(ctx, proposed, "write");
    txCompleted(ctx, "WriteScope", info.signers);
    return respond(MsgWriteScopeResponseSchema, { scopeIdInfo: scopeIdInfo(proposed.scopeId) });
  },
});

/** ValidateDeleteScope. */
function validateDeleteScope(ctx: Context, scopeId: Uint8Array, info: MsgInfo): void {
  const scope = state.getScope(ctx, scopeId);
  if (scope === undefined) throw plainError(`scope not found with id ${addressString(scopeId)}`);
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
  const valueOwner = state.getValueOwner(ctx, scope.scopeId);
  for (const signer of validateValueOwnerChange(ctx, valueOwner === undefined ? [] : [valueOwner], "", info))
    used.add(signer);
  validateSmartContractSigners(ctx, used, info);
}

export const deleteScopeHandler = define(MsgDeleteScopeRequestSchema, {
  validateBasic: (msg) => basic.validateDeleteScope(msg),
  execute(ctx, msg, info) {
    validated(() => validateDeleteScope(ctx, msg.scopeId, info));
    state.removeScope(ctx, msg.scopeId);
    removeNetAssetValues(ctx, msg.scopeId);
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

function existingScope(ctx: Context, scopeId: Uint8Array): Scope {
  return state.getScope(ctx, scopeId) ?? notFound(`scope not found with id ${addressString(scopeId)}`);
}

export const addScopeDataAccessHandler = define(MsgAddScopeDataAccessRequestSchema, {
  validateBasic: (msg, prefix) => basic.validateScopeDataAccess(prefix, msg),
  execute(ctx, msg, info) {
    const scope = existingScope(ctx, msg.scopeId);
    validated(() => {
      if (msg.dataAccess.length < 1) throw plainError("data access list cannot be empty");
      for (const address of msg.dataAccess) {
        try {
          checkAccountAddress(ctx.chain.prefix, address);
        } catch (error) {
          throw plainError(`failed to decode data access address ${address} : ${(error as Error).message}`);
        }
        if (scope.dataAccess.includes(address)) throw plainError(`address already exists for data access ${address}`);
      }
      requireScopeOwnersForChange(ctx, scope, info);
    });
    // Scope.AddDataAccess skips an address the scope already has, so one listed twice is added once.
    const dataAccess = [...scope.dataAccess];
    for (const address of msg.dataAccess) if (!dataAccess.includes(address)) dataAccess.push(address);
    writeScope(ctx, create(ScopeSchema, { ...scope, dataAccess }), "update");
    txCompleted(ctx, "AddScopeDataAccess", info.signers);
    return respond(MsgAddScopeDataAccessResponseSchema, {});
  },
});

export const deleteScopeDataAccessHandler = define(MsgDeleteScopeDataAccessRequestSchema, {
  validateBasic: (msg, prefix) => basic.validateScopeDataAccess(prefix, msg),
  execute(ctx, msg, info) {
    const scope = existingScope(ctx, msg.scopeId);
    validated(() => {
      if (msg.dataAccess.length < 1) throw plainError("data access list cannot be empty");
      for (const address of msg.dataAccess) {
        if (!scope.dataAccess.includes(address))
          throw plainError(`address does not exist in scope data access: ${address}`);
      }
      requireScopeOwnersForChange(ctx, scope, info);
    });
    const dataAccess = scope.dataAccess.filter((a) => !msg.dataAccess.includes(a));
    writeScope(ctx, create(ScopeSchema, { ...scope, dataAccess }), "update");
    txCompleted(ctx, "DeleteScopeDataAccess", info.signers);
    return respond(MsgDeleteScopeDataAccessResponseSchema, {});
  },
});

/** ValidateUpdateScopeOwners: the proposed owners are valid and fill the spec; the existing owners sign. */
function validateOwnersUpdate(ctx: Context, existing: Scope, proposed: Scope, info: MsgInfo): void {
  validateScopeOwnersBasic(ctx.chain.prefix, proposed);
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

export const addScopeOwnerHandler = define(MsgAddScopeOwnerRequestSchema, {
  validateBasic: (msg, prefix) => basic.validateAddScopeOwner(prefix, msg),
  execute(ctx, msg, info) {
    validated(() => basic.validateAddScopeOwner(ctx.chain.prefix, msg));
    const existing = existingScope(ctx, msg.scopeId);
    // Scope.AddOwners' error comes back unwrapped (a plain error, code 1).
    for (const owner of msg.owners) {
      if (existing.owners.some((o) => sameParty(o, owner))) {
        throw plainError(
          `party already exists with address ${owner.address} and role PARTY_TYPE_${roleName(owner.role)}`,
        );
      }
    }
    const proposed = create(ScopeSchema, { ...existing, owners: [...existing.owners, ...msg.owners] });
    validated(() => validateOwnersUpdate(ctx, existing, proposed, info));
    writeScope(ctx, proposed, "update");
    txCompleted(ctx, "AddScopeOwner", info.signers);
    return respond(MsgAddScopeOwnerResponseSchema, {});
  },
});

export const deleteScopeOwnerHandler = define(MsgDeleteScopeOwnerRequestSchema, {
  validateBasic: (msg, prefix) => basic.validateDeleteScopeOwner(prefix, msg),
  execute(ctx, msg, info) {
    validated(() => basic.validateDeleteScopeOwner(ctx.chain.prefix, msg));
    const existing = existingScope(ctx, msg.scopeId);
    // Scope.RemoveOwners' error comes back unwrapped (a plain error, code 1).
    for (const address of msg.owners) {
      if (!existing.owners.some((o) => o.address === address)) {
        throw plainError(`address does not exist in scope owners: ${address}`);
      }
    }
    const proposed = create(ScopeSchema, {
      ...existing,
      owners: existing.owners.filter((o) => !msg.owners.includes(o.address)),
    });
    validated(() => validateOwnersUpdate(ctx, existing, proposed, info));
    writeScope(ctx, proposed, "update");
    txCompleted(ctx, "DeleteScopeOwner", info.signers);
    return respond(MsgDeleteScopeOwnerResponseSchema, {});
  },
});
