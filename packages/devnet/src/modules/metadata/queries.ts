// The metadata module's Query service (provenance.metadata.v1.Query), answered from the store.
import { create, type DescMessage, fromBinary, type MessageShape, toBinary } from "@bufbuild/protobuf";
import { isUuid, MetadataAddress } from "@p8e/spec-model";
import type * as md from "@p8e/spec-model/metadata";
import {
  type ContractSpecification,
  ContractSpecificationRequestSchema,
  ContractSpecificationResponseSchema,
  ContractSpecificationsAllRequestSchema,
  ContractSpecificationsAllResponseSchema,
  ContractSpecificationWrapperSchema,
  OwnershipRequestSchema,
  OwnershipResponseSchema,
  type PageRequest,
  PageResponseSchema,
  type Record,
  type RecordSpecification,
  RecordSpecificationRequestSchema,
  RecordSpecificationResponseSchema,
  RecordSpecificationsAllRequestSchema,
  RecordSpecificationsAllResponseSchema,
  RecordSpecificationsForContractSpecificationRequestSchema,
  RecordSpecificationsForContractSpecificationResponseSchema,
  RecordSpecificationWrapperSchema,
  RecordsAllRequestSchema,
  RecordsAllResponseSchema,
  RecordsRequestSchema,
  RecordsResponseSchema,
  RecordWrapperSchema,
  type Scope,
  ScopeRequestSchema,
  ScopeResponseSchema,
  type ScopeSpecification,
  ScopeSpecificationRequestSchema,
  ScopeSpecificationResponseSchema,
  ScopeSpecificationsAllRequestSchema,
  ScopeSpecificationsAllResponseSchema,
  ScopeSpecificationWrapperSchema,
  ScopesAllRequestSchema,
  ScopesAllResponseSchema,
  ScopeWrapperSchema,
  type Session,
  SessionsAllRequestSchema,
  SessionsAllResponseSchema,
  SessionsRequestSchema,
  SessionsResponseSchema,
  SessionWrapperSchema,
  ValueOwnershipRequestSchema,
  ValueOwnershipResponseSchema,
} from "@p8e/spec-model/metadata";
import { AbciError } from "../../abci-error.js";
import { decodeAccountAddress, equalBytes, utf8 } from "../../codec.js";
import type { Context } from "../../context.js";
import { allBalances } from "../bank.js";
import {
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
import * as state from "./state.js";

/** A gRPC InvalidArgument as an ABCI query answers it. */
export function invalidArgument(message: string): AbciError {
  return new AbciError("sdk", 18, `rpc error: code = InvalidArgument desc = ${message}: invalid request`);
}

/** A gRPC NotFound as an ABCI query answers it (CosmJS recognises "rpc error: code = NotFound"). */
export function notFound(message: string): AbciError {
  return new AbciError("sdk", 22, `rpc error: code = NotFound desc = ${message}: key not found`);
}

export type QueryHandler = (ctx: Context, data: Uint8Array) => Uint8Array;

function parseAddress(text: string, kind: MetadataAddress["kind"], label: string): Uint8Array {
  let address: MetadataAddress;
  try {
    address = MetadataAddress.fromBech32(text);
  } catch (error) {
    throw invalidArgument(`could not parse [${text}] into a ${label} address: ${(error as Error).message}`);
  }
  if (address.kind !== kind) throw invalidArgument(`address [${text}] is not a ${label} address`);
  return address.bytes;
}

function parseScopeId(text: string): Uint8Array {
  if (isUuid(text)) return MetadataAddress.forScope(text).bytes;
  return parseAddress(text, "scope", "scope");
}

function parseSessionId(scopeText: string, sessionText: string): Uint8Array {
  if (isUuid(sessionText)) {
    if (scopeText.length === 0) throw invalidArgument(`could not parse [${sessionText}] into a session address`);
    return MetadataAddress.forSession(uuidAt(parseScopeId(scopeText), 1), sessionText).bytes;
  }
  const session = parseAddress(sessionText, "session", "session");
  if (scopeText.length > 0 && !equalBytes(scopeOf(session), parseScopeId(scopeText))) {
    throw invalidArgument(`session ${sessionText} is not in scope ${scopeText}`);
  }
  return session;
}

function parseScopeSpecId(text: string): Uint8Array {
  if (isUuid(text)) return MetadataAddress.forScopeSpecification(text).bytes;
  return parseAddress(text, "scopeSpecification", "scope specification");
}

function parseContractSpecId(text: string): Uint8Array {
  if (isUuid(text)) return MetadataAddress.forContractSpecification(text).bytes;
  let address: MetadataAddress;
  try {
    address = MetadataAddress.fromBech32(text);
  } catch (error) {
    throw invalidArgument(`invalid specification id: ${(error as Error).message}`);
  }
  if (address.kind === "contractSpecification") return address.bytes;
  if (address.kind === "recordSpecification") return contractSpecOf(address.bytes);
  throw invalidArgument(`invalid specification id: address [${text}] is not a contract specification address`);
}

// --- wrappers ------------------------------------------------------------------------------

function wrapScope(ctx: Context, scopeId: Uint8Array, scope: Scope | undefined, withInfo: boolean) {
  return create(ScopeWrapperSchema, {
    ...(scope === undefined ? {} : { scope: state.withValueOwner(ctx, scope) }),
    ...(withInfo ? { scopeIdInfo: scopeIdInfo(scopeId) } : {}),
    ...(withInfo && scope !== undefined && scope.specificationId.length > 0
      ? { scopeSpecIdInfo: scopeSpecIdInfo(scope.specificationId) }
      : {}),
  });
}

function wrapSession(sessionId: Uint8Array, session: Session | undefined, withInfo: boolean) {
  return create(SessionWrapperSchema, {
    ...(session === undefined ? {} : { session }),
    ...(withInfo ? { sessionIdInfo: sessionIdInfo(sessionId) } : {}),
    ...(withInfo && session !== undefined ? { contractSpecIdInfo: contractSpecIdInfo(session.specificationId) } : {}),
  });
}

function wrapRecord(recordId: Uint8Array, record: Record | undefined, withInfo: boolean) {
  return create(RecordWrapperSchema, {
    ...(record === undefined ? {} : { record }),
    ...(withInfo ? { recordIdInfo: recordIdInfo(recordId) } : {}),
    ...(withInfo && record !== undefined && record.specificationId.length > 0
      ? { recordSpecIdInfo: recordSpecIdInfo(record.specificationId) }
      : {}),
  });
}

function wrapScopeSpec(id: Uint8Array, spec: ScopeSpecification | undefined, withInfo: boolean) {
  return create(ScopeSpecificationWrapperSchema, {
    ...(spec === undefined ? {} : { specification: spec }),
    ...(withInfo ? { scopeSpecIdInfo: scopeSpecIdInfo(id) } : {}),
  });
}

function wrapContractSpec(id: Uint8Array, spec: ContractSpecification | undefined, withInfo: boolean) {
  return create(ContractSpecificationWrapperSchema, {
    ...(spec === undefined ? {} : { specification: spec }),
    ...(withInfo ? { contractSpecIdInfo: contractSpecIdInfo(id) } : {}),
  });
}

function wrapRecordSpec(id: Uint8Array, spec: RecordSpecification | undefined, withInfo: boolean) {
  return create(RecordSpecificationWrapperSchema, {
    ...(spec === undefined ? {} : { specification: spec }),
    ...(withInfo ? { recordSpecIdInfo: recordSpecIdInfo(id) } : {}),
  });
}

const recordIdOfRecord = (record: Record): Uint8Array => recordIdOf(record.sessionId, record.name);

/** One page of `items` by offset (the `key` of a page request is the next offset, as text). */
export function paginate<T>(
  items: readonly T[],
  page: Pick<PageRequest, "key" | "offset" | "limit" | "countTotal" | "reverse"> | undefined,
): { items: T[]; response: ReturnType<typeof pageResponse> } {
  let offset = Number(page?.offset ?? 0n);
  if (page !== undefined && page.key.length > 0) {
    const fromKey = Number(new TextDecoder().decode(page.key));
    if (!Number.isSafeInteger(fromKey) || fromKey < 0) throw invalidArgument("invalid pagination key");
    offset = fromKey;
  }
  const limit = page === undefined || page.limit === 0n ? 100 : Number(page.limit);
  const ordered = page?.reverse === true ? [...items].reverse() : [...items];
  const slice = ordered.slice(offset, offset + limit);
  const next = offset + limit < ordered.length ? utf8(String(offset + limit)) : new Uint8Array();
  return { items: slice, response: pageResponse(next, page?.countTotal === true ? BigInt(ordered.length) : 0n) };
}

function pageResponse(nextKey: Uint8Array, total: bigint) {
  return create(PageResponseSchema, { nextKey, total });
}

export function handler<Req extends DescMessage, Res extends DescMessage>(
  requestSchema: Req,
  responseSchema: Res,
  answer: (ctx: Context, request: MessageShape<Req>) => MessageShape<Res>,
): QueryHandler {
  return (ctx, data) => {
    let request: MessageShape<Req>;
    try {
      request = fromBinary(requestSchema, data);
    } catch (error) {
      throw invalidArgument(`cannot decode ${requestSchema.typeName}: ${(error as Error).message}`);
    }
    return toBinary(responseSchema, answer(ctx, request));
  };
}

// --- the queries ---------------------------------------------------------------------------

const scopeQuery = handler(ScopeRequestSchema, ScopeResponseSchema, (ctx, req) => {
  let scopeId: Uint8Array | undefined = req.scopeId.length > 0 ? parseScopeId(req.scopeId) : undefined;
  if (req.sessionAddr.length > 0) {
    const fromSession = scopeOf(parseAddress(req.sessionAddr, "session", "session"));
    if (scopeId !== undefined && !equalBytes(scopeId, fromSession)) {
      throw invalidArgument(`session ${req.sessionAddr} is not in scope ${req.scopeId}`);
    }
    scopeId = fromSession;
  }
  if (req.recordAddr.length > 0) {
    const fromRecord = scopeOf(parseAddress(req.recordAddr, "record", "record"));
    if (scopeId !== undefined && !equalBytes(scopeId, fromRecord)) {
      throw invalidArgument(`record ${req.recordAddr} is not part of scope ${req.scopeId || req.sessionAddr}`);
    }
    scopeId = fromRecord;
  }
  if (scopeId === undefined) throw invalidArgument("empty request parameters");
  const withInfo = !req.excludeIdInfo;
  const id = scopeId;
  return create(ScopeResponseSchema, {
    scope: wrapScope(ctx, id, state.getScope(ctx, id), withInfo),
    sessions: req.includeSessions ? state.listSessions(ctx, id).map((s) => wrapSession(s.sessionId, s, withInfo)) : [],
    records: req.includeRecords
      ? state.listRecords(ctx, id).map((r) => wrapRecord(recordIdOfRecord(r), r, withInfo))
      : [],
    ...(req.includeRequest ? { request: req } : {}),
  });
});

const scopesAllQuery = handler(ScopesAllRequestSchema, ScopesAllResponseSchema, (ctx, req) => {
  const page = paginate(state.listScopes(ctx), req.pagination);
  return create(ScopesAllResponseSchema, {
    scopes: page.items.map((s) => wrapScope(ctx, s.scopeId, s, !req.excludeIdInfo)),
    pagination: page.response,
    ...(req.includeRequest ? { request: req } : {}),
  });
});

const sessionsQuery = handler(SessionsRequestSchema, SessionsResponseSchema, (ctx, req) => {
  let scopeId: Uint8Array | undefined = req.scopeId.length > 0 ? parseScopeId(req.scopeId) : undefined;
  let recordId: Uint8Array | undefined;
  let sessionId: Uint8Array | undefined;
  if (req.recordAddr.length > 0) {
    recordId = parseAddress(req.recordAddr, "record", "record");
    if (scopeId !== undefined && !equalBytes(scopeId, scopeOf(recordId))) {
      throw invalidArgument(`record ${req.recordAddr} is not part of scope ${req.scopeId}`);
    }
    scopeId = scopeOf(recordId);
  }
  if (req.sessionId.length > 0) {
    const scopeText =
      req.scopeId.length > 0 ? req.scopeId : scopeId === undefined ? "" : MetadataAddress.fromBytes(scopeId).toString();
    sessionId = parseSessionId(scopeText, req.sessionId);
    if (scopeId !== undefined && !equalBytes(scopeId, scopeOf(sessionId))) {
      throw invalidArgument(`session ${req.sessionId} is not part of scope ${req.scopeId || req.recordAddr}`);
    }
    scopeId = scopeOf(sessionId);
  }
  if (req.recordName.length > 0) {
    if (scopeId === undefined) throw invalidArgument("a scope is required to look up sessions by record name");
    const byName = recordIdOf(scopeId, req.recordName);
    if (recordId !== undefined && !equalBytes(recordId, byName)) {
      throw invalidArgument(`record ${req.recordAddr} does not have name ${req.recordName}`);
    }
    recordId = byName;
  }
  if (recordId !== undefined) {
    const record = state.getRecord(ctx, recordId);
    if (record === undefined)
      throw invalidArgument(`record ${MetadataAddress.fromBytes(recordId).toString()} does not exist`);
    if (sessionId !== undefined && !equalBytes(sessionId, record.sessionId)) {
      throw invalidArgument(`record ${MetadataAddress.fromBytes(recordId).toString()} belongs to another session`);
    }
    sessionId = record.sessionId;
  }
  const withInfo = !req.excludeIdInfo;
  let sessions: Session[];
  let wrappers: md.SessionWrapper[];
  if (sessionId !== undefined) {
    const session = state.getSession(ctx, sessionId);
    sessions = session === undefined ? [] : [session];
    wrappers = [wrapSession(sessionId, session, withInfo)];
  } else if (scopeId !== undefined) {
    sessions = state.listSessions(ctx, scopeId);
    wrappers = sessions.map((s) => wrapSession(s.sessionId, s, withInfo));
  } else {
    throw invalidArgument("empty request parameters");
  }
  const id = scopeId ?? scopeOf(sessionId!);
  return create(SessionsResponseSchema, {
    sessions: wrappers,
    ...(req.includeScope ? { scope: wrapScope(ctx, id, state.getScope(ctx, id), withInfo) } : {}),
    records: req.includeRecords
      ? state
          .listRecords(ctx, id)
          .filter((r) => sessions.some((s) => equalBytes(s.sessionId, r.sessionId)))
          .map((r) => wrapRecord(recordIdOfRecord(r), r, withInfo))
      : [],
    ...(req.includeRequest ? { request: req } : {}),
  });
});

const sessionsAllQuery = handler(SessionsAllRequestSchema, SessionsAllResponseSchema, (ctx, req) => {
  const page = paginate(state.listSessions(ctx), req.pagination);
  return create(SessionsAllResponseSchema, {
    sessions: page.items.map((s) => wrapSession(s.sessionId, s, !req.excludeIdInfo)),
    pagination: page.response,
    ...(req.includeRequest ? { request: req } : {}),
  });
});

const recordsQuery = handler(RecordsRequestSchema, RecordsResponseSchema, (ctx, req) => {
  let scopeId: Uint8Array | undefined = req.scopeId.length > 0 ? parseScopeId(req.scopeId) : undefined;
  let recordId: Uint8Array | undefined;
  let sessionId: Uint8Array | undefined;
  if (req.recordAddr.length > 0) {
    recordId = parseAddress(req.recordAddr, "record", "record");
    if (scopeId !== undefined && !equalBytes(scopeId, scopeOf(recordId))) {
      throw invalidArgument(`record ${req.recordAddr} is not part of scope ${req.scopeId}`);
    }
    scopeId = scopeOf(recordId);
  }
  if (req.sessionId.length > 0) {
    sessionId = parseSessionId(req.scopeId, req.sessionId);
    if (scopeId !== undefined && !equalBytes(scopeId, scopeOf(sessionId))) {
      throw invalidArgument(`session ${req.sessionId} is not part of scope ${req.scopeId || req.recordAddr}`);
    }
    scopeId = scopeOf(sessionId);
  }
  if (req.name.length > 0) {
    if (scopeId === undefined) throw invalidArgument("a scope or session is required to look up records by name");
    const byName = recordIdOf(scopeId, req.name);
    if (recordId !== undefined && !equalBytes(recordId, byName)) {
      throw invalidArgument(`record ${req.recordAddr} does not have name ${req.name}`);
    }
    recordId = byName;
  }
  const withInfo = !req.excludeIdInfo;
  let records: md.RecordWrapper[];
  if (recordId !== undefined) {
    const record = state.getRecord(ctx, recordId);
    records = [wrapRecord(recordId, record, withInfo)];
  } else if (scopeId !== undefined) {
    records = state
      .listRecords(ctx, scopeId)
      .filter((r) => sessionId === undefined || equalBytes(r.sessionId, sessionId))
      .map((r) => wrapRecord(recordIdOfRecord(r), r, withInfo));
  } else {
    throw invalidArgument("empty request parameters");
  }
  const id = scopeId!;
  const sessions = req.includeSessions
    ? state
        .listSessions(ctx, id)
        .filter((s) => records.some((r) => r.record !== undefined && equalBytes(r.record.sessionId, s.sessionId)))
        .map((s) => wrapSession(s.sessionId, s, withInfo))
    : [];
  return create(RecordsResponseSchema, {
    records,
    sessions,
    ...(req.includeScope ? { scope: wrapScope(ctx, id, state.getScope(ctx, id), withInfo) } : {}),
    ...(req.includeRequest ? { request: req } : {}),
  });
});

const recordsAllQuery = handler(RecordsAllRequestSchema, RecordsAllResponseSchema, (ctx, req) => {
  const page = paginate(state.listRecords(ctx), req.pagination);
  return create(RecordsAllResponseSchema, {
    records: page.items.map((r) => wrapRecord(recordIdOfRecord(r), r, !req.excludeIdInfo)),
    pagination: page.response,
    ...(req.includeRequest ? { request: req } : {}),
  });
});

function accountOf(ctx: Context, address: string): Uint8Array {
  try {
    return decodeAccountAddress(ctx.chain.prefix, address);
  } catch (error) {
    throw invalidArgument(`invalid address: ${(error as Error).message}`);
  }
}

const ownershipQuery = handler(OwnershipRequestSchema, OwnershipResponseSchema, (ctx, req) => {
  const ids = state.scopeIdsOfAddress(ctx, accountOf(ctx, req.address));
  const page = paginate(ids, req.pagination);
  return create(OwnershipResponseSchema, {
    scopeUuids: page.items.map((id) => uuidAt(id, 1)),
    pagination: page.response,
    ...(req.includeRequest ? { request: req } : {}),
  });
});

const valueOwnershipQuery = handler(ValueOwnershipRequestSchema, ValueOwnershipResponseSchema, (ctx, req) => {
  const uuids: string[] = [];
  for (const coin of allBalances(ctx, accountOf(ctx, req.address))) {
    if (!coin.denom.startsWith("nft/")) continue;
    try {
      const address = MetadataAddress.fromBech32(coin.denom.slice(4));
      if (address.kind === "scope") uuids.push(address.primaryUuid);
    } catch {
      // Not a scope coin.
    }
  }
  const page = paginate(uuids, req.pagination);
  return create(ValueOwnershipResponseSchema, {
    scopeUuids: page.items,
    pagination: page.response,
    ...(req.includeRequest ? { request: req } : {}),
  });
});

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

/** ABCI query paths of the metadata Query service. */
export const metadataQueries: ReadonlyMap<string, QueryHandler> = new Map([
  ["/provenance.metadata.v1.Query/Scope", scopeQuery],
  ["/provenance.metadata.v1.Query/ScopesAll", scopesAllQuery],
  ["/provenance.metadata.v1.Query/Sessions", sessionsQuery],
  ["/provenance.metadata.v1.Query/SessionsAll", sessionsAllQuery],
  ["/provenance.metadata.v1.Query/Records", recordsQuery],
  ["/provenance.metadata.v1.Query/RecordsAll", recordsAllQuery],
  ["/provenance.metadata.v1.Query/Ownership", ownershipQuery],
  ["/provenance.metadata.v1.Query/ValueOwnership", valueOwnershipQuery],
  ["/provenance.metadata.v1.Query/ScopeSpecification", scopeSpecificationQuery],
  ["/provenance.metadata.v1.Query/ScopeSpecificationsAll", scopeSpecificationsAllQuery],
  ["/provenance.metadata.v1.Query/ContractSpecification", contractSpecificationQuery],
  ["/provenance.metadata.v1.Query/ContractSpecificationsAll", contractSpecificationsAllQuery],
  ["/provenance.metadata.v1.Query/RecordSpecificationsForContractSpecification", recordSpecsForContractSpecQuery],
  ["/provenance.metadata.v1.Query/RecordSpecification", recordSpecificationQuery],
  ["/provenance.metadata.v1.Query/RecordSpecificationsAll", recordSpecificationsAllQuery],
]);
