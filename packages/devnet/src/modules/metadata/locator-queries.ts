// The object store locator queries of the metadata module (keeper/query_server.go). The devnet has
// no locator Msgs, so no account ever has a locator: these answer as a chain on which none was bound.
import { create } from "@bufbuild/protobuf";
import { isUuid, MetadataAddress } from "@p8e/spec-model";
import {
  OSAllLocatorsRequestSchema,
  OSAllLocatorsResponseSchema,
  OSLocatorParamsRequestSchema,
  OSLocatorParamsResponseSchema,
  OSLocatorRequestSchema,
  OSLocatorResponseSchema,
  OSLocatorsByScopeRequestSchema,
  OSLocatorsByScopeResponseSchema,
  OSLocatorsByURIRequestSchema,
  OSLocatorsByURIResponseSchema,
} from "@p8e/spec-model/metadata";
import { decodeAccountAddress } from "../../codec.js";
import { handler, moduleInvalidRequest, moduleRegisteredError, paginate, type QueryHandler } from "./query-common.js";
import * as state from "./state.js";

/** types.DefaultMaxURILength: GetOSLocatorParams' answer when genesis stored no params. */
export const DEFAULT_MAX_URI_LENGTH = 2048;

// x/metadata's registered errors (types/errors.go) that the locator queries return.
const ERR_INVALID_ADDRESS = "address does not match an existing account";
const ERR_ADDRESS_NOT_BOUND = "no locator bound to address";
const ERR_NO_RECORDS_FOUND = "No records found.";

const osLocatorParamsQuery = handler(OSLocatorParamsRequestSchema, OSLocatorParamsResponseSchema, (_ctx, req) =>
  create(OSLocatorParamsResponseSchema, {
    params: { maxUriLength: DEFAULT_MAX_URI_LENGTH },
    ...(req.includeRequest ? { request: req } : {}),
  }),
);

// OSLocator: a bad owner is ErrInvalidAddress; a good one has no locator bound (ErrAddressNotBound).
const osLocatorQuery = handler(OSLocatorRequestSchema, OSLocatorResponseSchema, (ctx, req) => {
  try {
    decodeAccountAddress(ctx.chain.prefix, req.owner);
  } catch {
    throw moduleRegisteredError(ERR_INVALID_ADDRESS);
  }
  throw moduleRegisteredError(ERR_ADDRESS_NOT_BOUND);
});

// OSLocatorsByURI: no locator matches any URI, which the keeper reports as ErrNoRecordsFound.
const osLocatorsByUriQuery = handler(OSLocatorsByURIRequestSchema, OSLocatorsByURIResponseSchema, () => {
  throw moduleRegisteredError(ERR_NO_RECORDS_FOUND);
});

/** Go's uuid.Parse error text for a string that is not a uuid. */
function uuidProblem(text: string): string {
  return [36, 38, 41, 32].includes(text.length) ? "invalid UUID format" : `invalid UUID length: ${text.length}`;
}

/** ParseScopeID (keeper/query_server.go): a bech32 scope address or a uuid, with its wording. */
function parseScopeIdOrUuid(text: string): Uint8Array {
  let address: MetadataAddress | undefined;
  let addressError = "";
  try {
    address = MetadataAddress.fromBech32(text);
  } catch (error) {
    addressError = (error as Error).message;
  }
  if (address !== undefined) {
    if (address.kind === "scope") return address.bytes;
    throw moduleInvalidRequest(`address [${text}] is not a scope address`);
  }
  if (isUuid(text)) return MetadataAddress.forScope(text).bytes;
  throw moduleInvalidRequest(
    `could not parse [${text}] into either a scope address (${addressError}) or uuid (${uuidProblem(text)})`,
  );
}

// OSLocatorsByScope (keeper GetOSLocatorByScope): the locators of the scope's owners, none here.
const osLocatorsByScopeQuery = handler(OSLocatorsByScopeRequestSchema, OSLocatorsByScopeResponseSchema, (ctx, req) => {
  if (req.scopeId.length === 0) throw moduleInvalidRequest("scope id cannot be empty");
  if (state.getScope(ctx, parseScopeIdOrUuid(req.scopeId)) === undefined) {
    throw moduleInvalidRequest(`scope [${req.scopeId}] not found`);
  }
  return create(OSLocatorsByScopeResponseSchema, { locators: [], ...(req.includeRequest ? { request: req } : {}) });
});

const osAllLocatorsQuery = handler(OSAllLocatorsRequestSchema, OSAllLocatorsResponseSchema, (_ctx, req) =>
  create(OSAllLocatorsResponseSchema, {
    locators: [],
    pagination: paginate([], req.pagination).response,
    ...(req.includeRequest ? { request: req } : {}),
  }),
);

/** ABCI query paths of the object store locator queries. */
export const locatorQueries: ReadonlyMap<string, QueryHandler> = new Map([
  ["/provenance.metadata.v1.Query/OSLocatorParams", osLocatorParamsQuery],
  ["/provenance.metadata.v1.Query/OSLocator", osLocatorQuery],
  ["/provenance.metadata.v1.Query/OSLocatorsByURI", osLocatorsByUriQuery],
  ["/provenance.metadata.v1.Query/OSLocatorsByScope", osLocatorsByScopeQuery],
  ["/provenance.metadata.v1.Query/OSAllLocators", osAllLocatorsQuery],
]);
