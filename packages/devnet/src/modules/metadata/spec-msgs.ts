// Specification endpoints of the metadata msg server (keeper/msg_server.go; rules in
// keeper/specification.go): scope, contract and record specifications, and the links between them.
import { create } from "@bufbuild/protobuf";
import {
  ContractSpecificationSchema,
  MsgAddContractSpecToScopeSpecRequestSchema,
  MsgAddContractSpecToScopeSpecResponseSchema,
  MsgDeleteContractSpecFromScopeSpecRequestSchema,
  MsgDeleteContractSpecFromScopeSpecResponseSchema,
  MsgDeleteContractSpecificationRequestSchema,
  MsgDeleteContractSpecificationResponseSchema,
  MsgDeleteRecordSpecificationRequestSchema,
  MsgDeleteRecordSpecificationResponseSchema,
  MsgDeleteScopeSpecificationRequestSchema,
  MsgDeleteScopeSpecificationResponseSchema,
  MsgWriteContractSpecificationRequestSchema,
  MsgWriteContractSpecificationResponseSchema,
  MsgWriteRecordSpecificationRequestSchema,
  MsgWriteRecordSpecificationResponseSchema,
  MsgWriteScopeSpecificationRequestSchema,
  MsgWriteScopeSpecificationResponseSchema,
  RecordSpecificationSchema,
  ScopeSpecificationSchema,
} from "@p8e/spec-model/metadata";
import { plainError, sdkError } from "../../abci-error.js";
import { equalBytes } from "../../codec.js";
import type { Context } from "../../context.js";
import {
  addressString,
  contractSpecIdInfo,
  contractSpecOf,
  recordSpecIdInfo,
  scopeSpecIdInfo,
  uuidAt,
} from "./addresses.js";
import {
  validateContractSpecificationBasic,
  validateRecordSpecificationBasic,
  validateScopeSpecificationBasic,
} from "./basic-specs.js";
import {
  convertWriteContractSpecification,
  convertWriteRecordSpecification,
  convertWriteScopeSpecification,
} from "./convert-fields.js";
import { define, notFound, respond, txCompleted, validated } from "./msg-common.js";
import { validateSignersWithoutParties } from "./signers.js";
import * as state from "./state.js";
import * as basic from "./validate-basic.js";

export const writeScopeSpecificationHandler = define(MsgWriteScopeSpecificationRequestSchema, {
  validateBasic: (msg, prefix) => basic.validateWriteScopeSpecification(prefix, msg),
  execute(ctx, msg, info) {
    convertWriteScopeSpecification(msg);
    const proposed = msg.specification ?? create(ScopeSpecificationSchema);
    const existing = state.getScopeSpec(ctx, proposed.specificationId);
    if (existing !== undefined) validated(() => validateSignersWithoutParties(ctx, existing.ownerAddresses, info));
    validated(() => {
      validateScopeSpecificationBasic(ctx.chain.prefix, proposed);
      for (const id of proposed.contractSpecIds) {
        const isNew = existing === undefined || !existing.contractSpecIds.some((e) => equalBytes(e, id));
        if (isNew && state.getContractSpec(ctx, id) === undefined) {
          throw plainError(`no contract specification found with id ${addressString(id)}`);
        }
      }
    });
    state.setScopeSpec(ctx, proposed);
    txCompleted(ctx, "WriteScopeSpecification", info.signers);
    return respond(MsgWriteScopeSpecificationResponseSchema, {
      scopeSpecIdInfo: scopeSpecIdInfo(proposed.specificationId),
    });
  },
});

export const deleteScopeSpecificationHandler = define(MsgDeleteScopeSpecificationRequestSchema, {
  validateBasic: (msg) => basic.validateSignersOnly(msg),
  execute(ctx, msg, info) {
    const existing =
      state.getScopeSpec(ctx, msg.specificationId) ??
      notFound(`scope specification not found with id ${addressString(msg.specificationId)}`);
    validated(() => validateSignersWithoutParties(ctx, existing.ownerAddresses, info));
    if (state.scopeSpecHasScopes(ctx, msg.specificationId)) {
      const id = addressString(msg.specificationId);
      throw sdkError(
        "invalidRequest",
        `cannot delete scope specification with id ${id}: one or more scopes use scope specification ${id}`,
      );
    }
    state.removeScopeSpec(ctx, msg.specificationId);
    txCompleted(ctx, "DeleteScopeSpecification", info.signers);
    return respond(MsgDeleteScopeSpecificationResponseSchema, {});
  },
});

export const writeContractSpecificationHandler = define(MsgWriteContractSpecificationRequestSchema, {
  validateBasic: (msg, prefix) => basic.validateWriteContractSpecification(prefix, msg),
  execute(ctx, msg, info) {
    convertWriteContractSpecification(msg);
    const proposed = msg.specification ?? create(ContractSpecificationSchema);
    const existing = state.getContractSpec(ctx, proposed.specificationId);
    if (existing !== undefined) validated(() => validateSignersWithoutParties(ctx, existing.ownerAddresses, info));
    validated(() => validateContractSpecificationBasic(ctx.chain.prefix, proposed));
    state.setContractSpec(ctx, proposed);
    txCompleted(ctx, "WriteContractSpecification", info.signers);
    return respond(MsgWriteContractSpecificationResponseSchema, {
      contractSpecIdInfo: contractSpecIdInfo(proposed.specificationId),
    });
  },
});

