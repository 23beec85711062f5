// startNodeEnv(): one party's whole environment in one process — the object store (embedded or
// remote), the chain (the embedded devnet or a Provenance node), the memorializer, the engine, the
// example contracts published, and the application API with health and metrics on one port.
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createDevnet, DEV_ACCOUNT_BALANCE, type Devnet } from "@p8e/devnet";
import {
  createEngine,
  createParty,
  createSqliteEnvelopeStore,
  type Engine,
  type EnvelopeState,
  type ExecutionResult,
  type Party,
  type SessionOptions,
} from "@p8e/engine";
import { createEosClient, type EosClient } from "@p8e/eos-client";
import { type EosServer, startEosServer } from "@p8e/eos-server";
import { bytesToHex, type KeyPair } from "@p8e/hashing-crypto";
import { createMemorializer, type EnvelopeOutcome, type Memorializer } from "@p8e/memorializer";
import { keystorePassphrase, type NodeEnvConfig } from "./config.js";
import { NodeEnvError } from "./errors.js";
import { EXAMPLE_CONTRACTS, type PublishedContract, publishContract } from "./examples.js";
import { type HttpServer, listenHttp } from "./http-server.js";
import { countingEos, observe, recentByExecution } from "./instrumented.js";
import { createKeystore, eosNodeKeyFromMnemonic, type PartyKeyPairs } from "./keystore.js";
import { componentLogger, type Logger } from "./logger.js";
import { createMetrics, type NodeEnvMetrics } from "./metrics.js";
import { fundOnDevnet } from "./peers/devnet-funds.js";
import { type PeerStatus, publishPartyCard, startPeerDiscovery } from "./peers/peer-discovery.js";
import { isStoreUrl, loadSavedPeers, savePeer } from "./peers/saved-peers.js";
import { createRequestHandler, type RouteRegistrar } from "./routes.js";
import { removeRuntimeInfo, writeRuntimeInfo } from "./runtime-file.js";

/** The name of the party's key in `<dataDir>/keys`. */
export const NODE_KEY_NAME = "node";

/** An execution this environment invoked, where its envelope stands, and what the chain made of it. */
export interface ExecutionRecord {
  /** The envelope's state: COMPLETE when this party signed alone, FRAGMENT while others must answer, or ERROR. */
  readonly state: EnvelopeState;
  /** This party's own execution of it. */
  readonly result: ExecutionResult;
  /** The chain's outcome, for executions memorialized before invoke returned (signed by this party alone). */
  readonly outcome?: EnvelopeOutcome;
}

/** A running environment. */
export interface NodeEnv extends AsyncDisposable {
  readonly config: NodeEnvConfig;
  readonly keys: PartyKeyPairs;
  readonly address: string;
  /** The application API, health (`/healthz`, `/readyz`) and metrics (`/metrics`). */
  readonly apiUrl: string;
  readonly eosUrl: string;
  /** The embedded object store's node key, which the peers' stores trust for replication. */
  readonly eosNodeKey: KeyPair;
  readonly rpcUrl: string;
  readonly chainId: string;
  readonly eos: EosClient;
  readonly engine: Engine;
  readonly memorializer: Memorializer;
  /** This party's side of multi-party executions: its envelopes, approvals, rejections, cancels. */
  readonly party: Party;
  readonly metrics: NodeEnvMetrics;
  readonly logger: Logger;
  /** The other parties' environments (P8E_PEERS and those added), and whether each was found. */
  peers(): PeerStatus[];
  /**
   * Looks up one more peer by its store's URL and keeps it in `<dataDir>/peers.json` for later
   * starts; resolves once found, or with its status after `waitMs`.
   */
  addPeer(eosUrl: string, waitMs: number): Promise<PeerStatus>;
  /** The contracts published at start, by name. */
  readonly contracts: ReadonlyMap<string, PublishedContract>;
  /** Invokes a session through the party: memorialized at once when signed, else mailed to the others. */
  execute(session: SessionOptions): Promise<ExecutionRecord>;
  readonly ready: boolean;
  /** Stops accepting work, lets in-flight work finish (up to shutdownTimeoutMs), then closes everything. */
  close(): Promise<void>;
}

/** Options of startNodeEnv() beyond the configuration. */
export interface StartOptions {
  readonly logger: Logger;
  /** Mounts more API services (the application API) on the environment's port. */
  readonly routes?: (env: NodeEnv) => RouteRegistrar;
}

