// Query/GetByAddr and Query/AccountData of the metadata module (keeper/query_server.go): lookups by
// metadata address.
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { MetadataAddress } from "@p8e/spec-model";
import {
  type AccountDataRequest,
  AccountDataRequestSchema,
  AccountDataResponseSchema,
  GetByAddrRequestSchema,
  type GetByAddrResponse,
  GetByAddrResponseSchema,
} from "@p8e/spec-model/metadata";
import { sdkError } from "../../abci-error.js";
import { fromUtf8 } from "../../codec.js";
import type { Context } from "../../context.js";
import { isAddressOfType, SCOPE, verifyAddressFormat } from "./addresses.js";
import { handler, moduleInvalidRequest, type QueryHandler } from "./query-common.js";
import * as state from "./state.js";

/** Appends `item` to `list` when there is one; true when it did. */
function collect<T>(list: T[], item: T | undefined): boolean {
  if (item === undefined) return false;
  list.push(item);
  return true;
}

/** Files what `address` names into the response's list of its kind; false when nothing is stored. */
function lookUp(ctx: Context, address: MetadataAddress, out: GetByAddrResponse): boolean {
  const id = address.bytes;
  switch (address.kind) {
    case "scope": {
      const scope = state.getScope(ctx, id);
      return collect(out.scopes, scope === undefined ? undefined : state.withValueOwner(ctx, scope));
    }
    case "session":
      return collect(out.sessions, state.getSession(ctx, id));
    case "record":
      return collect(out.records, state.getRecord(ctx, id));
    case "scopeSpecification":
      return collect(out.scopeSpecs, state.getScopeSpec(ctx, id));
    case "contractSpecification":
      return collect(out.contractSpecs, state.getContractSpec(ctx, id));
    case "recordSpecification":
      return collect(out.recordSpecs, state.getRecordSpec(ctx, id));
  }
}

// GetByAddr: each address lands in the list of its kind when it names something stored, otherwise
// (not a metadata address, wrong prefix, nothing stored) in not_found; the request order is kept.
const getByAddrQuery = handler(GetByAddrRequestSchema, GetByAddrResponseSchema, (ctx, req) => {
  if (req.addrs.length === 0) throw moduleInvalidRequest("empty request");
  const out = create(GetByAddrResponseSchema);
  for (const text of req.addrs) {
    let address: MetadataAddress | undefined;
    try {
      address = MetadataAddress.fromBech32(text);
    } catch {
      address = undefined;
    }
    if (address === undefined || !lookUp(ctx, address, out)) out.notFound.push(text);
  }
  return out;
});

/**
 * The MetadataAddress custom type's Unmarshal: raw address bytes, or (since v1.29) the ASCII bytes
 * of a bech32 address; neither is a decode error, which the gRPC query path wraps as invalid request.
 */
function metadataAddressField(bytes: Uint8Array): Uint8Array {
  if (bytes.length === 0) return bytes;
  try {
    verifyAddressFormat(bytes);
    return bytes;
  } catch (formatError) {
    try {
      return MetadataAddress.fromBech32(fromUtf8(bytes)).bytes;
    } catch {
      throw sdkError("invalidRequest", (formatError as Error).message);
    }
  }
}

// AccountData: a scope's account data (an x/attribute entry); the devnet has no SetAccountData, so
// every scope's value is empty, as on a chain where none was ever set.
const accountDataQuery: QueryHandler = (_ctx, data) => {
  let request: AccountDataRequest;
  try {
    request = fromBinary(AccountDataRequestSchema, data);
  } catch (error) {
    throw sdkError("invalidRequest", (error as Error).message);
  }
  if (!isAddressOfType(metadataAddressField(request.metadataAddr), SCOPE)) {
    throw moduleInvalidRequest("metadata address is not a scope id");
  }
  return toBinary(AccountDataResponseSchema, create(AccountDataResponseSchema, { value: "" }));
};

/** ABCI query paths of Query/GetByAddr and Query/AccountData. */
export const addressQueries: ReadonlyMap<string, QueryHandler> = new Map([
  ["/provenance.metadata.v1.Query/GetByAddr", getByAddrQuery],
  ["/provenance.metadata.v1.Query/AccountData", accountDataQuery],
]);
