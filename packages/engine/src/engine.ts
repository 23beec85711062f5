/// <reference path="./web-types.d.ts" />
// The engine: one party's contract execution. It packages sessions, executes envelopes in the
// sandbox, signs, and reads scopes back (hydrate, history, verify).
import type { DescMessage } from "@bufbuild/protobuf";
import type { EosClient } from "@p8e/eos-client";
import type { KeyPair } from "@p8e/hashing-crypto";
import type { ChainQueries } from "@p8e/memorializer";
import type { ContractSpec, Envelope } from "@p8e/spec-model";
import { ByteBoundedCache } from "./contracts/byte-bounded-cache.js";
import { ContractStore, type StoredContract } from "./contracts/contract-store.js";
import type { EngineContext } from "./engine-context.js";
import { EngineError } from "./errors.js";
import { checkExecutable, type ExecuteOptions, executeEnvelope, storeEnvelope } from "./execution/execute.js";
import type { ExecutionResult } from "./execution/execution-result.js";
import { PartyDirectory, type PartyKeys, uniqueKeys } from "./parties.js";
import { type ContractSandbox, createSandbox, type SandboxOptions } from "./sandbox/sandbox.js";
import { type HistoryOptions, type RecordVersion, recordHistory } from "./scope/history.js";
import { type HydratedScope, hydrateScope } from "./scope/hydrate.js";
import { type VerifyReport, verifyScope } from "./scope/verify.js";
import { packageSession } from "./session/package-session.js";
import type { SessionOptions } from "./session/session-options.js";

/** Options of createEngine(). */
export interface EngineOptions {
  /** The party's object-store client; its key is the party's encryption key. */
  readonly eos: EosClient;
  /** The party's signing key pair: it signs contracts, and its address is the party's chain account. */
  readonly signingKey: KeyPair;
  /** Chain queries (a memorializer's `query`): existing scopes for packaging, hydrate and verify. */
  readonly chain?: ChainQueries;
  /** CometBFT RPC URL of the chain, for history() (transaction search). */
  readonly rpcUrl?: string;
  /** Other parties' keys, found by address when a scope's owners or data access must be read for. */
  readonly directory?: readonly PartyKeys[];
  /** The contract sandbox, or options for the default one (limits, threads). */
  readonly sandbox?: ContractSandbox | SandboxOptions;
  /** Bytes of bundles (and specs) kept in memory, by hash; 64 MiB unless told. */
  readonly cacheBytes?: number;
  /** Main-net addresses (`pb`) instead of test-net (`tp`). */
  readonly mainNet?: boolean;
  /** The clock for start times and expiry; the system clock unless told. */
  readonly now?: () => Date;
}

/** One party's contract engine. */
export interface Engine {
  /** The party's public keys. */
  readonly keys: PartyKeys;
  /** The party's chain account (the address of its signing key). */
  readonly address: string;
  /** The account address of a public key, on this engine's network. */
  addressOf(publicKey: Uint8Array): string;
  /** A known party's keys by the address of either key (this party's and the directory's). */
  partyKeys(address: string): PartyKeys | undefined;
  /** Adds other parties' keys to the directory, e.g. peers found while running; known keys keep their entry. */
  addParties(parties: readonly PartyKeys[]): void;
  /** The sandbox contracts run in; its `runtimeHash` is reported with every execution. */
  readonly sandbox: ContractSandbox;
  /**
   * Stores a contract's bundle and spec in the object store, for `audience` besides this party,
   * so that every party can load both by hash.
   */
  storeContract(
    bundle: { readonly code: Uint8Array },
    spec: ContractSpec,
    options?: { readonly audience?: readonly Uint8Array[] },
  ): Promise<StoredContract>;
  /** Packages a session into the pre-execution envelope, storing its inputs for the audience. */
  package(session: SessionOptions): Promise<Envelope>;
  /**
   * Checks that an envelope could be executed here (its parts, spec and bundle by hash, the
   * contract against its spec) without running it; throws what execute() would.
   */
  check(envelope: Envelope): Promise<void>;
  /** Executes an envelope: runs the contract in the sandbox, stores the outputs, signs. */
  execute(envelope: Envelope, options?: ExecuteOptions): Promise<ExecutionResult>;
  /** Packages and executes a session. */
  run(session: SessionOptions): Promise<ExecutionResult>;
  /** Stores a signed envelope (e.g. one completed by others' signatures); answers its hash. */
  storeEnvelope(envelope: Envelope): Promise<string>;
  /** A scope's current records, decoded with the schemas given. */
  hydrate(scope: string, options?: { readonly schemas?: readonly DescMessage[] }): Promise<HydratedScope>;
  /** Every version of a scope's records, from the chain's transactions. */
  history(scope: string, options?: HistoryOptions): Promise<RecordVersion[]>;
  /** Re-verifies every session of a scope: signatures, spec and bundle by hash, re-execution, output hashes. */
  verify(scope: string): Promise<VerifyReport>;
  /** Stops the sandbox's threads. */
  close(): void;
}