/** Starts an environment; on failure, whatever started is closed again and a NodeEnvError says why. */
export async function startNodeEnv(config: NodeEnvConfig, options: StartOptions): Promise<NodeEnv> {
  const { logger } = options;
  const closers: (() => unknown)[] = [];
  const closeAll = async () => {
    for (const close of closers.splice(0).reverse()) {
      try {
        await close();
      } catch (error) {
        logger.warn({ err: error }, "close failed");
      }
    }
  };
  try {
    prepareDataDir(config.dataDir);
    const keys = openPartyKeys(config);
    logger.info({ address: keys.address, dataDir: config.dataDir }, "keys ready");
    const metrics = createMetrics({ dataDir: config.dataDir });

    let rpcUrl = config.chainRpcUrl;
    let devnet: Devnet | undefined;
    if (rpcUrl === undefined) {
      devnet = createDevnet({
        dataDir: join(config.dataDir, "devnet"),
        host: config.host,
        port: config.devnetPort,
        onBlockError: (height, error) =>
          logger.error({ err: error, height, component: "devnet" }, "block not committed"),
        ...(config.devnetBlockIntervalMs === 0 ? { instant: true } : { blockIntervalMs: config.devnetBlockIntervalMs }),
        ...(config.network === "mainnet" ? { bech32Prefix: "pb" } : {}),
        genesis: {
          accounts: [
            { mnemonic: keys.mnemonic, nhash: DEV_ACCOUNT_BALANCE },
            ...config.devnetFund.map((address) => ({ address, nhash: DEV_ACCOUNT_BALANCE })),
          ],
        },
      });
      const started = devnet;
      await started.start().catch((error: NodeJS.ErrnoException) => {
        throw portError(error, "devnet", config.devnetPort, "P8E_DEVNET_PORT");
      });
      closers.push(() => started.stop());
      rpcUrl = devnet.url;
      logger.info({ url: devnet.url, chainId: devnet.chainId }, "devnet started");
    }

    const eosNodeKey = eosNodeKeyFromMnemonic(keys.mnemonic, config.network);
    let eosUrl = config.eosUrl;
    let embeddedStore: EosServer | undefined;
    if (eosUrl === undefined) {
      const server: EosServer = await startEosServer({
        dataDir: join(config.dataDir, "eos"),
        host: config.host,
        port: config.eosPort,
        logger: componentLogger(logger, "eos-server"),
        nodePrivateKey: eosNodeKey.privateKey,
      }).catch((error: NodeJS.ErrnoException) => {
        throw portError(error, "object store", config.eosPort, "P8E_EOS_PORT");
      });
      closers.push(() => server.close());
      embeddedStore = server;
      eosUrl = server.url;
      logger.info({ url: server.url }, "object store started");
    }
    // Peers' stores by their parties' encryption keys, as discovery finds them: mail to a peer also
    // goes straight into its store (replication from this one still follows).
    const peerStores = new Map<string, string>();
    const eos = countingEos(
      createEosClient({
        baseUrl: eosUrl,
        keys: { encryption: keys.encryption, signing: keys.signing },
        directDelivery: (key) => peerStores.get(bytesToHex(key)),
      }),
      metrics,
    );
    closers.push(() => eos.close());
    // The store serves this party's key (mail and replicas for it are delivered here, and it may read
    // the store's replication status), and lists the party's card, by which other environments that
    // know only this store's URL find the party's keys.
    const storeNodeKey = embeddedStore?.nodePublicKey ?? (await eos.serverInfo()).nodePublicKey;
    await publishPartyCard(eos, keys, { url: config.eosPublicUrl ?? eosUrl, nodePublicKey: storeNodeKey });

    const memorializer = await createMemorializer({
      rpcUrl,
      mnemonic: keys.mnemonic,
      network: config.network,
      fee: config.chainFee,
      ...(config.chainId === undefined ? {} : { chainId: config.chainId }),
    }).catch((cause: unknown) => {
      throw new NodeEnvError(
        "chain-unreachable",
        `cannot reach the chain at ${rpcUrl}: ${(cause as Error).message}; check P8E_CHAIN_RPC_URL and that the node is up`,
        { cause },
      );
    });
    closers.push(() => memorializer.close());
    const engine = createEngine({
      eos,
      signingKey: keys.signing,
      chain: memorializer.query,
      rpcUrl,
      mainNet: config.network === "mainnet",
    });
    closers.push(() => engine.close());

    // What the party's executions and chain writes produce, for the metrics and for execute()'s answer.
    const seen = recentByExecution<{ result?: ExecutionResult; outcome?: EnvelopeOutcome }>(256);
    const observedEngine = observe(engine, "execute", (result: ExecutionResult) => {
      metrics.executions.inc({ result: result.status });
      metrics.fuel.observe(result.fuelUsed);
      seen.merge(result.envelope.executionUuid?.value, { result });
    });
    const observedMemorializer = observe(
      memorializer,
      "memorialize",
      ({ outcomes }: Awaited<ReturnType<Memorializer["memorialize"]>>) => {
        for (const outcome of outcomes) {
          metrics.broadcasts.inc({ result: outcome.status });
          logger.info({ scope: outcome.scope, session: outcome.session, status: outcome.status }, "memorialized");
        }
      },
      (envelopes: readonly { executionUuid?: { value: string } }[], { outcomes }) => {
        envelopes.forEach((envelope, index) => {
          const outcome = outcomes[index];
          if (outcome !== undefined) seen.merge(envelope.executionUuid?.value, { outcome });
        });
      },
    );
    const store = createSqliteEnvelopeStore({ path: join(config.dataDir, "envelopes.sqlite") });
    closers.push(() => store.close());
    const party = createParty({
      engine: observedEngine,
      eos,
      memorializer: observedMemorializer,
      store,
      policy: () => config.approvalPolicy,
      onError: (error, context) => logger.warn({ err: error, context }, "envelope work failed; it is retried"),
    });
    closers.push(() => party.close());
    metrics.countEnvelopesFrom(() => party.list());
    metrics.countReplicationFrom(() => eos.replicationStatus());
    metrics.countMailboxFrom(() => eos.mailboxStatus());

    const configuredUrls = new Set(config.peers.map((peer) => (typeof peer === "string" ? peer : peer.eosUrl)));
    const peers = startPeerDiscovery({
      peers: [...config.peers, ...loadSavedPeers(config.dataDir).filter((url) => !configuredUrls.has(url))],
      keys,
      eos,
      network: config.network,
      addParties: (parties) => {
        engine.addParties(parties);
        for (const party of parties) peerStores.set(bytesToHex(party.encryption), party.storeUrl);
      },
      logger: logger.child({ component: "peers" }),
      ...(embeddedStore === undefined ? {} : { trustStore: (nodeKey) => embeddedStore.trustPeer(nodeKey) }),
      ...(devnet === undefined ? {} : { fund: (address) => fundOnDevnet(memorializer, address) }),
    });
    closers.push(() => peers.close());
    metrics.countPeersFrom(() => peers.status());
    if (peers.status().length > 0 && embeddedStore === undefined) {
      logger.warn(
        { eos: eosUrl },
        "with a remote object store, trust the peers' stores there (EOS_TRUSTED_PEERS): this environment cannot",
      );
    }

    const contracts = new Map<string, PublishedContract>();
    if (config.publishExamples) {
      for (const source of EXAMPLE_CONTRACTS) {
        const published = await publishContract(source, { engine, memorializer });
        contracts.set(published.name, published);
        logger.info(
          { contract: published.className, specHash: published.specHash, sentMsgs: published.sentMsgs },
          published.sentMsgs === 0 ? "example contract already published" : "example contract published",
        );
      }
    }

    let accepting = true;
    const inFlight = new Set<Promise<unknown>>();
    const track = <T>(work: Promise<T>): Promise<T> => {
      inFlight.add(work);
      void work.finally(() => inFlight.delete(work)).catch(() => {});
      return work;
    };
    const execute = (session: SessionOptions): Promise<ExecutionRecord> => {
      if (!accepting) return Promise.reject(new NodeEnvError("closed", "the environment is shutting down"));
      return track(
        (async () => {
          const state = await party.invoke(session);
          const { result, outcome } = seen.take(state.executionUuid) ?? {};
          if (result === undefined) {
            throw new Error(`execution ${state.executionUuid} ended ${state.status} without a result of its own`);
          }
          logger.info({ executionUuid: state.executionUuid, status: state.status }, "invoked");
          return { state, result, ...(outcome === undefined ? {} : { outcome }) };
        })(),
      );
    };

    await party.start();
    logger.info({ policy: config.approvalPolicy }, "envelope flow started");

    let ready = false;
    let http: HttpServer | undefined;
    const env: NodeEnv = {
      config,
      keys,
      address: keys.address,
      get apiUrl() {
        return http?.url ?? "";
      },
      eosUrl,
      eosNodeKey,
      rpcUrl,
      chainId: memorializer.chainId,
      eos,
      engine,
      memorializer,
      party,
      metrics,
      logger,
      contracts,
      peers: () => peers.status(),
      async addPeer(url, waitMs) {
        if (!isStoreUrl(url)) {
          throw new NodeEnvError("invalid-config", `${JSON.stringify(url)} is not an http:// or https:// store URL`);
        }
        if (url === eosUrl) throw new NodeEnvError("invalid-config", `${url} is this environment's own store`);
        if (!configuredUrls.has(url)) savePeer(config.dataDir, url);
        return peers.add(url, waitMs);
      },
      execute,
      get ready() {
        return ready;
      },
      async close() {
        if (!accepting) return;
        accepting = false;
        ready = false;
        logger.info({ inFlight: inFlight.size }, "shutting down");
        const timeout = new Promise<"timeout">((resolve) =>
          setTimeout(() => resolve("timeout"), config.shutdownTimeoutMs).unref(),
        );
        if ((await Promise.race([Promise.allSettled([...inFlight]), timeout])) === "timeout") {
          logger.warn({ inFlight: inFlight.size }, "in-flight work did not finish in time; it is left to resume");
        }
        await closeAll();
        logger.info("stopped");
      },
      [Symbol.asyncDispose]() {
        return this.close();
      },
    };
    http = await listenHttp(
      config.host,
      config.apiPort,
      createRequestHandler({ env, logger, services: options.routes?.(env) }),
    ).catch((error: unknown) => {
      throw NodeEnvError.from(error);
    });
    closers.push(() => http?.close());
    writeRuntimeInfo(config.dataDir, {
      pid: process.pid,
      address: keys.address,
      apiUrl: http.url,
      eosUrl,
      rpcUrl,
      chainId: memorializer.chainId,
      startedAt: new Date().toISOString(),
    });
    const apiUrl = http.url;
    closers.push(() => removeRuntimeInfo(config.dataDir, apiUrl));
    ready = true;
    logger.info({ api: http.url, eos: eosUrl, rpc: rpcUrl, address: keys.address }, "ready");
    return env;
  } catch (error) {
    await closeAll();
    throw NodeEnvError.from(error);
  }
}

