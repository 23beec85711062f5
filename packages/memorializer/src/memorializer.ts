import { equals } from "@bufbuild/protobuf";
import { sha256 } from "@cosmjs/crypto";
import { fromBase64, toHex } from "@cosmjs/encoding";
import {
  type EncodeObject,
  makeAuthInfoBytes,
  makeSignDoc,
  type OfflineDirectSigner,
  type Registry,
} from "@cosmjs/proto-signing";
import {
  Comet1Client,
  Comet38Client,
  type CometClient,
  connectComet,
  HttpClient,
  Tendermint37Client,
} from "@cosmjs/tendermint-rpc";
import { type Envelope, MetadataAddress, normalizeRecordName } from "@p8e/spec-model";
import {
  type Record as ChainRecord,
  type ContractSpecification,
  RecordSchema,
  type RecordSpecification,
  type Scope,
  type ScopeSpecification,
} from "@p8e/spec-model/metadata";
import { PubKey } from "cosmjs-types/cosmos/crypto/secp256k1/keys";
import { SignMode } from "cosmjs-types/cosmos/tx/signing/v1beta1/signing";
import { AuthInfo, Fee, Tx, TxBody, TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { ChainQueries } from "./chain-queries.js";
import {
  type EnvelopeAddresses,
  type EnvelopeToMsgsOptions,
  type ExistingRecordInputSource,
  envelopeAddresses,
  envelopeToMsgs,
} from "./envelope-to-msgs.js";
import { MemorializerError } from "./errors.js";
import {
  calculateTxFeesPath,
  encodeCalculateTxFeesRequest,
  encodeSimulateRequest,
  type FeeStrategy,
  feeFromCalculateTxFees,
  feeFromSimulation,
  simulatePath,
  type TxFee,
} from "./fees.js";
import type { MetadataMsg } from "./metadata-msg.js";
import { createRegistry } from "./registry.js";
import { type ChainSpecifications, specPublishingMsgs } from "./spec-publishing-msgs.js";
import { expectedSequence, isSequenceMismatch, txFailure } from "./tx-failure.js";
import { metadataTypeUrls } from "./type-urls.js";
import { type ProvenanceNetwork, signerFromMnemonic } from "./wallet.js";

/** Options of createMemorializer(). */
export interface MemorializerOptions {
  /** CometBFT RPC endpoint of a Provenance node or a devnet, e.g. `http://127.0.0.1:26657`. */
  readonly rpcUrl: string;
  /** The signing wallet. Give this or `mnemonic`. */
  readonly wallet?: OfflineDirectSigner;
  /** A BIP-39 mnemonic to derive the wallet from, on `network`. Give this or `wallet`. */
  readonly mnemonic?: string;
  /** The network of `mnemonic`: "testnet" (the default; `tp`, coin type 1) or "mainnet" (`pb`, 505). */
  readonly network?: ProvenanceNetwork;
  /** The chain id to sign for; read from the node's status when left out. */
  readonly chainId?: string;
  /** The most Msgs one transaction carries; 25 unless told (upstream p8e's batch size). */
  readonly batchSize?: number;
  /** How each transaction's fee is found; "simulate" unless told. */
  readonly fee?: FeeStrategy;
  /** Factor applied to the simulated gas; 1.25 unless told. */
  readonly gasAdjustment?: number;
  /** How long to wait for a broadcast transaction to appear in a block; 60 s unless told. */
  readonly inclusionTimeoutMs?: number;
  /** The longest pause between two looks for a pending transaction; 500 ms unless told. */
  readonly pollIntervalMs?: number;
  /** How long one RPC request (over HTTP) may take before it fails; 30 s unless told. */
  readonly requestTimeoutMs?: number;
  /** How often a transaction is re-signed after an account sequence mismatch; 3 unless told. */
  readonly maxSequenceRetries?: number;
  /** Memo put on every transaction. */
  readonly memo?: string;
  /** How inputs that are existing records are sent when the chain's record specification does not decide. */
  readonly existingRecordInputs?: ExistingRecordInputSource;
  /** How envelope signatures are checked before memorializing; "verify" unless told (see envelopeToMsgs). */
  readonly signatureCheck?: EnvelopeToMsgsOptions["signatureCheck"];
}

/** A transaction the chain included. */
export interface IncludedTx {
  /** Upper-case hex SHA-256 of the transaction bytes, as CometBFT names it. */
  readonly hash: string;
  /** The block height that included it. */
  readonly height: number;
  /** Type URLs of its Msgs, in order. */
  readonly msgTypes: readonly string[];
  /** The fee it paid. */
  readonly fee: TxFee;
  /** The gas it used. */
  readonly gasUsed: bigint;
}

/** What happened to one envelope of a memorialize() call. */
export interface EnvelopeOutcome {
  /**
   * "memorialized": its Msgs are on chain; "already-memorialized": its session and records were
   * already there, nothing was sent; "failed": see `error`.
   */
  readonly status: "memorialized" | "already-memorialized" | "failed";
  /** Its scope address, when the envelope names a valid one. */
  readonly scope?: string;
  /** Its session address, when the envelope names a valid one. */
  readonly session?: string;
  /** Type URLs of the Msgs sent (or that would have been sent) for it, in order. */
  readonly msgTypes: readonly string[];
  /** The transactions that carried its Msgs. */
  readonly txHashes: readonly string[];
  /** Why it failed; for "already-memorialized", an error with that code saying what was found. */
  readonly error?: MemorializerError;
}

/** The result of memorialize(): one outcome per envelope, in input order, and the transactions sent. */
export interface MemorializeResult {
  readonly outcomes: readonly EnvelopeOutcome[];
  readonly transactions: readonly IncludedTx[];
}

/** The result of publishSpecifications(): the Msgs that were missing and the transactions that carried them. */
export interface PublishResult {
  readonly msgs: readonly MetadataMsg[];
  readonly transactions: readonly IncludedTx[];
}

/** Signs and broadcasts metadata Msgs for one account, and queries the chain. */
export interface Memorializer {
  /** The signing account's address. */
  readonly address: string;
  /** The chain id transactions are signed for. */
  readonly chainId: string;
  /** The Registry used to encode Msgs: the Cosmos defaults plus every metadata Msg. */
  readonly registry: Registry;
  /** ABCI queries over the same connection: scopes, sessions, records, specifications, accounts, balances. */
  readonly query: ChainQueries;
  /**
   * Memorializes signed envelopes: builds their Msgs against what the chain already holds, packs
   * them into transactions of at most `batchSize` Msgs, and waits for each to be included. An
   * envelope whose Msg the chain refuses is reported as failed and the others are retried without
   * it; an envelope whose session and records are already on chain is reported, not resent.
   * Never throws for a single envelope's failure; look at each outcome.
   * @throws {MemorializerError} code "query-failed" when the chain's state cannot be read first.
   */
  memorialize(envelopes: readonly Envelope[]): Promise<MemorializeResult>;
  /**
   * Publishes the specifications the chain does not have yet (contract, record and scope
   * specifications, and contract-to-scope links), in transactions of at most `batchSize` Msgs.
   * @throws {MemorializerError} when a transaction fails.
   */
  publishSpecifications(specifications: ChainSpecifications): Promise<PublishResult>;
  /**
   * Signs and broadcasts any Msgs (authz grants, bank sends, metadata Msgs) in one transaction and
   * waits for it to be included.
   * @throws {MemorializerError} when the chain refuses it or it is not included in time.
   */
  submit(msgs: readonly EncodeObject[], options?: { readonly memo?: string }): Promise<IncludedTx>;
  /** Closes the RPC connection. */
  close(): void;
}

interface ScopeState {
  scope: Scope | null;
  sessions: Set<string>;
  records: Map<string, ChainRecord>;
}

interface PlannedEnvelope {
  readonly index: number;
  readonly msgs: MetadataMsg[];
}

interface MutableOutcome {
  status: EnvelopeOutcome["status"];
  scope?: string;
  session?: string;
  msgTypes: string[];
  txHashes: string[];
  error?: MemorializerError;
}

function positiveInteger(value: number | undefined, fallback: number, name: string): number {
  const result = value ?? fallback;
  if (!Number.isInteger(result) || result < 1) {
    throw new MemorializerError("invalid-argument", `${name} must be a positive integer, got ${value}`);
  }
  return result;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// How many queries memorialize() keeps in flight while it reads the chain's state.
const queryConcurrency = 8;

/** Runs `task` over `items` with at most `limit` running at once; rejects with the first failure. */
async function inParallel<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await task(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * Connects to a Provenance node (or devnet) and returns a Memorializer signing with the given
 * wallet or mnemonic.
 * @throws {MemorializerError} code "invalid-argument" for bad options, "broadcast-failed" when the node cannot be reached.
 */
export async function createMemorializer(options: MemorializerOptions): Promise<Memorializer> {
  const batchSize = positiveInteger(options.batchSize, 25, "batchSize");
  const maxSequenceRetries = options.maxSequenceRetries ?? 3;
  if (!Number.isInteger(maxSequenceRetries) || maxSequenceRetries < 0) {
    throw new MemorializerError(
      "invalid-argument",
      `maxSequenceRetries must be a non-negative integer, got ${maxSequenceRetries}`,
    );
  }
  const gasAdjustment = options.gasAdjustment ?? 1.25;
  if (!(gasAdjustment >= 1))
    throw new MemorializerError("invalid-argument", `gasAdjustment must be ≥ 1, got ${gasAdjustment}`);
  if ((options.wallet === undefined) === (options.mnemonic === undefined)) {
    throw new MemorializerError("invalid-argument", "give exactly one of wallet and mnemonic");
  }
  const wallet =
    options.wallet ?? (await signerFromMnemonic(options.mnemonic ?? "", { network: options.network ?? "testnet" }));
  const [account] = await wallet.getAccounts();
  if (account === undefined) throw new MemorializerError("invalid-argument", "the wallet has no account");
  if (account.algo !== "secp256k1") {
    throw new MemorializerError("invalid-argument", `the wallet's key is ${account.algo}; Provenance needs secp256k1`);
  }

  let comet: CometClient;
  try {
    comet = await connect(options.rpcUrl, options.requestTimeoutMs ?? 30_000);
  } catch (cause) {
    throw new MemorializerError("broadcast-failed", `cannot reach the CometBFT RPC at ${options.rpcUrl}`, { cause });
  }
  try {
    const chainId = options.chainId ?? (await comet.status()).nodeInfo.network;
    return new CosmosMemorializer(comet, wallet, account.address, account.pubkey, chainId, {
      batchSize,
      maxSequenceRetries,
      gasAdjustment,
      fee: options.fee ?? "simulate",
      inclusionTimeoutMs: options.inclusionTimeoutMs ?? 60_000,
      pollIntervalMs: options.pollIntervalMs ?? 500,
      memo: options.memo ?? "",
      existingRecordInputs: options.existingRecordInputs ?? "record-id",
      signatureCheck: options.signatureCheck ?? "verify",
    });
  } catch (cause) {
    comet.disconnect();
    throw MemorializerError.from(cause, "broadcast-failed");
  }
}

/**
 * A CometBFT client for the node's version (0.37, 0.38 or 1.x, as connectComet picks), whose HTTP
 * requests time out; other URL schemes (WebSocket) go through connectComet as they are.
 */
async function connect(url: string, timeoutMs: number): Promise<CometClient> {
  if (!/^https?:\/\//i.test(url)) return connectComet(url);
  const version = (await Tendermint37Client.create(new HttpClient(url, timeoutMs)).status()).nodeInfo.version;
  if (version.startsWith("0.38.")) return Comet38Client.create(new HttpClient(url, timeoutMs));
  if (version.startsWith("1.")) return Comet1Client.create(new HttpClient(url, timeoutMs));
  return Tendermint37Client.create(new HttpClient(url, timeoutMs));
}

interface Settings {
  readonly batchSize: number;
  readonly maxSequenceRetries: number;
  readonly gasAdjustment: number;
  readonly fee: FeeStrategy;
  readonly inclusionTimeoutMs: number;
  readonly pollIntervalMs: number;
  readonly memo: string;
  readonly existingRecordInputs: ExistingRecordInputSource;
  readonly signatureCheck: NonNullable<EnvelopeToMsgsOptions["signatureCheck"]>;
}

class CosmosMemorializer implements Memorializer {
  readonly registry: Registry = createRegistry();
  readonly #recordSpecCache = new Map<string, readonly RecordSpecification[]>();
  readonly query: ChainQueries;
  readonly #comet: CometClient;
  readonly #wallet: OfflineDirectSigner;
  readonly #pubkeyAny: { typeUrl: string; value: Uint8Array };
  readonly #settings: Settings;
  // Account number and next sequence, read once and then tracked locally.
  #signerState: { accountNumber: bigint; sequence: bigint } | undefined;
  // Serialises everything that uses the account sequence.
  #queue: Promise<unknown> = Promise.resolve();

  constructor(
    comet: CometClient,
    wallet: OfflineDirectSigner,
    readonly address: string,
    pubkey: Uint8Array,
    readonly chainId: string,
    settings: Settings,
  ) {
    this.#comet = comet;
    this.#wallet = wallet;
    this.#settings = settings;
    this.query = new ChainQueries(comet);
    this.#pubkeyAny = {
      typeUrl: "/cosmos.crypto.secp256k1.PubKey",
      value: PubKey.encode(PubKey.fromPartial({ key: pubkey })).finish(),
    };
  }

  close(): void {
    this.#comet.disconnect();
  }

  #exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task, task);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  submit(msgs: readonly EncodeObject[], options: { readonly memo?: string } = {}): Promise<IncludedTx> {
    if (msgs.length === 0)
      return Promise.reject(new MemorializerError("invalid-argument", "submit() needs at least one Msg"));
    return this.#exclusive(() => this.#sendTx(msgs, options.memo ?? this.#settings.memo));
  }

  publishSpecifications(specifications: ChainSpecifications): Promise<PublishResult> {
    return this.#exclusive(async () => {
      let existing: ChainSpecifications;
      try {
        existing = await this.#existingSpecifications(specifications);
      } catch (cause) {
        // A malformed id surfaces here as a SpecModelError; query failures are already ours.
        throw MemorializerError.from(cause, "invalid-argument");
      }
      const msgs = specPublishingMsgs(specifications, existing, { signer: this.address });
      const transactions: IncludedTx[] = [];
      for (let start = 0; start < msgs.length; start += this.#settings.batchSize) {
        transactions.push(await this.#sendTx(msgs.slice(start, start + this.#settings.batchSize), this.#settings.memo));
      }
      return { msgs, transactions };
    });
  }

  async #existingSpecifications(wanted: ChainSpecifications): Promise<ChainSpecifications> {
    const contractIds = new Map<string, MetadataAddress>();
    for (const spec of wanted.contractSpecifications ?? []) {
      const id = MetadataAddress.fromBytes(spec.specificationId);
      contractIds.set(id.toString(), id);
    }
    for (const spec of wanted.recordSpecifications ?? []) {
      const id = MetadataAddress.fromBytes(spec.specificationId).asContractSpecAddress();
      contractIds.set(id.toString(), id);
    }
    const scopeIds = new Map<string, MetadataAddress>();
    for (const spec of wanted.scopeSpecifications ?? []) {
      const id = MetadataAddress.fromBytes(spec.specificationId);
      scopeIds.set(id.toString(), id);
    }
    for (const link of wanted.links ?? []) {
      const given = link.scopeSpecificationId;
      const id = given instanceof MetadataAddress ? given : MetadataAddress.from(given);
      scopeIds.set(id.toString(), id);
    }
    const contractSpecifications: ContractSpecification[] = [];
    const recordSpecifications: RecordSpecification[] = [];
    for (const id of contractIds.values()) {
      const found = await this.query.contractSpecification(id);
      if (found === undefined) continue;
      contractSpecifications.push(found.specification);
      recordSpecifications.push(...found.recordSpecifications);
    }
    const scopeSpecifications: ScopeSpecification[] = [];
    for (const id of scopeIds.values()) {
      const found = await this.query.scopeSpecification(id);
      if (found !== undefined) scopeSpecifications.push(found);
    }
    return { contractSpecifications, recordSpecifications, scopeSpecifications };
  }

  memorialize(envelopes: readonly Envelope[]): Promise<MemorializeResult> {
    return this.#exclusive(() => this.#memorialize(envelopes));
  }

  async #memorialize(envelopes: readonly Envelope[]): Promise<MemorializeResult> {
    const outcomes: MutableOutcome[] = envelopes.map(() => ({ status: "failed", msgTypes: [], txHashes: [] }));
    const addresses: (EnvelopeAddresses | undefined)[] = envelopes.map((envelope, index) => {
      try {
        const found = envelopeAddresses(envelope);
        const outcome = outcomes[index]!;
        outcome.scope = found.scope.toString();
        outcome.session = found.session.toString();
        return found;
      } catch (cause) {
        outcomes[index]!.error = MemorializerError.from(cause, "invalid-envelope");
        return undefined;
      }
    });

    // What the chain holds now for every scope and contract specification involved, asked a few
    // at a time so that round trips overlap.
    const scopeIds = new Map<string, MetadataAddress>();
    const specIds = new Map<string, MetadataAddress>();
    for (const found of addresses) {
      if (found === undefined) continue;
      scopeIds.set(found.scope.toString(), found.scope);
      specIds.set(found.contractSpecification.toString(), found.contractSpecification);
    }
    const scopes = new Map<string, ScopeState>();
    const recordSpecs = new Map<string, readonly RecordSpecification[]>();
    await Promise.all([
      inParallel([...scopeIds], queryConcurrency, async ([key, id]) => {
        const view = await this.query.scope(id);
        scopes.set(key, {
          scope: view?.scope ?? null,
          sessions: new Set((view?.sessions ?? []).map((s) => MetadataAddress.fromBytes(s.sessionId).toString())),
          records: new Map((view?.records ?? []).map((r) => [normalizeRecordName(r.name), r])),
        });
      }),
      inParallel([...specIds], queryConcurrency, async ([key, id]) => {
        recordSpecs.set(key, await this.#recordSpecifications(id));
      }),
    ]);

    const planned: PlannedEnvelope[] = [];
    envelopes.forEach((envelope, index) => {
      const found = addresses[index];
      const outcome = outcomes[index]!;
      if (found === undefined) return;
      const state = scopes.get(found.scope.toString())!;
      const sessionKey = found.session.toString();
      const sessionExists = state.sessions.has(sessionKey);
      let msgs: MetadataMsg[];
      try {
        msgs = envelopeToMsgs(envelope, {
          signer: this.address,
          scope: state.scope,
          sessionExists,
          recordSpecifications: recordSpecs.get(found.contractSpecification.toString()) ?? [],
          existingRecordInputs: this.#settings.existingRecordInputs,
          signatureCheck: this.#settings.signatureCheck,
        });
      } catch (cause) {
        outcome.error = MemorializerError.from(cause, "invalid-envelope");
        return;
      }
      // Records the chain already holds exactly as this envelope would write them are not resent.
      const fresh = msgs.filter((msg) => {
        if (msg.typeUrl !== metadataTypeUrls.writeRecord || msg.value.record === undefined) return true;
        const onChain = state.records.get(normalizeRecordName(msg.value.record.name));
        return onChain === undefined || !sameRecord(onChain, msg.value.record);
      });
      outcome.msgTypes = fresh.map((m) => m.typeUrl);
      if (sessionExists && fresh.length === 0) {
        outcome.status = "already-memorialized";
        outcome.error = new MemorializerError(
          "already-memorialized",
          `session ${sessionKey} and its ${msgs.length} record(s) are already on chain; nothing was sent`,
        );
        return;
      }
      applyToState(state, fresh);
      planned.push({ index, msgs: fresh });
    });

    const transactions: IncludedTx[] = [];
    await this.#sendPlanned(planned, outcomes, transactions);
    return { outcomes: outcomes.map(freeze), transactions };
  }

  /**
   * The record specifications of a contract specification. Once the chain has them they are kept:
   * a contract specification's id is the hash of its spec, so its record specifications do not
   * change under it. An empty answer is asked again next time.
   */
  async #recordSpecifications(id: MetadataAddress): Promise<readonly RecordSpecification[]> {
    const key = id.toString();
    const known = this.#recordSpecCache.get(key);
    if (known !== undefined) return known;
    const found = (await this.query.contractSpecification(id))?.recordSpecifications ?? [];
    if (found.length > 0) {
      if (this.#recordSpecCache.size >= 256) this.#recordSpecCache.delete(this.#recordSpecCache.keys().next().value!);
      this.#recordSpecCache.set(key, found);
    }
    return found;
  }

  /** Packs envelopes into transactions of at most batchSize Msgs and sends them, isolating failures. */
  async #sendPlanned(planned: readonly PlannedEnvelope[], outcomes: MutableOutcome[], transactions: IncludedTx[]) {
    const batches: PlannedEnvelope[][] = [];
    let current: PlannedEnvelope[] = [];
    let size = 0;
    for (const item of planned) {
      if (item.msgs.length > this.#settings.batchSize) {
        // Larger than a transaction: its Msgs go, in order, into transactions of their own.
        if (current.length > 0) batches.push(current);
        current = [];
        size = 0;
        for (let start = 0; start < item.msgs.length; start += this.#settings.batchSize) {
          batches.push([{ index: item.index, msgs: item.msgs.slice(start, start + this.#settings.batchSize) }]);
        }
        continue;
      }
      if (size + item.msgs.length > this.#settings.batchSize) {
        batches.push(current);
        current = [];
        size = 0;
      }
      current.push(item);
      size += item.msgs.length;
    }
    if (current.length > 0) batches.push(current);

    const failed = new Set<number>();
    for (const batch of batches) {
      await this.#sendBatch(
        batch.filter((item) => !failed.has(item.index)),
        outcomes,
        transactions,
        failed,
      );
    }
    for (const item of planned) {
      const outcome = outcomes[item.index]!;
      if (!failed.has(item.index)) outcome.status = "memorialized";
    }
  }

  async #sendBatch(
    batch: readonly PlannedEnvelope[],
    outcomes: MutableOutcome[],
    transactions: IncludedTx[],
    failed: Set<number>,
  ): Promise<void> {
    let remaining = [...batch];
    while (remaining.length > 0) {
      const msgs = remaining.flatMap((item) => item.msgs);
      try {
        const included = await this.#sendTx(msgs, this.#settings.memo);
        transactions.push(included);
        for (const item of remaining) outcomes[item.index]!.txHashes.push(included.hash);
        return;
      } catch (cause) {
        const error = MemorializerError.from(cause);
        const culprit =
          error.code === "msg-failed" && error.msgIndex !== undefined ? ownerOf(remaining, error.msgIndex) : undefined;
        if (culprit !== undefined) {
          // One envelope's Msg was refused: report it, retry the others without it.
          const withinEnvelope = error.msgIndex! - offsetOf(remaining, culprit);
          markFailed(outcomes, failed, culprit.index, envelopeError(error, culprit.index, withinEnvelope));
          remaining = remaining.filter((item) => item !== culprit);
          continue;
        }
        if (
          remaining.length > 1 &&
          (error.code === "broadcast-failed" || error.code === "simulation-failed") &&
          error.chainCode !== undefined
        ) {
          // Refused as a whole without naming a Msg: try each envelope alone to find the culprit.
          for (const item of remaining) await this.#sendBatch([item], outcomes, transactions, failed);
          return;
        }
        for (const item of remaining) markFailed(outcomes, failed, item.index, error);
        return;
      }
    }
  }

  async #account(): Promise<{ accountNumber: bigint; sequence: bigint }> {
    if (this.#signerState === undefined) {
      const account = await this.query.account(this.address);
      if (account === undefined) {
        throw new MemorializerError(
          "broadcast-failed",
          `account ${this.address} does not exist on chain ${this.chainId}: fund it before memorializing`,
        );
      }
      this.#signerState = { accountNumber: BigInt(account.accountNumber), sequence: BigInt(account.sequence) };
    }
    return this.#signerState;
  }

  /** Builds, prices, signs and broadcasts one transaction, then waits for it to be included. */
  async #sendTx(msgs: readonly EncodeObject[], memo: string): Promise<IncludedTx> {
    const msgTypes = msgs.map((m) => m.typeUrl);
    let bodyBytes: Uint8Array;
    try {
      bodyBytes = this.registry.encodeTxBody({ messages: [...msgs], memo });
    } catch (cause) {
      throw new MemorializerError("invalid-argument", `cannot encode the transaction's Msgs: ${String(cause)}`, {
        cause,
      });
    }
    for (let attempt = 0; ; attempt++) {
      const { accountNumber, sequence } = await this.#account();
      let fee: TxFee;
      let txBytes: Uint8Array;
      try {
        fee = await this.#fee(msgs, bodyBytes, sequence);
        txBytes = await this.#sign(bodyBytes, fee, accountNumber, sequence);
      } catch (cause) {
        const error = MemorializerError.from(cause, "simulation-failed");
        if (this.#recoverSequence(error, attempt, accountNumber)) continue;
        throw error;
      }
      const hashBytes = sha256(txBytes);
      const hash = toHex(hashBytes).toUpperCase();
      let check: Awaited<ReturnType<CometClient["broadcastTxSync"]>>;
      try {
        check = await this.#comet.broadcastTxSync({ tx: txBytes });
      } catch (cause) {
        // The node may or may not have taken it; read the sequence afresh next time.
        this.#signerState = undefined;
        throw new MemorializerError("broadcast-failed", `broadcast_tx_sync failed: ${String(cause)}`, {
          cause,
          txHash: hash,
        });
      }
      if (check.code !== 0) {
        const error = txFailure(check, msgTypes, "check", { txHash: hash });
        if (this.#recoverSequence(error, attempt, accountNumber)) continue;
        throw error;
      }
      // Accepted into the mempool: the sequence is used, whatever the block makes of the Msgs.
      this.#signerState = { accountNumber, sequence: sequence + 1n };
      const result = await this.#waitForInclusion(hash, hashBytes);
      if (result.result.code !== 0) {
        throw txFailure(result.result, msgTypes, "deliver", { txHash: hash, height: result.height });
      }
      return { hash, height: result.height, msgTypes, fee, gasUsed: result.result.gasUsed };
    }
  }

  /**
   * For an account sequence mismatch: takes the sequence the chain expects (or forgets the tracked
   * one, so it is read again) and answers true while retries remain.
   * @throws {MemorializerError} code "sequence-mismatch" once they are used up.
   */
  #recoverSequence(error: MemorializerError, attempt: number, accountNumber: bigint): boolean {
    const failure = { code: error.chainCode ?? 0, codespace: error.codespace, log: error.log ?? error.message };
    if (error.chainCode === undefined || !isSequenceMismatch(failure)) return false;
    const expected = expectedSequence(failure.log);
    this.#signerState = expected === undefined ? undefined : { accountNumber, sequence: BigInt(expected) };
    if (attempt < this.#settings.maxSequenceRetries) return true;
    this.#signerState = undefined;
    throw new MemorializerError(
      "sequence-mismatch",
      `account sequence still mismatched after ${attempt + 1} attempts: ${error.message}`,
      { ...details(error), cause: error },
    );
  }

  async #fee(msgs: readonly EncodeObject[], bodyBytes: Uint8Array, sequence: bigint): Promise<TxFee> {
    const strategy = this.#settings.fee;
    if (typeof strategy === "function") return strategy(msgs);
    const unsigned = Tx.encode(
      Tx.fromPartial({
        body: TxBody.decode(bodyBytes),
        authInfo: AuthInfo.fromPartial({
          signerInfos: [
            { publicKey: this.#pubkeyAny, sequence, modeInfo: { single: { mode: SignMode.SIGN_MODE_DIRECT } } },
          ],
          fee: Fee.fromPartial({}),
        }),
        signatures: [new Uint8Array()],
      }),
    ).finish();
    const msgTypes = msgs.map((m) => m.typeUrl);
    if (strategy === "simulate") {
      const value = await this.#abci(simulatePath, encodeSimulateRequest(unsigned), msgTypes);
      return feeFromSimulation(value, this.#settings.gasAdjustment);
    }
    const value = await this.#abci(
      calculateTxFeesPath,
      encodeCalculateTxFeesRequest(unsigned, this.#settings.gasAdjustment),
      msgTypes,
    );
    return feeFromCalculateTxFees(value);
  }

  /** An ABCI query whose refusal is reported with the chain's code, codespace and log. */
  async #abci(path: string, data: Uint8Array, msgTypes: readonly string[]): Promise<Uint8Array> {
    let response: Awaited<ReturnType<CometClient["abciQuery"]>>;
    try {
      response = await this.#comet.abciQuery({ path, data, prove: false });
    } catch (cause) {
      throw new MemorializerError("query-failed", `query ${path} failed: ${String(cause)}`, { cause });
    }
    if ((response.code ?? 0) !== 0) {
      throw txFailure(
        { code: response.code ?? 0, codespace: response.codespace, log: response.log },
        msgTypes,
        "simulate",
      );
    }
    return response.value;
  }

  async #sign(bodyBytes: Uint8Array, fee: TxFee, accountNumber: bigint, sequence: bigint): Promise<Uint8Array> {
    const authInfoBytes = makeAuthInfoBytes(
      [{ pubkey: this.#pubkeyAny, sequence }],
      fee.amount,
      fee.gas,
      undefined,
      undefined,
      SignMode.SIGN_MODE_DIRECT,
    );
    const signDoc = makeSignDoc(bodyBytes, authInfoBytes, this.chainId, accountNumber);
    const { signed, signature } = await this.#wallet.signDirect(this.address, signDoc);
    return TxRaw.encode(
      TxRaw.fromPartial({
        bodyBytes: signed.bodyBytes,
        authInfoBytes: signed.authInfoBytes,
        signatures: [fromBase64(signature.signature)],
      }),
    ).finish();
  }

  async #waitForInclusion(hash: string, hashBytes: Uint8Array): Promise<Awaited<ReturnType<CometClient["tx"]>>> {
    const deadline = Date.now() + this.#settings.inclusionTimeoutMs;
    let pause = 10;
    let lastError: unknown;
    for (;;) {
      try {
        return await this.#comet.tx({ hash: hashBytes });
      } catch (error) {
        // Not indexed yet (CometBFT answers "tx (…) not found"); look again shortly.
        lastError = error;
      }
      if (Date.now() >= deadline) {
        this.#signerState = undefined;
        const last = lastError instanceof Error ? lastError.message : String(lastError);
        throw new MemorializerError(
          "timeout",
          `transaction ${hash} was accepted but not included within ${this.#settings.inclusionTimeoutMs} ms (last answer: ${last})`,
          { txHash: hash, cause: lastError },
        );
      }
      await sleep(Math.min(pause, Math.max(0, deadline - Date.now())));
      pause = Math.min(pause * 2, this.#settings.pollIntervalMs);
    }
  }
}

function details(error: MemorializerError) {
  return {
    ...(error.chainCode === undefined ? {} : { chainCode: error.chainCode }),
    ...(error.codespace === undefined ? {} : { codespace: error.codespace }),
    ...(error.log === undefined ? {} : { log: error.log }),
    ...(error.txHash === undefined ? {} : { txHash: error.txHash }),
  };
}

function sameRecord(onChain: ChainRecord, proposed: ChainRecord): boolean {
  // The chain fills in the record's specification id; compare everything else.
  const a = { ...onChain, specificationId: new Uint8Array() };
  const b = { ...proposed, specificationId: new Uint8Array() };
  return equals(RecordSchema, a, b);
}

function applyToState(state: ScopeState, msgs: readonly MetadataMsg[]): void {
  for (const msg of msgs) {
    switch (msg.typeUrl) {
      case metadataTypeUrls.writeScope:
        if (msg.value.scope !== undefined) state.scope = msg.value.scope;
        break;
      case metadataTypeUrls.addScopeDataAccess:
        if (state.scope !== null)
          state.scope = { ...state.scope, dataAccess: [...state.scope.dataAccess, ...msg.value.dataAccess] };
        break;
      case metadataTypeUrls.writeSession:
        if (msg.value.session !== undefined)
          state.sessions.add(MetadataAddress.fromBytes(msg.value.session.sessionId).toString());
        break;
      case metadataTypeUrls.writeRecord:
        if (msg.value.record !== undefined)
          state.records.set(normalizeRecordName(msg.value.record.name), msg.value.record);
        break;
    }
  }
}

function ownerOf(batch: readonly PlannedEnvelope[], msgIndex: number): PlannedEnvelope | undefined {
  let offset = 0;
  for (const item of batch) {
    if (msgIndex < offset + item.msgs.length) return item;
    offset += item.msgs.length;
  }
  return undefined;
}

function offsetOf(batch: readonly PlannedEnvelope[], target: PlannedEnvelope): number {
  let offset = 0;
  for (const item of batch) {
    if (item === target) return offset;
    offset += item.msgs.length;
  }
  return offset;
}

function envelopeError(error: MemorializerError, envelopeIndex: number, withinEnvelope: number): MemorializerError {
  return new MemorializerError(
    "msg-failed",
    `envelope ${envelopeIndex}: Msg ${withinEnvelope} of the envelope, ${error.message}`,
    {
      ...details(error),
      ...(error.msgIndex === undefined ? {} : { msgIndex: error.msgIndex }),
      ...(error.msgType === undefined ? {} : { msgType: error.msgType }),
      ...(error.height === undefined ? {} : { height: error.height }),
      cause: error,
    },
  );
}

function markFailed(outcomes: MutableOutcome[], failed: Set<number>, index: number, error: MemorializerError): void {
  failed.add(index);
  const outcome = outcomes[index]!;
  outcome.status = "failed";
  outcome.error ??= error;
}

function freeze(outcome: MutableOutcome): EnvelopeOutcome {
  return {
    status: outcome.status,
    ...(outcome.scope === undefined ? {} : { scope: outcome.scope }),
    ...(outcome.session === undefined ? {} : { session: outcome.session }),
    msgTypes: outcome.msgTypes,
    txHashes: outcome.txHashes,
    ...(outcome.error === undefined ? {} : { error: outcome.error }),
  };
}
