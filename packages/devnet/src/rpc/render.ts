// CometBFT 0.38 JSON shapes for the RPC results the devnet serves: what CosmJS's Comet38Client
// (and Tendermint37Client, which CosmJS uses to detect the version) decode.
import { sha256 } from "@noble/hashes/sha2.js";
import { toBase64, toHex, utf8 } from "../codec.js";
import type { AbciEvent, BlockHeader, IncludedTx, TxResult } from "../store/database.js";

/** The CometBFT version the devnet reports; CosmJS picks its Comet38 client from the "0.38." prefix. */
export const COMET_VERSION = "0.38.17";
const BLOCK_PROTOCOL = "11";

/** What CometBFT says about its node in `status` and the SDK's GetNodeInfo (p2p.DefaultNodeInfo). */
export interface NodeInfo {
  readonly protocolVersion: { readonly p2p: string; readonly block: string; readonly app: string };
  readonly id: string;
  readonly listenAddr: string;
  readonly network: string;
  readonly version: string;
  /** The p2p channel ids, as hex. */
  readonly channels: string;
  readonly moniker: string;
  readonly other: { readonly txIndex: string; readonly rpcAddress: string };
}

/** The devnet's node info: one node of `chainId` whose RPC is at `url`. */
export function nodeInfo(chainId: string, url: string): NodeInfo {
  return {
    protocolVersion: { p2p: "8", block: BLOCK_PROTOCOL, app: "0" },
    id: validatorIdentity(chainId).nodeId,
    listenAddr: "tcp://0.0.0.0:26656",
    network: chainId,
    version: COMET_VERSION,
    channels: "40202122233038606100",
    moniker: "p8e-devnet",
    other: { txIndex: "on", rpcAddress: url.replace(/^http/, "tcp") },
  };
}

/** A JSON value. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const upperHex = (bytes: Uint8Array): string => toHex(bytes).toUpperCase();

/** RFC 3339 with nanoseconds, as CometBFT prints times. */
export function rfc3339(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, -1)}000000Z`;
}

/** The single validator's fixed identity, derived from the chain id. */
export function validatorIdentity(chainId: string): { address: string; pubKey: string; nodeId: string } {
  const pub = sha256(utf8(`p8e-devnet validator ${chainId}`));
  return {
    address: upperHex(sha256(pub).subarray(0, 20)),
    pubKey: toBase64(pub),
    nodeId: toHex(sha256(utf8(`p8e-devnet node ${chainId}`)).subarray(0, 20)),
  };
}

/** ABCI events in CometBFT JSON (attribute keys and values as strings). */
export function renderEvents(events: readonly AbciEvent[]): Json {
  return events.map((e) => ({
    type: e.type,
    attributes: e.attributes.map((a) => ({ key: a.key, value: a.value, index: a.index })),
  }));
}

/** An ExecTxResult / ResponseCheckTx. */
export function renderTxResult(result: TxResult): { [key: string]: Json } {
  return {
    code: result.code,
    data: result.data.length === 0 ? null : toBase64(result.data),
    log: result.log,
    info: "",
    gas_wanted: result.gasWanted.toString(),
    gas_used: result.gasUsed.toString(),
    events: renderEvents(result.events),
    codespace: result.codespace,
  };
}

/** A tx result as the `tx` and `tx_search` methods return it. */
export function renderTx(tx: IncludedTx): Json {
  return {
    hash: upperHex(tx.hash),
    height: String(tx.height),
    index: tx.index,
    tx_result: renderTxResult(tx.result),
    tx: toBase64(tx.tx),
  };
}

function blockId(block: BlockHeader | undefined): { [key: string]: Json } {
  if (block === undefined) return { hash: "", parts: { total: 0, hash: "" } };
  return { hash: upperHex(block.hash), parts: { total: 1, hash: upperHex(sha256(block.hash)) } };
}

/** A block header in CometBFT JSON. */
export function renderHeader(chainId: string, block: BlockHeader, previous: BlockHeader | undefined): Json {
  const validator = validatorIdentity(chainId);
  const validatorsHash = upperHex(sha256(utf8(validator.pubKey)));
  return {
    version: { block: BLOCK_PROTOCOL, app: "0" },
    chain_id: chainId,
    height: String(block.height),
    time: rfc3339(block.timeMs),
    last_block_id: blockId(previous),
    last_commit_hash: upperHex(sha256(block.lastBlockHash)),
    data_hash: upperHex(block.dataHash),
    validators_hash: validatorsHash,
    next_validators_hash: validatorsHash,
    consensus_hash: upperHex(sha256(utf8(`consensus ${chainId}`))),
    app_hash: upperHex(block.appHash),
    last_results_hash: upperHex(block.lastResultsHash),
    evidence_hash: upperHex(sha256(new Uint8Array())),
    proposer_address: validator.address,
  };
}

function renderCommit(chainId: string, block: BlockHeader): Json {
  return {
    height: String(block.height),
    round: 0,
    block_id: blockId(block),
    signatures: [
      {
        block_id_flag: 2,
        validator_address: validatorIdentity(chainId).address,
        timestamp: rfc3339(block.timeMs),
        signature: toBase64(sha256(block.hash)),
      },
    ],
  };
}

/** A `block` result: block id and block with header, txs and last commit. */
export function renderBlock(
  chainId: string,
  block: BlockHeader,
  previous: BlockHeader | undefined,
  txs: readonly IncludedTx[],
): Json {
  return {
    block_id: blockId(block),
    block: {
      header: renderHeader(chainId, block, previous),
      data: { txs: txs.map((t) => toBase64(t.tx)) },
      evidence: { evidence: [] },
      last_commit:
        previous === undefined
          ? { height: "0", round: 0, block_id: blockId(undefined), signatures: [] }
          : renderCommit(chainId, previous),
    },
  };
}

/** A block meta as `blockchain` lists it. */
export function renderBlockMeta(chainId: string, block: BlockHeader, previous: BlockHeader | undefined): Json {
  return {
    block_id: blockId(block),
    block_size: String(block.size),
    header: renderHeader(chainId, block, previous),
    num_txs: String(block.numTxs),
  };
}

/** A `commit` result. */
export function renderSignedHeader(chainId: string, block: BlockHeader, previous: BlockHeader | undefined): Json {
  return {
    signed_header: { header: renderHeader(chainId, block, previous), commit: renderCommit(chainId, block) },
    canonical: true,
  };
}

/** The single validator, as `status`, `validators` and `genesis` show it. */
export function renderValidator(chainId: string, withPriority: boolean): { [key: string]: Json } {
  const validator = validatorIdentity(chainId);
  return {
    address: validator.address,
    pub_key: { type: "tendermint/PubKeyEd25519", value: validator.pubKey },
    voting_power: "10",
    ...(withPriority ? { proposer_priority: "0" } : {}),
  };
}

/** Node info as `status` renders it. */
export function renderNodeInfo(info: NodeInfo): Json {
  return {
    protocol_version: { ...info.protocolVersion },
    id: info.id,
    listen_addr: info.listenAddr,
    network: info.network,
    version: info.version,
    channels: info.channels,
    moniker: info.moniker,
    other: { tx_index: info.other.txIndex, rpc_address: info.other.rpcAddress },
  };
}