/** Creates the data folder (and a .gitignore in it, so a data folder inside a clone is never committed). */
function prepareDataDir(dataDir: string): void {
  try {
    if (!existsSync(dataDir)) {
      mkdirSync(dataDir, { recursive: true, mode: 0o700 });
      writeFileSync(join(dataDir, ".gitignore"), "# P8e environment data: keys, object store, ledger.\n*\n");
    }
  } catch (cause) {
    throw new NodeEnvError(
      "data-dir",
      `cannot create the data folder ${dataDir}: ${(cause as Error).message}; set P8E_DATA_DIR to a folder you can write`,
      { cause },
    );
  }
}

/** Opens the party's key, creating it on first start (from P8E_MNEMONIC if given). */
function openPartyKeys(config: NodeEnvConfig): PartyKeyPairs {
  const keystore = createKeystore(join(config.dataDir, "keys"));
  const passphrase = keystorePassphrase(config);
  if (!keystore.has(NODE_KEY_NAME)) {
    keystore.create(NODE_KEY_NAME, passphrase, {
      network: config.network,
      ...(config.mnemonic === undefined ? {} : { mnemonic: config.mnemonic }),
    });
  }
  const keys = keystore.open(NODE_KEY_NAME, passphrase);
  if (config.mnemonic !== undefined && keys.mnemonic !== config.mnemonic.split(/\s+/).join(" ")) {
    throw new NodeEnvError(
      "keystore",
      `P8E_MNEMONIC is not the key kept in ${keystore.dir}; unset it, or use another P8E_DATA_DIR for another party`,
    );
  }
  return keys;
}

function portError(error: NodeJS.ErrnoException, what: string, port: number, variable: string): NodeEnvError {
  if (error.code === "EADDRINUSE" || /EADDRINUSE|in use/i.test(error.message)) {
    return new NodeEnvError(
      "port-in-use",
      `the ${what}'s port ${port} is in use; stop what holds it or set ${variable}`,
      {
        cause: error,
      },
    );
  }
  return NodeEnvError.from(error);
}
