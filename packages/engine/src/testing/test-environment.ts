// createTestEnvironment(): a real P8e environment for contract tests in one process — an object
// store on loopback with a temporary data folder, the devnet in instant mode, and for each party
// its keys, an engine and a memorializer.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ContractClass, dehydrate, PartyType, type ScopeSpecificationClass } from "@p8e/contract-annotations";
import {
  contractSpecification,
  recordSpecifications,
  scopeSpecification,
  scopeSpecificationLinks,
} from "@p8e/contract-annotations/chain";
import { createDevnet, DEV_ACCOUNT_BALANCE, type Devnet } from "@p8e/devnet";
import { createEosClient, type EosClient } from "@p8e/eos-client";
import { createJsonLogger, silentLogger, startEosServer } from "@p8e/eos-server";
import { generateKeyPair, generateMnemonic, type KeyPair, keyPairFromMnemonic } from "@p8e/hashing-crypto";
import { createMemorializer, type EnvelopeOutcome, type Memorializer } from "@p8e/memorializer";
import type { ContractSpec } from "@p8e/spec-model";
import type { StoredContract } from "../contracts/contract-store.js";
import { createEngine, type Engine } from "../engine.js";
import { EngineError } from "../errors.js";
import type { ExecutionResult } from "../execution/execution-result.js";
import { type ApprovalPolicy, createParty, type Party } from "../flow/party.js";
import { createSqliteEnvelopeStore } from "../flow/sqlite-envelope-store.js";
import type { Participant } from "../parties.js";
import type { SandboxOptions } from "../sandbox/sandbox.js";
import { startStoreProcess, type TestStore } from "./store-process.js";

/** Options of createTestEnvironment(). */
export interface TestEnvironmentOptions {
  /** The parties, by name: each gets funded chain account, keys, an engine and a memorializer. */
  readonly parties: readonly string[];
  /** Sandbox options for every party's engine. */
  readonly sandbox?: SandboxOptions;
  /** Print the object store's log lines (JSON, to stdout); off unless told. */
  readonly logs?: boolean;
  /**
   * "shared": one object store for every party (the default); "per-party": a store each, which
   * trust each other as replication peers and know each other's parties, so that requests and
   * answers travel by replication as between organisations.
   */
  readonly stores?: "shared" | "per-party";
  /**
   * With a store each, run every store in a process of its own (the real `p8e-eos-server`), as
   * separate deployments would, instead of in this process. Off unless told.
   */
  readonly storeProcesses?: boolean;
  /** A party's approval policy for requests it receives, by party name; "hold" unless told. */
  readonly policies?: Readonly<Record<string, ApprovalPolicy>>;
}

/** One party of a test environment. */
export interface TestParty {
  readonly name: string;
  /** Its signing key (its chain account) and its encryption key (its object-store key). */
  readonly keys: { readonly signing: KeyPair; readonly encryption: KeyPair };
  /** Its chain account. */
  readonly address: string;
  /** The mnemonic its keys come from (generated for this environment): to run the party elsewhere, e.g. in a child process. */
  readonly mnemonic: string;
  readonly eos: EosClient;
  /** The object store this party uses. */
  readonly eosServer: TestStore;
  readonly engine: Engine;
  readonly memorializer: Memorializer;
  /** Its side of multi-party executions, started, with its envelope state in the environment's folder. */
  readonly flow: Party;
  /** This party as a session participant in `role`. */
  participant(role: PartyType): Participant;
}

/** A contract published in a test environment. */
export interface PublishedContract extends StoredContract {
  readonly spec: ContractSpec;
}

/** What to publish: the contract class, its bundle, and the scope specifications it runs in. */
export interface Publishable {
  readonly contract: ContractClass;
  readonly bundle: { readonly code: Uint8Array; readonly hash: string };
  readonly scopeSpecifications: readonly ScopeSpecificationClass[];
}

