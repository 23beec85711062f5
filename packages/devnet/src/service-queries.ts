// Cosmos SDK queries a client of scopes uses besides the metadata module's: auth Params, bank
// DenomOwners, tx GetTx and GetTxsEvent (answered from the tx index), and tendermint GetNodeInfo.
import type { Params as AuthParams } from "cosmjs-types/cosmos/auth/v1beta1/auth";
import { QueryParamsResponse as AuthParamsResponse } from "cosmjs-types/cosmos/auth/v1beta1/query";
import { QueryDenomOwnersRequest, QueryDenomOwnersResponse } from "cosmjs-types/cosmos/bank/v1beta1/query";
import { TxResponse } from "cosmjs-types/cosmos/base/abci/v1beta1/abci";
import { GetNodeInfoResponse } from "cosmjs-types/cosmos/base/tendermint/v1beta1/query";
import {
  GetTxRequest,
  GetTxResponse,
  GetTxsEventRequest,
  GetTxsEventResponse,
  OrderBy,
} from "cosmjs-types/cosmos/tx/v1beta1/service";
import { Tx } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { sdkError } from "./abci-error.js";
import { MAX_MEMO_CHARACTERS } from "./app.js";
import { encodeAccountAddress, fromHex, toHex } from "./codec.js";
import { denomOwners, getBalance } from "./modules/bank.js";
import { isValidDenom } from "./modules/handlers.js";
import { invalidArgument, notFound, paginate, type QueryHandler } from "./modules/metadata/query-common.js";
import { nodeInfo } from "./rpc/render.js";
import type { BlockHeader, IncludedTx, TxSearchCondition } from "./store/database.js";
import { parseTxQuery } from "./store/tx-query.js";

/** The committed txs and blocks the tx queries read. */
export interface TxIndex {
  tx(hash: Uint8Array): IncludedTx | undefined;
  block(height: number): BlockHeader | undefined;
  searchTxs(
    conditions: readonly TxSearchCondition[],
    page: { offset: number; limit: number; descending: boolean },
  ): { txs: IncludedTx[]; total: number };
}

/**
 * x/auth's parameters: the SDK's defaults, except the memo limit Provenance raised to 1024 bytes
 * (the one the devnet's ante handler applies).
 */
export const AUTH_PARAMS: AuthParams = {
  maxMemoCharacters: BigInt(MAX_MEMO_CHARACTERS),
  txSigLimit: 7n,
  txSizeCostPerByte: 10n,
  sigVerifyCostEd25519: 590n,
  sigVerifyCostSecp256k1: 1000n,
};

/** The SDK's query.DefaultLimit, GetTxsEvent's page size when none is given. */
const DEFAULT_LIMIT = 100;
/** CometBFT's tx_search caps a page at 100 txs (validatePerPage). */
const MAX_PER_PAGE = 100;

/** mkTxResult (x/auth/tx/query.go): a tx from the index with its block time (RFC 3339, seconds). */
function txResponseOf(index: TxIndex, included: IncludedTx): TxResponse {
  const block = index.block(included.height);
  return TxResponse.fromPartial({
    height: BigInt(included.height),
    txhash: toHex(included.hash).toUpperCase(),
    codespace: included.result.codespace,
    code: included.result.code,
    data: toHex(included.result.data).toUpperCase(),
    rawLog: included.result.log,
    gasWanted: included.result.gasWanted,
    gasUsed: included.result.gasUsed,
    tx: { typeUrl: "/cosmos.tx.v1beta1.Tx", value: included.tx },
    timestamp: block === undefined ? "" : new Date(block.timeMs).toISOString().replace(/\.\d{3}Z$/, "Z"),
    events: included.result.events.map((e) => ({ type: e.type, attributes: [...e.attributes] })),
  });
}

/**
 * A failure of the tx service's QueryTxsByEvents: GetTxsEvent returns it as a gRPC Internal
 * status, which baseapp's gRPCErrorToSDKError turns into unknown request (code 6).
 */
function txSearchFailure(message: string) {
  return sdkError("unknownRequest", `rpc error: code = Internal desc = ${message}`);
}

