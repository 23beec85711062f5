// Query/Params and Query/ScopeNetAssetValues of the metadata module (keeper/query_server.go).
import { create } from "@bufbuild/protobuf";
import { MetadataAddress } from "@p8e/spec-model";
import {
  QueryParamsRequestSchema,
  QueryParamsResponseSchema,
  QueryScopeNetAssetValuesRequestSchema,
  QueryScopeNetAssetValuesResponseSchema,
} from "@p8e/spec-model/metadata";
import { sdkError } from "../../abci-error.js";
import { listNetAssetValues } from "./net-asset-values.js";
import { handler, type QueryHandler } from "./query-common.js";

// The module has no parameters; the answer is an empty Params.
const paramsQuery = handler(QueryParamsRequestSchema, QueryParamsResponseSchema, (_ctx, req) =>
  create(QueryParamsResponseSchema, { params: {}, ...(req.includeRequest ? { request: req } : {}) }),
);

// The id must be a bech32 metadata address (MetadataAddressFromBech32); a uuid is refused. The
// keeper's fmt.Errorf is no gRPC status, so baseapp's gRPCErrorToSDKError makes it invalid request.
const scopeNetAssetValuesQuery = handler(
  QueryScopeNetAssetValuesRequestSchema,
  QueryScopeNetAssetValuesResponseSchema,
  (ctx, req) => {
    let scopeId: Uint8Array;
    try {
      scopeId = MetadataAddress.fromBech32(req.id).bytes;
    } catch (error) {
      throw sdkError("invalidRequest", `error extracting scope address: ${(error as Error).message}`);
    }
    return create(QueryScopeNetAssetValuesResponseSchema, { netAssetValues: listNetAssetValues(ctx, scopeId) });
  },
);

/** ABCI query paths of Query/Params and Query/ScopeNetAssetValues. */
export const navAndParamsQueries: ReadonlyMap<string, QueryHandler> = new Map([
  ["/provenance.metadata.v1.Query/Params", paramsQuery],
  ["/provenance.metadata.v1.Query/ScopeNetAssetValues", scopeNetAssetValuesQuery],
]);
