// The CometBFT JSON-RPC endpoint: JSON-RPC 2.0 over HTTP POST (single or batch), plus the URI form
// (GET /status, GET /abci_query?path="…"&data=0x…) that CometBFT also serves.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { txHash } from "../app.js";
import { fromBase64, fromHex, toBase64, toHex } from "../codec.js";
import type { DevnetNode } from "../devnet.js";
import { isDevnetError } from "../errors.js";
import type { TxSearchCondition } from "../store/database.js";
import { parseTxQuery } from "../store/tx-query.js";
import {
  type Json,
  nodeInfo,
  renderBlock,
  renderBlockMeta,
  renderNodeInfo,
  renderSignedHeader,
  renderTx,
  renderTxResult,
  renderValidator,
  rfc3339,
} from "./render.js";

const MAX_BODY_BYTES = 16 * 1024 * 1024;

/** A JSON-RPC error with CometBFT's codes. */
class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: string,
  ) {
    super(message);
  }
}

const invalidParams = (data: string) => new RpcError(-32602, "Invalid params", data);
const internalError = (data: string) => new RpcError(-32603, "Internal error", data);

type Params = Record<string, unknown>;

function optionalInt(params: Params, name: string): number | undefined {
  const value = params[name];
  if (value === undefined || value === null || value === "") return undefined;
  const n = typeof value === "number" ? value : Number(value);
  if (!Number.isSafeInteger(n)) throw invalidParams(`${name} must be an integer, got ${JSON.stringify(value)}`);
  return n;
}

function requireString(params: Params, name: string): string {
  const value = params[name];
  if (typeof value !== "string") throw invalidParams(`${name} must be a string`);
  return value;
}

/** Bytes given as base64 (JSON-RPC) or 0x-prefixed hex (URI form). */
/** A bare `0x…` value of the URI form: hex, where JSON-RPC would carry base64. */
class UriHex {
  constructor(readonly hex: string) {}
}

/**
 * A bytes parameter. As CometBFT: in JSON-RPC a `[]byte` is base64 and a `HexBytes` (hexDefault)
 * hex; in the URI form a bare value is `0x`-hex. A base64 string may itself begin with "0x", so
 * the prefix means hex only in the URI form.
 */
function bytesParam(params: Params, name: string, { hexDefault = false } = {}): Uint8Array {
  const value = params[name];
  if (value === undefined || value === null || value === "") return new Uint8Array();
  if (value instanceof UriHex) {
    try {
      return fromHex(value.hex);
    } catch {
      throw invalidParams(`${name} is not hex: 0x${value.hex}`);
    }
  }
  if (typeof value !== "string") throw invalidParams(`${name} must be a string`);
  try {
    if (hexDefault) return fromHex(value.startsWith("0x") || value.startsWith("0X") ? value.slice(2) : value);
    return fromBase64(value);
  } catch {
    throw invalidParams(`${name} is not ${hexDefault ? "hex" : "base64"}: ${value}`);
  }
}

/** parseTxQuery with its problem reported as CometBFT's invalid params. */
function txQueryParam(query: string): TxSearchCondition[] {
  try {
    return parseTxQuery(query);
  } catch (error) {
    throw invalidParams((error as Error).message);
  }
}