/** GetTx and GetTxsEvent of cosmos.tx.v1beta1.Service (x/auth/tx/service.go), over `index`. */
export function txQueries(index: TxIndex): Map<string, QueryHandler> {
  const getTx: QueryHandler = (_ctx, data) => {
    const request = GetTxRequest.decode(data);
    let hash: Uint8Array;
    try {
      hash = fromHex(request.hash);
    } catch {
      throw invalidArgument(`invalid tx hash ${request.hash}`);
    }
    const included = index.tx(hash);
    if (included === undefined) throw notFound(`tx not found: ${request.hash}`);
    return GetTxResponse.encode({ tx: Tx.decode(included.tx), txResponse: txResponseOf(index, included) }).finish();
  };
  // GetTxsEvent passes query, page (from 1) and limit to CometBFT's TxSearch; the deprecated `events`
  // and `pagination` fields are ignored, as in SDK v0.50+.
  const getTxsEvent: QueryHandler = (_ctx, data) => {
    const request = GetTxsEventRequest.decode(data);
    if (request.query.length === 0) throw txSearchFailure("query cannot be empty");
    let conditions: TxSearchCondition[];
    try {
      conditions = parseTxQuery(request.query);
    } catch (error) {
      throw txSearchFailure(`failed to search for txs: ${(error as Error).message}`);
    }
    const page = request.page > 0n ? Number(request.page) : 1;
    const requested = request.limit > 0n ? Number(request.limit) : DEFAULT_LIMIT;
    const perPage = Math.min(requested, MAX_PER_PAGE);
    const descending = request.orderBy === OrderBy.ORDER_BY_DESC;
    const { txs, total } = index.searchTxs(conditions, { offset: (page - 1) * perPage, limit: perPage, descending });
    // CometBFT's validatePage: an empty result still has one page.
    const pages = Math.max(1, Math.ceil(total / perPage));
    if (page > pages) {
      throw txSearchFailure(`failed to search for txs: page should be within [1, ${pages}] range, given ${page}`);
    }
    return GetTxsEventResponse.encode({
      txs: txs.map((t) => Tx.decode(t.tx)),
      txResponses: txs.map((t) => txResponseOf(index, t)),
      total: BigInt(total),
    }).finish();
  };
  return new Map([
    ["/cosmos.tx.v1beta1.Service/GetTx", getTx],
    ["/cosmos.tx.v1beta1.Service/GetTxsEvent", getTxsEvent],
  ]);
}

// auth Query/Params (x/auth/keeper/grpc_query.go).
const authParamsQuery: QueryHandler = () => AuthParamsResponse.encode({ params: AUTH_PARAMS }).finish();

// bank Query/DenomOwners (x/bank/keeper/grpc_query.go): the holders of a denom in address order, each
// with its balance; a malformed denom is InvalidArgument.
const denomOwnersQuery: QueryHandler = (ctx, data) => {
  const request = QueryDenomOwnersRequest.decode(data);
  if (!isValidDenom(request.denom)) throw invalidArgument(`invalid denom: ${request.denom}`);
  const page = paginate(denomOwners(ctx, request.denom), request.pagination);
  return QueryDenomOwnersResponse.encode({
    denomOwners: page.items.map((id) => ({
      address: encodeAccountAddress(ctx.chain.prefix, id),
      balance: { denom: request.denom, amount: getBalance(ctx, id, request.denom).toString() },
    })),
    pagination: { nextKey: page.response.nextKey, total: page.response.total },
  }).finish();
};

/** auth Params and bank DenomOwners. */
export const moduleQueries: ReadonlyMap<string, QueryHandler> = new Map([
  ["/cosmos.auth.v1beta1.Query/Params", authParamsQuery],
  ["/cosmos.bank.v1beta1.Query/DenomOwners", denomOwnersQuery],
]);

/** The devnet's application version, as GetNodeInfo reports it. */
const APPLICATION_VERSION = {
  name: "p8e-devnet",
  appName: "p8e-devnet",
  version: "v1.30.0",
  gitCommit: "",
  buildTags: "",
  goVersion: "",
  buildDeps: [],
  cosmosSdkVersion: "v0.53.8-pio-1",
};

/**
 * cosmos.base.tendermint.v1beta1.Service/GetNodeInfo (client/grpc/cmtservice): the node info that
 * CometBFT's `status` reports for the node serving at `url`, and the application version.
 */
export function nodeInfoQuery(chainId: string, url: string): QueryHandler {
  const info = nodeInfo(chainId, url);
  const response = GetNodeInfoResponse.encode({
    defaultNodeInfo: {
      protocolVersion: {
        p2p: BigInt(info.protocolVersion.p2p),
        block: BigInt(info.protocolVersion.block),
        app: BigInt(info.protocolVersion.app),
      },
      defaultNodeId: info.id,
      listenAddr: info.listenAddr,
      network: info.network,
      version: info.version,
      channels: fromHex(info.channels),
      moniker: info.moniker,
      other: { ...info.other },
    },
    applicationVersion: APPLICATION_VERSION,
  }).finish();
  return () => response;
}
