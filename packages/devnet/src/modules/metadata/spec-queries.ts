// The metadata Query service's specification queries (keeper/query_server.go).
import { create } from "@bufbuild/protobuf";
import { MetadataAddress } from "@p8e/spec-model";
import {
  ContractSpecificationRequestSchema,
  ContractSpecificationResponseSchema,
  ContractSpecificationsAllRequestSchema,
  ContractSpecificationsAllResponseSchema,
  RecordSpecificationRequestSchema,
  RecordSpecificationResponseSchema,
  RecordSpecificationsAllRequestSchema,
  RecordSpecificationsAllResponseSchema,
  RecordSpecificationsForContractSpecificationRequestSchema,
  RecordSpecificationsForContractSpecificationResponseSchema,
  ScopeSpecificationRequestSchema,
  ScopeSpecificationResponseSchema,
  ScopeSpecificationsAllRequestSchema,
  ScopeSpecificationsAllResponseSchema,
} from "@p8e/spec-model/metadata";
import { recordSpecIdOf, uuidAt } from "./addresses.js";
import {
  handler,
  invalidArgument,
  paginate,
  parseContractSpecId,
  parseScopeSpecId,
  type QueryHandler,
  wrapContractSpec,
  wrapRecordSpec,
  wrapScopeSpec,
} from "./query-common.js";
import * as state from "./state.js";

const scopeSpecificationQuery = handler(
  ScopeSpecificationRequestSchema,
  ScopeSpecificationResponseSchema,
  (ctx, req) => {
    if (req.specificationId.length === 0) throw invalidArgument("specification id cannot be empty");
    const id = parseScopeSpecId(req.specificationId);
    const spec = state.getScopeSpec(ctx, id);
    const withInfo = !req.excludeIdInfo;
    const contractSpecIds = spec?.contractSpecIds ?? [];
    return create(ScopeSpecificationResponseSchema, {
      scopeSpecification: wrapScopeSpec(id, spec, withInfo),
      contractSpecs: req.includeContractSpecs
        ? contractSpecIds.map((cid) => wrapContractSpec(cid, state.getContractSpec(ctx, cid), withInfo))
        : [],
      recordSpecs: req.includeRecordSpecs
        ? contractSpecIds.flatMap((cid) =>
            state.listRecordSpecs(ctx, cid).map((r) => wrapRecordSpec(r.specificationId, r, withInfo)),
          )
        : [],
      ...(req.includeRequest ? { request: req } : {}),
    });
  },
);

const scopeSpecificationsAllQuery = handler(
  ScopeSpecificationsAllRequestSchema,
  ScopeSpecificationsAllResponseSchema,
  (ctx, req) => {
    const page = paginate(state.listScopeSpecs(ctx), req.pagination);
    return create(ScopeSpecificationsAllResponseSchema, {
      scopeSpecifications: page.items.map((s) => wrapScopeSpec(s.specificationId, s, !req.excludeIdInfo)),
      pagination: page.response,
      ...(req.includeRequest ? { request: req } : {}),
    });
  },
);

const contractSpecificationQuery = handler(
  ContractSpecificationRequestSchema,
  ContractSpecificationResponseSchema,
  (ctx, req) => {
    if (req.specificationId.length === 0) throw invalidArgument("specification id cannot be empty");
    const id = parseContractSpecId(req.specificationId);
    const withInfo = !req.excludeIdInfo;
    return create(ContractSpecificationResponseSchema, {
      contractSpecification: wrapContractSpec(id, state.getContractSpec(ctx, id), withInfo),
      recordSpecifications: req.includeRecordSpecs
        ? state.listRecordSpecs(ctx, id).map((r) => wrapRecordSpec(r.specificationId, r, withInfo))
        : [],
      ...(req.includeRequest ? { request: req } : {}),
    });
  },
);

const contractSpecificationsAllQuery = handler(
  ContractSpecificationsAllRequestSchema,
  ContractSpecificationsAllResponseSchema,
  (ctx, req) => {
    const page = paginate(state.listContractSpecs(ctx), req.pagination);
    return create(ContractSpecificationsAllResponseSchema, {
      contractSpecifications: page.items.map((s) => wrapContractSpec(s.specificationId, s, !req.excludeIdInfo)),
      pagination: page.response,
      ...(req.includeRequest ? { request: req } : {}),
    });
  },
);

const recordSpecsForContractSpecQuery = handler(
  RecordSpecificationsForContractSpecificationRequestSchema,
  RecordSpecificationsForContractSpecificationResponseSchema,
  (ctx, req) => {
    if (req.specificationId.length === 0) throw invalidArgument("contract specification id cannot be empty");
    const id = parseContractSpecId(req.specificationId);
    return create(RecordSpecificationsForContractSpecificationResponseSchema, {
      recordSpecifications: state
        .listRecordSpecs(ctx, id)
        .map((r) => wrapRecordSpec(r.specificationId, r, !req.excludeIdInfo)),
      contractSpecificationUuid: uuidAt(id, 1),
      contractSpecificationAddr: MetadataAddress.fromBytes(id).toString(),
      ...(req.includeRequest ? { request: req } : {}),
    });
  },
);

const recordSpecificationQuery = handler(
  RecordSpecificationRequestSchema,
  RecordSpecificationResponseSchema,
  (ctx, req) => {
    if (req.specificationId.length === 0) throw invalidArgument("specification id cannot be empty");
    let id: Uint8Array;
    let parsed: MetadataAddress | undefined;
    try {
      parsed = MetadataAddress.fromBech32(req.specificationId);
    } catch {
      parsed = undefined;
    }
    if (parsed?.kind === "recordSpecification") {
      id = parsed.bytes;
    } else {
      if (req.name.trim().length === 0)
        throw invalidArgument("invalid input: a name is required when the id is not a record specification address");
      id = recordSpecIdOf(parseContractSpecId(req.specificationId), req.name);
    }
    return create(RecordSpecificationResponseSchema, {
      recordSpecification: wrapRecordSpec(id, state.getRecordSpec(ctx, id), !req.excludeIdInfo),
      ...(req.includeRequest ? { request: req } : {}),
    });
  },
);

const recordSpecificationsAllQuery = handler(
  RecordSpecificationsAllRequestSchema,
  RecordSpecificationsAllResponseSchema,
  (ctx, req) => {
    const page = paginate(state.listRecordSpecs(ctx), req.pagination);
    return create(RecordSpecificationsAllResponseSchema, {
      recordSpecifications: page.items.map((s) => wrapRecordSpec(s.specificationId, s, !req.excludeIdInfo)),
      pagination: page.response,
      ...(req.includeRequest ? { request: req } : {}),
    });
  },
);

/** ABCI query paths of the specification queries. */
export const specQueries: ReadonlyMap<string, QueryHandler> = new Map([
  ["/provenance.metadata.v1.Query/ScopeSpecification", scopeSpecificationQuery],
  ["/provenance.metadata.v1.Query/ScopeSpecificationsAll", scopeSpecificationsAllQuery],
  ["/provenance.metadata.v1.Query/ContractSpecification", contractSpecificationQuery],
  ["/provenance.metadata.v1.Query/ContractSpecificationsAll", contractSpecificationsAllQuery],
  ["/provenance.metadata.v1.Query/RecordSpecificationsForContractSpecification", recordSpecsForContractSpecQuery],
  ["/provenance.metadata.v1.Query/RecordSpecification", recordSpecificationQuery],
  ["/provenance.metadata.v1.Query/RecordSpecificationsAll", recordSpecificationsAllQuery],
]);