function dispatch(node: DevnetNode, method: string, params: Params): Json | Promise<Json> {
  const ledger = node.ledger;
  const chainId = node.chainId;
  switch (method) {
    case "health":
      return {};
    case "status": {
      const latest = ledger.latest;
      const earliest = ledger.earliest;
      return {
        node_info: renderNodeInfo(nodeInfo(chainId, node.url)),
        sync_info: {
          latest_block_hash: toHex(latest.hash).toUpperCase(),
          latest_app_hash: toHex(latest.appHash).toUpperCase(),
          latest_block_height: String(latest.height),
          latest_block_time: rfc3339(latest.timeMs),
          earliest_block_hash: toHex(earliest.hash).toUpperCase(),
          earliest_app_hash: toHex(earliest.appHash).toUpperCase(),
          earliest_block_height: String(earliest.height),
          earliest_block_time: rfc3339(earliest.timeMs),
          catching_up: false,
        },
        validator_info: renderValidator(chainId, false),
      };
    }
    case "abci_info": {
      const latest = ledger.latest;
      return {
        response: {
          data: "p8e-devnet",
          version: "p8e-devnet",
          app_version: "0",
          last_block_height: String(latest.height),
          last_block_app_hash: toBase64(latest.appHash),
        },
      };
    }
    case "abci_query": {
      const path = requireString(params, "path");
      const data = bytesParam(params, "data", { hexDefault: true });
      const result = node.query(path, data);
      return {
        response: {
          code: result.code,
          log: result.log,
          info: "",
          index: "0",
          key: null,
          value: result.value.length === 0 ? null : toBase64(result.value),
          proofOps: null,
          height: String(result.height),
          codespace: result.codespace,
        },
      };
    }
    case "broadcast_tx_sync":
    case "broadcast_tx_async":
    case "broadcast_tx_commit":
      return broadcast(node, method, params);
    case "tx": {
      const hash = bytesParam(params, "hash");
      const tx = ledger.tx(hash);
      if (tx === undefined) throw internalError(`tx (${toHex(hash).toUpperCase()}) not found`);
      return renderTx(tx);
    }
    case "tx_search": {
      const conditions = txQueryParam(requireString(params, "query"));
      const perPage = Math.min(Math.max(optionalInt(params, "per_page") ?? 30, 1), 100);
      const page = Math.max(optionalInt(params, "page") ?? 1, 1);
      const descending = String(params.order_by ?? "asc").toLowerCase() === "desc";
      const { txs, total } = ledger.searchTxs(conditions, { offset: (page - 1) * perPage, limit: perPage, descending });
      if (total > 0 && (page - 1) * perPage >= total) {
        throw invalidParams(`page should be within [1, ${Math.ceil(total / perPage)}] range, given ${page}`);
      }
      return { txs: txs.map(renderTx), total_count: String(total) };
    }
    case "block":
    case "block_results":
    case "commit": {
      const height = optionalInt(params, "height") ?? ledger.latest.height;
      const block = ledger.block(height);
      if (block === undefined) {
        throw internalError(
          `height ${height} must be less than or equal to the current blockchain height ${ledger.latest.height}`,
        );
      }
      const previous = height > 1 ? ledger.block(height - 1) : undefined;
      if (method === "block") return renderBlock(chainId, block, previous, ledger.blockTxs(height));
      if (method === "commit") return renderSignedHeader(chainId, block, previous);
      return {
        height: String(height),
        txs_results: ledger.blockTxs(height).map((t) => renderTxResult(t.result)),
        finalize_block_events: [],
        validator_updates: [],
        consensus_param_updates: null,
        app_hash: toBase64(block.appHash),
      };
    }
    case "blockchain": {
      const latest = ledger.latest.height;
      const max = Math.min(optionalInt(params, "maxHeight") ?? latest, latest);
      const min = Math.max(optionalInt(params, "minHeight") ?? 1, 1, max - 19);
      if (min > max) throw internalError(`min height ${min} can't be greater than max height ${max}`);
      const metas = ledger
        .blocks(min, max, 20)
        .map((b) => renderBlockMeta(chainId, b, b.height > 1 ? ledger.block(b.height - 1) : undefined));
      return { last_height: String(latest), block_metas: metas };
    }
    case "validators":
      return {
        block_height: String(optionalInt(params, "height") ?? ledger.latest.height),
        validators: [renderValidator(chainId, true)],
        count: "1",
        total: "1",
      };
    case "genesis": {
      const genesis = ledger.genesis;
      return {
        genesis: {
          genesis_time: genesis.genesis_time,
          chain_id: chainId,
          initial_height: "1",
          consensus_params: {
            block: { max_bytes: "22020096", max_gas: "60000000" },
            evidence: { max_age_num_blocks: "100000", max_age_duration: "172800000000000", max_bytes: "1048576" },
            validator: { pub_key_types: ["ed25519"] },
            version: { app: "0" },
          },
          validators: [{ ...renderValidator(chainId, false), power: "10", name: "p8e-devnet" }],
          app_hash: "",
          app_state: { accounts: genesis.accounts },
        },
      };
    }
    case "num_unconfirmed_txs":
      return { n_txs: String(ledger.mempoolSize), total: String(ledger.mempoolSize), total_bytes: "0", txs: null };
    default:
      throw new RpcError(-32601, "Method not found", `the devnet does not serve ${method}`);
  }
}

async function broadcast(node: DevnetNode, method: string, params: Params): Promise<Json> {
  const tx = bytesParam(params, "tx");
  if (tx.length === 0) throw invalidParams("tx is empty");
  const mode = method === "broadcast_tx_commit" ? "commit" : method === "broadcast_tx_async" ? "async" : "sync";
  const hash = txHash(tx);
  if (node.ledger.inMempool(hash)) throw internalError("tx already exists in cache");
  let outcome: Awaited<ReturnType<DevnetNode["broadcastTx"]>>;
  try {
    outcome = await node.broadcastTx(tx, mode);
  } catch (error) {
    throw internalError(error instanceof Error ? error.message : String(error));
  }
  if (mode === "async") return { code: 0, data: "", log: "", codespace: "", hash: outcome.hash };
  if (mode === "sync") {
    const r = outcome.checkTx;
    return { code: r.code, data: "", log: r.log, codespace: r.codespace, hash: outcome.hash };
  }
  return {
    check_tx: renderTxResult(outcome.checkTx),
    tx_result: outcome.txResult === undefined ? {} : renderTxResult(outcome.txResult),
    hash: outcome.hash,
    height: String(outcome.height ?? 0),
  };
}

