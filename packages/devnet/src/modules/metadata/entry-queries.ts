// The metadata Query service's entry queries: Scope, ScopesAll, Sessions, SessionsAll, Records,
// RecordsAll, Ownership and ValueOwnership (keeper/query_server.go).
import { create } from "@bufbuild/protobuf";
import { MetadataAddress } from "@p8e/spec-model";
import type * as md from "@p8e/spec-model/metadata";
import {
  OwnershipRequestSchema,
  OwnershipResponseSchema,
  RecordsAllRequestSchema,
  RecordsAllResponseSchema,
  RecordsRequestSchema,
  RecordsResponseSchema,
  ScopeRequestSchema,
  ScopeResponseSchema,
  ScopesAllRequestSchema,
  ScopesAllResponseSchema,
  type Session,
  SessionsAllRequestSchema,
  SessionsAllResponseSchema,
  SessionsRequestSchema,
  SessionsResponseSchema,
  ValueOwnershipRequestSchema,
  ValueOwnershipResponseSchema,
} from "@p8e/spec-model/metadata";
import { equalBytes } from "../../codec.js";
import { allBalances } from "../bank.js";
import { recordIdOf, scopeOf, uuidAt } from "./addresses.js";
import {
  accountOf,
  handler,
  invalidArgument,
  paginate,
  parseAddress,
  parseScopeId,
  parseSessionId,
  type QueryHandler,
  recordIdOfRecord,
  wrapRecord,
  wrapScope,
  wrapSession,
} from "./query-common.js";
import * as state from "./state.js";

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

/** ABCI query paths of the entry queries (scopes, sessions, records, ownership). */
export const entryQueries: ReadonlyMap<string, QueryHandler> = new Map([
  ["/provenance.metadata.v1.Query/Scope", scopeQuery],
  ["/provenance.metadata.v1.Query/ScopesAll", scopesAllQuery],
  ["/provenance.metadata.v1.Query/Sessions", sessionsQuery],
  ["/provenance.metadata.v1.Query/SessionsAll", sessionsAllQuery],
  ["/provenance.metadata.v1.Query/Records", recordsQuery],
  ["/provenance.metadata.v1.Query/RecordsAll", recordsAllQuery],
  ["/provenance.metadata.v1.Query/Ownership", ownershipQuery],
  ["/provenance.metadata.v1.Query/ValueOwnership", valueOwnershipQuery],
]);
