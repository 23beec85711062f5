// history(): every version of a scope's records, read from the chain's transactions (CometBFT tx
// search by the metadata module's record events), so it works against a Provenance node as
// against the devnet.
import { fromBinary } from "@bufbuild/protobuf";
import { connectComet } from "@cosmjs/tendermint-rpc";
import { MetadataAddress } from "@p8e/spec-model";
import { MsgWriteRecordRequestSchema } from "@p8e/spec-model/metadata";
import { TxBody, TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { EngineError } from "../errors.js";

/** One version of a record: the transaction that wrote it and what it holds. */
export interface RecordVersion {
  readonly name: string;
  /** The session that wrote this version. */
  readonly session: string;
  readonly height: number;
  /** Upper-case hex hash of the transaction. */
  readonly txHash: string;
  /** The contract function that produced it (`process.method`). */
  readonly function: string;
  /** The bundle hash of the contract (`process.hash`). */
  readonly bundleHash: string;
  readonly typeName: string;
  /** Base64 SHA-256 of each output. */
  readonly outputHashes: readonly string[];
}

/** Options of history(). */
export interface HistoryOptions {
  /** Only this record's versions. */
  readonly recordName?: string;
}

const writeRecordUrl = `/${MsgWriteRecordRequestSchema.typeName}`;

export async function recordHistory(rpcUrl: string, scope: string, options: HistoryOptions): Promise<RecordVersion[]> {
  let scopeAddress: MetadataAddress;
  try {
    scopeAddress = MetadataAddress.fromBech32(scope);
  } catch (cause) {
    throw new EngineError("invalid-argument", `${scope} is not a scope address`, { cause });
  }
  if (scopeAddress.kind !== "scope")
    throw new EngineError("invalid-argument", `${scope} is a ${scopeAddress.kind} address, not a scope`);
  const address = scopeAddress.toString();
  let client: Awaited<ReturnType<typeof connectComet>>;
  try {
    client = await connectComet(rpcUrl);
  } catch (cause) {
    throw new EngineError("chain-failed", `connecting to ${rpcUrl}: ${String(cause)}`, { cause });
  }
  try {
    const found = new Map<string, { height: number; tx: Uint8Array; hash: string }>();
    for (const event of ["EventRecordCreated", "EventRecordUpdated"]) {
      const query = `provenance.metadata.v1.${event}.scope_addr CONTAINS '${address}'`;
      const result = await client.txSearchAll({ query });
      for (const tx of result.txs) {
        if (tx.result.code !== 0) continue;
        const hash = Buffer.from(tx.hash).toString("hex").toUpperCase();
        found.set(hash, { height: tx.height, tx: tx.tx, hash });
      }
    }
    const versions: RecordVersion[] = [];
    for (const { height, tx, hash } of [...found.values()].sort((a, b) => a.height - b.height)) {
      const body = TxBody.decode(TxRaw.decode(tx).bodyBytes);
      for (const message of body.messages) {
        if (message.typeUrl !== writeRecordUrl) continue;
        const record = fromBinary(MsgWriteRecordRequestSchema, message.value).record;
        if (record === undefined || record.sessionId.length !== 33) continue;
        const session = MetadataAddress.fromBytes(record.sessionId);
        if (session.asScopeAddress().toString() !== address) continue;
        if (options.recordName !== undefined && record.name !== options.recordName) continue;
        versions.push({
          name: record.name,
          session: session.toString(),
          height,
          txHash: hash,
          function: record.process?.method ?? "",
          bundleHash: record.process?.processId.case === "hash" ? record.process.processId.value : "",
          typeName: record.process?.name ?? "",
          outputHashes: record.outputs.map((o) => o.hash),
        });
      }
    }
    return versions;
  } catch (cause) {
    if (cause instanceof EngineError) throw cause;
    throw new EngineError("chain-failed", `searching the transactions of ${address}: ${String(cause)}`, { cause });
  } finally {
    client.disconnect();
  }
}