/** Creates a party's engine. */
export function createEngine(options: EngineOptions): Engine {
  const cacheBytes = options.cacheBytes ?? 64 * 1024 * 1024;
  if (!Number.isSafeInteger(cacheBytes) || cacheBytes < 0) {
    throw new EngineError("invalid-argument", `cacheBytes must be a non-negative integer, got ${cacheBytes}`);
  }
  const mainNet = options.mainNet ?? false;
  const addressPrefix = mainNet ? "pb" : "tp";
  const sandbox =
    options.sandbox !== undefined && "run" in options.sandbox
      ? options.sandbox
      : createSandbox((options.sandbox as SandboxOptions | undefined) ?? {});
  const ownsSandbox = sandbox !== options.sandbox;
  const keys: PartyKeys = { signing: options.signingKey.publicKey, encryption: options.eos.publicKey };
  const directory = new PartyDirectory([keys, ...(options.directory ?? [])], addressPrefix);
  const ctx: EngineContext = {
    eos: options.eos,
    contracts: new ContractStore(options.eos, cacheBytes),
    sandbox,
    signing: options.signingKey,
    encryption: options.eos.publicKey,
    directory,
    chain: options.chain,
    mainNet,
    addressPrefix,
    now: options.now ?? (() => new Date()),
    checkedSpecs: new Set(),
    objects: new ByteBoundedCache(Math.floor(cacheBytes / 4)),
  };

  const engine: Engine = {
    keys,
    address: directory.address(keys.signing),
    addressOf: (publicKey) => directory.address(publicKey),
    partyKeys: (address) => directory.get(address),
    addParties(parties) {
      for (const party of parties) directory.add(party);
    },
    sandbox,
    storeContract(bundle, spec, { audience = [] } = {}) {
      return ctx.contracts.putContract(bundle.code, spec, uniqueKeys(audience, ctx.encryption));
    },
    async package(session) {
      return (await packageSession(ctx, session)).envelope;
    },
    check(envelope) {
      return checkExecutable(ctx, envelope);
    },
    execute(envelope, executeOptions) {
      return executeEnvelope(ctx, envelope, "execute", executeOptions);
    },
    async run(session) {
      return executeEnvelope(ctx, (await packageSession(ctx, session)).envelope);
    },
    storeEnvelope(envelope) {
      return storeEnvelope(ctx, envelope);
    },
    hydrate(scope, hydrateOptions = {}) {
      return hydrateScope(ctx, scope, hydrateOptions.schemas ?? []);
    },
    history(scope, historyOptions = {}) {
      if (options.rpcUrl === undefined) {
        return Promise.reject(
          new EngineError("invalid-argument", "history() needs the chain's RPC URL (engine option `rpcUrl`)"),
        );
      }
      return recordHistory(options.rpcUrl, scope, historyOptions);
    },
    verify(scope) {
      return verifyScope(ctx, scope);
    },
    close() {
      if (ownsSandbox) sandbox.close();
    },
  };
  return engine;
}