/** A running test environment; close it (or `await using` it) when done. */
export interface TestEnvironment extends AsyncDisposable {
  readonly devnet: Devnet;
  /** The first party's object store (with "shared" stores, every party's). */
  readonly eosServer: TestStore;
  readonly parties: Readonly<Record<string, TestParty>>;
  /** The party named `name`. */
  party(name: string): TestParty;
  /**
   * Publishes a contract: stores its bundle and spec in the object store for every party (or the
   * parties named in `readers`, besides the publisher), and writes its contract, record and scope
   * specifications to the chain (only what is missing).
   */
  publish(
    contract: Publishable,
    options?: { readonly by?: string; readonly readers?: readonly string[] },
  ): Promise<PublishedContract>;
  /**
   * Memorializes a signed execution with its invoker's memorializer.
   * @throws {EngineError} when the result is not signed or the chain refuses it.
   */
  memorialize(result: ExecutionResult): Promise<EnvelopeOutcome>;
  close(): Promise<void>;
}

/** Starts an object store and a devnet and sets up the parties. */
export async function createTestEnvironment(options: TestEnvironmentOptions): Promise<TestEnvironment> {
  if (options.parties.length === 0 || new Set(options.parties).size !== options.parties.length) {
    throw new EngineError("invalid-argument", "a test environment needs one or more parties with distinct names");
  }
  const mnemonics = options.parties.map(() => generateMnemonic());
  const devnet = createDevnet({
    instant: true,
    genesis: { accounts: mnemonics.map((mnemonic) => ({ mnemonic, nhash: DEV_ACCOUNT_BALANCE })) },
  });
  const dataDir = await mkdtemp(join(tmpdir(), "p8e-test-env-"));
  const servers = new Map<string, TestStore>();
  const parties: Record<string, TestParty> = {};
  const cleanups: (() => unknown)[] = [];
  const close = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    for (const server of new Set(servers.values())) await server.close();
    await devnet.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    await devnet.start();
    const logger = options.logs === true ? createJsonLogger() : silentLogger;
    const startStore = (name: string, nodeKey?: Uint8Array, trustedPeers?: readonly Uint8Array[]) =>
      startEosServer({
        dataDir: join(dataDir, "eos", name),
        host: "127.0.0.1",
        port: 0,
        logger,
        ...(nodeKey === undefined ? {} : { nodePrivateKey: nodeKey }),
        ...(trustedPeers === undefined ? {} : { trustedPeers }),
      });
    if (options.stores === "per-party") {
      const nodeKeys = options.parties.map(() => generateKeyPair());
      for (const [index, name] of options.parties.entries()) {
        const peers = nodeKeys.filter((_, i) => i !== index).map((k) => k.publicKey);
        const nodePrivateKey = nodeKeys[index]!.privateKey;
        servers.set(
          name,
          options.storeProcesses === true
            ? await startStoreProcess({ dataDir: join(dataDir, "eos", name), nodePrivateKey, trustedPeers: peers })
            : await startStore(name, nodePrivateKey, peers),
        );
      }
    } else {
      const shared = await startStore("shared");
      for (const name of options.parties) servers.set(name, shared);
    }
    const directory = mnemonics.map((mnemonic) => ({
      signing: keyPairFromMnemonic(mnemonic).publicKey,
      encryption: keyPairFromMnemonic(mnemonic, { path: ENCRYPTION_PATH }).publicKey,
    }));
    const storeOf = new Map(
      options.parties.map((name, index) => [
        Buffer.from(directory[index]!.encryption).toString("hex"),
        servers.get(name)!.url,
      ]),
    );
    for (const [index, name] of options.parties.entries()) {
      const mnemonic = mnemonics[index]!;
      const signing = keyPairFromMnemonic(mnemonic);
      const encryption = keyPairFromMnemonic(mnemonic, { path: ENCRYPTION_PATH });
      const eosServer = servers.get(name)!;
      const eos = createEosClient({
        baseUrl: eosServer.url,
        keys: { encryption, signing },
        // With a store each, mail also goes straight into the recipient's store.
        ...(options.stores === "per-party"
          ? { directDelivery: (key: Uint8Array) => storeOf.get(Buffer.from(key).toString("hex")) }
          : {}),
      });
      cleanups.push(() => eos.close());
      const memorializer = await createMemorializer({ rpcUrl: devnet.url, mnemonic });
      cleanups.push(() => memorializer.close());
      const engine = createEngine({
        eos,
        signingKey: signing,
        chain: memorializer.query,
        rpcUrl: devnet.url,
        directory,
        ...(options.sandbox === undefined ? {} : { sandbox: options.sandbox }),
      });
      cleanups.push(() => engine.close());
      const store = createSqliteEnvelopeStore({ path: join(dataDir, "parties", name, "envelopes.sqlite") });
      cleanups.push(() => store.close());
      const policy = options.policies?.[name];
      const flow = createParty({ engine, eos, memorializer, store, ...(policy === undefined ? {} : { policy }) });
      cleanups.push(() => flow.close());
      parties[name] = {
        name,
        keys: { signing, encryption },
        address: memorializer.address,
        mnemonic,
        eos,
        eosServer,
        engine,
        memorializer,
        flow,
        participant: (role) => ({ role, signing: signing.publicKey, encryption: encryption.publicKey }),
      };
    }
    // Every party is served by its store; with a store each, each also knows where the others are.
    for (const party of Object.values(parties)) await party.eos.registerKey(party.keys.encryption.publicKey);
    if (options.stores === "per-party") {
      for (const party of Object.values(parties)) {
        for (const other of Object.values(parties)) {
          if (other === party) continue;
          await party.eos.registerKey(other.keys.encryption.publicKey, { url: other.eosServer.url });
        }
      }
    }
    await Promise.all(Object.values(parties).map((p) => p.flow.start()));
  } catch (error) {
    await close();
    throw error;
  }

  const party = (name: string): TestParty => {
    const found = parties[name];
    if (found === undefined)
      throw new EngineError("invalid-argument", `no party named ${name} (parties: ${Object.keys(parties).join(", ")})`);
    return found;
  };

  return {
    devnet,
    eosServer: servers.get(options.parties[0]!)!,
    parties,
    party,
    async publish(publishable, { by = options.parties[0]!, readers = options.parties } = {}) {
      const publisher = party(by);
      const spec = dehydrate(publishable.contract, { bundleHash: publishable.bundle.hash });
      const audience = readers.map((name) => party(name).keys.encryption.publicKey);
      const stored = await publisher.engine.storeContract(publishable.bundle, spec, { audience });
      const owners = { ownerAddresses: [publisher.address] };
      await publisher.memorializer.publishSpecifications({
        contractSpecifications: [contractSpecification(spec, owners)],
        recordSpecifications: recordSpecifications(spec),
        scopeSpecifications: publishable.scopeSpecifications.map((s) => scopeSpecification(s, owners)),
        links: scopeSpecificationLinks(publishable.contract, spec, publishable.scopeSpecifications),
      });
      return { ...stored, spec };
    },
    async memorialize(result) {
      if (result.status !== "signed") {
        throw new EngineError(
          "invalid-argument",
          `only a signed execution can be memorialized; this one is ${result.status}`,
        );
      }
      const invoker = result.envelope.contract?.invoker?.signingPublicKey?.publicKeyBytes;
      const memorializer = Object.values(parties).find(
        (p) => invoker !== undefined && Buffer.from(p.keys.signing.publicKey).equals(Buffer.from(invoker)),
      )?.memorializer;
      if (memorializer === undefined)
        throw new EngineError("invalid-argument", "the execution's invoker is not a party of this environment");
      const { outcomes } = await memorializer.memorialize([result.envelope]);
      const outcome = outcomes[0]!;
      if (outcome.status === "failed") {
        throw new EngineError("chain-failed", `memorializing failed: ${outcome.error?.message}`, {
          cause: outcome.error,
        });
      }
      return outcome;
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** Where a test party's encryption key is derived from its mnemonic (its signing key is at m/44'/1'/0'/0/0). */
export const ENCRYPTION_PATH = "m/44'/1'/0'/0/1";

export { PartyType };
