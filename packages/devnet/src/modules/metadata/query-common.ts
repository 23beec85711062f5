// What the metadata Query service's handlers share: the errors a query answers with, request
// decoding, offset pagination, id parsing and the result wrappers with their id info.
import { create, type DescMessage, fromBinary, type MessageShape, toBinary } from "@bufbuild/protobuf";
import { isUuid, MetadataAddress } from "@p8e/spec-model";
import {
  type ContractSpecification,
  ContractSpecificationWrapperSchema,
  type PageRequest,
  PageResponseSchema,
  type Record,
  type RecordSpecification,
  RecordSpecificationWrapperSchema,
  RecordWrapperSchema,
  type Scope,
  type ScopeSpecification,
  ScopeSpecificationWrapperSchema,
  ScopeWrapperSchema,
  type Session,
  SessionWrapperSchema,
} from "@p8e/spec-model/metadata";
import { AbciError, sdkError } from "../../abci-error.js";
import { decodeAccountAddress, equalBytes, utf8 } from "../../codec.js";
import type { Context } from "../../context.js";
import {
  contractSpecIdInfo,
  contractSpecOf,
  recordIdInfo,
  recordIdOf,
  recordSpecIdInfo,
  scopeIdInfo,
  scopeOf,
  scopeSpecIdInfo,
  sessionIdInfo,
  uuidAt,
} from "./addresses.js";
import * as state from "./state.js";

/**
 * What an `sdkerrors.ErrInvalidRequest.Wrap(message)` of the metadata keeper becomes on baseapp's gRPC
 * query path: gRPCErrorToSDKError wraps the error's text in invalid request once more (code 18).
 */
export function moduleInvalidRequest(message: string): AbciError {
  return sdkError("invalidRequest", `${message}: invalid request`);
}

/**
 * What an error registered by the metadata module (whose gRPC code is Unknown) becomes on baseapp's
 * gRPC query path: its description wrapped as unknown request (code 6).
 */
export function moduleRegisteredError(description: string): AbciError {
  return sdkError("unknownRequest", description);
}

/** A gRPC InvalidArgument as an ABCI query answers it. */
export function invalidArgument(message: string): AbciError {
  return new AbciError("sdk", 18, `rpc error: code = InvalidArgument desc = ${message}: invalid request`);
}

/** A gRPC NotFound as an ABCI query answers it (CosmJS recognises "rpc error: code = NotFound"). */
export function notFound(message: string): AbciError {
  return new AbciError("sdk", 22, `rpc error: code = NotFound desc = ${message}: key not found`);
}

export type QueryHandler = (ctx: Context, data: Uint8Array) => Uint8Array;

export function parseAddress(text: string, kind: MetadataAddress["kind"], label: string): Uint8Array {
  let address: MetadataAddress;
  try {
    address = MetadataAddress.fromBech32(text);
  } catch (error) {
    throw invalidArgument(`could not parse [${text}] into a ${label} address: ${(error as Error).message}`);
  }
  if (address.kind !== kind) throw invalidArgument(`address [${text}] is not a ${label} address`);
  return address.bytes;
}

export function parseScopeId(text: string): Uint8Array {
  if (isUuid(text)) return MetadataAddress.forScope(text).bytes;
  return parseAddress(text, "scope", "scope");
}

export function parseSessionId(scopeText: string, sessionText: string): Uint8Array {
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

export function parseScopeSpecId(text: string): Uint8Array {
  if (isUuid(text)) return MetadataAddress.forScopeSpecification(text).bytes;
  return parseAddress(text, "scopeSpecification", "scope specification");
}

export function parseContractSpecId(text: string): Uint8Array {
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

export function wrapScope(ctx: Context, scopeId: Uint8Array, scope: Scope | undefined, withInfo: boolean) {
  return create(ScopeWrapperSchema, {
    ...(scope === undefined ? {} : { scope: state.withValueOwner(ctx, scope) }),
    ...(withInfo ? { scopeIdInfo: scopeIdInfo(scopeId) } : {}),
    ...(withInfo && scope !== undefined && scope.specificationId.length > 0
      ? { scopeSpecIdInfo: scopeSpecIdInfo(scope.specificationId) }
      : {}),
  });
}

export function wrapSession(sessionId: Uint8Array, session: Session | undefined, withInfo: boolean) {
  return create(SessionWrapperSchema, {
    ...(session === undefined ? {} : { session }),
    ...(withInfo ? { sessionIdInfo: sessionIdInfo(sessionId) } : {}),
    ...(withInfo && session !== undefined ? { contractSpecIdInfo: contractSpecIdInfo(session.specificationId) } : {}),
  });
}

export function wrapRecord(recordId: Uint8Array, record: Record | undefined, withInfo: boolean) {
  return create(RecordWrapperSchema, {
    ...(record === undefined ? {} : { record }),
    ...(withInfo ? { recordIdInfo: recordIdInfo(recordId) } : {}),
    ...(withInfo && record !== undefined && record.specificationId.length > 0
      ? { recordSpecIdInfo: recordSpecIdInfo(record.specificationId) }
      : {}),
  });
}

export function wrapScopeSpec(id: Uint8Array, spec: ScopeSpecification | undefined, withInfo: boolean) {
  return create(ScopeSpecificationWrapperSchema, {
    ...(spec === undefined ? {} : { specification: spec }),
    ...(withInfo ? { scopeSpecIdInfo: scopeSpecIdInfo(id) } : {}),
  });
}

export function wrapContractSpec(id: Uint8Array, spec: ContractSpecification | undefined, withInfo: boolean) {
  return create(ContractSpecificationWrapperSchema, {
    ...(spec === undefined ? {} : { specification: spec }),
    ...(withInfo ? { contractSpecIdInfo: contractSpecIdInfo(id) } : {}),
  });
}

export function wrapRecordSpec(id: Uint8Array, spec: RecordSpecification | undefined, withInfo: boolean) {
  return create(RecordSpecificationWrapperSchema, {
    ...(spec === undefined ? {} : { specification: spec }),
    ...(withInfo ? { recordSpecIdInfo: recordSpecIdInfo(id) } : {}),
  });
}

export const recordIdOfRecord = (record: Record): Uint8Array => recordIdOf(record.sessionId, record.name);

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

export function pageResponse(nextKey: Uint8Array, total: bigint) {
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

export function accountOf(ctx: Context, address: string): Uint8Array {
  try {
    return decodeAccountAddress(ctx.chain.prefix, address);
  } catch (error) {
    throw invalidArgument(`invalid address: ${(error as Error).message}`);
  }
}