export const deleteContractSpecificationHandler = define(MsgDeleteContractSpecificationRequestSchema, {
  validateBasic: (msg) => basic.validateSignersOnly(msg),
  execute(ctx, msg, info) {
    const existing =
      state.getContractSpec(ctx, msg.specificationId) ??
      notFound(`contract specification not found with id ${addressString(msg.specificationId)}`);
    validated(() => validateSignersWithoutParties(ctx, existing.ownerAddresses, info));
    if (state.contractSpecInScopeSpecs(ctx, msg.specificationId)) {
      const id = addressString(msg.specificationId);
      throw sdkError(
        "invalidRequest",
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

function existingScopeSpec(ctx: Context, scopeSpecId: Uint8Array) {
  return (
    state.getScopeSpec(ctx, scopeSpecId) ??
    notFound(`scope specification not found with id ${addressString(scopeSpecId)}`)
  );
}

export const addContractSpecToScopeSpecHandler = define(MsgAddContractSpecToScopeSpecRequestSchema, {
  validateBasic: (msg) => basic.validateContractSpecScopeSpecLink(msg),
  execute(ctx, msg, info) {
    if (state.getContractSpec(ctx, msg.contractSpecificationId) === undefined) {
      notFound(`contract specification not found with id ${addressString(msg.contractSpecificationId)}`);
    }
    const scopeSpec = existingScopeSpec(ctx, msg.scopeSpecificationId);
    validated(() => validateSignersWithoutParties(ctx, scopeSpec.ownerAddresses, info));
    if (scopeSpec.contractSpecIds.some((id) => equalBytes(id, msg.contractSpecificationId))) {
      throw sdkError(
        "invalidRequest",
        `scope spec ${addressString(msg.scopeSpecificationId)} already contains contract spec ${addressString(msg.contractSpecificationId)}`,
      );
    }
    scopeSpec.contractSpecIds = [...scopeSpec.contractSpecIds, msg.contractSpecificationId];
    state.setScopeSpec(ctx, scopeSpec);
    txCompleted(ctx, "AddContractSpecToScopeSpec", info.signers);
    return respond(MsgAddContractSpecToScopeSpecResponseSchema, {});
  },
});

export const deleteContractSpecFromScopeSpecHandler = define(MsgDeleteContractSpecFromScopeSpecRequestSchema, {
  validateBasic: (msg) => basic.validateContractSpecScopeSpecLink(msg),
  execute(ctx, msg, info) {
    const scopeSpec = existingScopeSpec(ctx, msg.scopeSpecificationId);
    validated(() => validateSignersWithoutParties(ctx, scopeSpec.ownerAddresses, info));
    const remaining = scopeSpec.contractSpecIds.filter((id) => !equalBytes(id, msg.contractSpecificationId));
    if (remaining.length === scopeSpec.contractSpecIds.length) {
      notFound(
        `contract specification ${addressString(msg.contractSpecificationId)} not found in scope specification ${addressString(msg.scopeSpecificationId)}`,
      );
    }
    scopeSpec.contractSpecIds = remaining;
    state.setScopeSpec(ctx, scopeSpec);
    txCompleted(ctx, "DeleteContractSpecFromScopeSpec", info.signers);
    return respond(MsgDeleteContractSpecFromScopeSpecResponseSchema, {});
  },
});

export const writeRecordSpecificationHandler = define(MsgWriteRecordSpecificationRequestSchema, {
  validateBasic: (msg) => basic.validateWriteRecordSpecification(msg),
  execute(ctx, msg, info) {
    convertWriteRecordSpecification(msg);
    const proposed = msg.specification ?? create(RecordSpecificationSchema);
    const contractSpecId = validated(() => contractSpecOf(proposed.specificationId));
    const contractSpec = state.getContractSpec(ctx, contractSpecId);
    if (contractSpec === undefined) {
      notFound(
        `contract specification not found with id ${addressString(contractSpecId)} (uuid ${uuidAt(contractSpecId, 1)}) required for adding or updating record specification with id ${addressString(proposed.specificationId)}`,
      );
    }
    validated(() => validateSignersWithoutParties(ctx, contractSpec.ownerAddresses, info));
    const existing = state.getRecordSpec(ctx, proposed.specificationId);
    validated(() => {
      validateRecordSpecificationBasic(proposed);
      if (existing !== undefined && existing.name !== proposed.name) {
        throw plainError(`cannot change record specification name from ${existing.name} to ${proposed.name}`);
      }
    });
    state.setRecordSpec(ctx, proposed);
    txCompleted(ctx, "WriteRecordSpecification", info.signers);
    return respond(MsgWriteRecordSpecificationResponseSchema, {
      recordSpecIdInfo: recordSpecIdInfo(proposed.specificationId),
    });
  },
});

export const deleteRecordSpecificationHandler = define(MsgDeleteRecordSpecificationRequestSchema, {
  validateBasic: (msg) => basic.validateSignersOnly(msg),
  execute(ctx, msg, info) {
    if (state.getRecordSpec(ctx, msg.specificationId) === undefined) {
      notFound(`record specification not found with id ${addressString(msg.specificationId)}`);
    }
    const contractSpecId = validated(() => contractSpecOf(msg.specificationId));
    const contractSpec = state.getContractSpec(ctx, contractSpecId);
    if (contractSpec === undefined) {
      notFound(
        `contract specification not found with id ${addressString(contractSpecId)} required for deleting record specification with id ${addressString(msg.specificationId)}`,
      );
    }
    validated(() => validateSignersWithoutParties(ctx, contractSpec.ownerAddresses, info));
    state.removeRecordSpec(ctx, msg.specificationId);
    txCompleted(ctx, "DeleteRecordSpecification", info.signers);
    return respond(MsgDeleteRecordSpecificationResponseSchema, {});
  },
});
