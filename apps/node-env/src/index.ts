/**
 * One party's P8e environment in one process: the object store, the devnet or a Provenance node,
 * the memorializer, the engine, the example contracts, and the application API with health and
 * Prometheus metrics on one port.
 * @module
 */

/** Upstream's envelope statuses, in the order a flow passes them (the API's EnvelopeState.status). */
export { envelopeStatuses } from "@p8e/engine";
export { API_AUTH_PREFIX, type ApiAuth, createApiAuth } from "./api/auth.js";
export { bundleTypes } from "./api/bundle-types.js";
export { createNodeClient, type NodeClientOptions } from "./api/client.js";
export { createApiRoutes } from "./api/service.js";
export {
  CONFIG_FILE_VARIABLE,
  CONFIG_VARIABLES,
  DEV_PASSPHRASE,
  keystorePassphrase,
  loadNodeEnvConfig,
  type NodeEnvConfig,
  nodeEnvConfigSchema,
  type PeerConfig,
} from "./config.js";
export { isNodeEnvError, NodeEnvError, type NodeEnvErrorCode } from "./errors.js";
export { EXAMPLE_CONTRACTS, type PublishedContract, publishContract } from "./examples.js";
export { closeOnSignals, describeNodeEnv } from "./foreground.js";
export { describeHelloWorld, HELLO_WORLD_SCOPE_SPEC_UUID, type HelloWorldRun, runHelloWorld } from "./hello-world.js";
export {
  createKeystore,
  eosNodeKeyFromMnemonic,
  type KeyFileInfo,
  type KeyNetwork,
  type Keystore,
  openKeyFile,
  type PartyKeyPairs,
  partyKeyPaths,
  partyKeysFromMnemonic,
  peerFromMnemonic,
  sealKeyFile,
} from "./keystore.js";
export { createLogger } from "./logger.js";
export type { NodeEnvMetrics } from "./metrics.js";
export { type ExecutionRecord, NODE_KEY_NAME, type NodeEnv, type StartOptions, startNodeEnv } from "./node-env.js";
export type { PeerParty, PeerStatus } from "./peers/peer-discovery.js";
export { RUNTIME_FILE, type RuntimeInfo, readRuntimeInfo } from "./runtime-file.js";