interface JsonRpcRequest {
  jsonrpc?: unknown;
  id?: unknown;
  method?: unknown;
  params?: unknown;
}

async function handleCall(node: DevnetNode, request: JsonRpcRequest): Promise<Json> {
  const id = (typeof request.id === "number" || typeof request.id === "string" ? request.id : -1) as Json;
  try {
    if (request.jsonrpc !== "2.0" || typeof request.method !== "string") {
      throw new RpcError(-32600, "Invalid Request", "expected a JSON-RPC 2.0 request with a method");
    }
    const params = request.params;
    if (Array.isArray(params) && params.length > 0) {
      throw invalidParams("positional params are not supported; pass an object");
    }
    const named = params !== null && typeof params === "object" && !Array.isArray(params) ? (params as Params) : {};
    const result = await dispatch(node, request.method, named);
    return { jsonrpc: "2.0", id, result };
  } catch (error) {
    const rpc =
      error instanceof RpcError
        ? error
        : isDevnetError(error) && error.code === "not-running"
          ? internalError(error.message)
          : internalError(error instanceof Error ? error.message : String(error));
    return {
      jsonrpc: "2.0",
      id,
      error: { code: rpc.code, message: rpc.message, ...(rpc.data === undefined ? {} : { data: rpc.data }) },
    };
  }
}

/** URI-form parameters: strings in quotes, numbers and 0x-hex bare. */
function uriParams(url: URL): Params {
  const params: Params = {};
  for (const [key, raw] of url.searchParams) {
    params[key] = /^".*"$/.test(raw) ? raw.slice(1, -1) : /^0[xX]/.test(raw) ? new UriHex(raw.slice(2)) : raw;
  }
  return params;
}

function send(response: ServerResponse, status: number, body: Json): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    "access-control-allow-origin": "*",
  });
  response.end(text);
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new RpcError(-32600, "Invalid Request", "request body too large");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

async function handle(node: DevnetNode, request: IncomingMessage, response: ServerResponse): Promise<void> {
  if (request.method === "OPTIONS") {
    response.writeHead(204, {
      "access-control-allow-origin": "*",
      "access-control-allow-methods": "GET, POST, OPTIONS",
      "access-control-allow-headers": "content-type",
    });
    response.end();
    return;
  }
  if (request.method === "GET") {
    const url = new URL(request.url ?? "/", "http://localhost");
    const method = url.pathname.replace(/^\/+/, "");
    if (method === "") {
      send(response, 200, {
        endpoints: [
          "abci_info",
          "abci_query",
          "block",
          "block_results",
          "blockchain",
          "broadcast_tx_async",
          "broadcast_tx_commit",
          "broadcast_tx_sync",
          "commit",
          "genesis",
          "health",
          "num_unconfirmed_txs",
          "status",
          "tx",
          "tx_search",
          "validators",
        ],
      });
      return;
    }
    const params = uriParams(url);
    if (method === "tx" && typeof params.hash === "string" && !params.hash.startsWith("0x"))
      params.hash = `0x${params.hash}`;
    send(response, 200, await handleCall(node, { jsonrpc: "2.0", id: -1, method, params }));
    return;
  }
  if (request.method !== "POST") {
    send(response, 405, {
      jsonrpc: "2.0",
      id: -1,
      error: { code: -32600, message: "Invalid Request", data: "use GET or POST" },
    });
    return;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readBody(request));
  } catch (error) {
    const data = error instanceof RpcError ? (error.data ?? error.message) : "the body is not JSON";
    send(response, 200, { jsonrpc: "2.0", id: -1, error: { code: -32700, message: "Parse error", data } });
    return;
  }
  if (Array.isArray(parsed)) {
    const results: Json[] = [];
    for (const call of parsed) results.push(await handleCall(node, (call ?? {}) as JsonRpcRequest));
    send(response, 200, results);
    return;
  }
  send(response, 200, await handleCall(node, (parsed ?? {}) as JsonRpcRequest));
}

/** Serves the RPC of `node` on host:port; resolves with the server and its URL. */
export function listen(node: DevnetNode, host: string, port: number): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    handle(node, request, response).catch((error: unknown) => {
      if (!response.headersSent) {
        send(response, 500, {
          jsonrpc: "2.0",
          id: -1,
          error: {
            code: -32603,
            message: "Internal error",
            data: error instanceof Error ? error.message : String(error),
          },
        });
      } else {
        response.destroy();
      }
    });
  });
  server.keepAliveTimeout = 5_000;
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      const address = server.address() as AddressInfo;
      const shownHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
      resolve({ server, url: `http://${shownHost}:${address.port}` });
    });
  });
}
