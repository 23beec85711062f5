/**
 * A real P8e environment for contract tests, in one process: `createTestEnvironment({ parties })`
 * starts an object store (temporary data folder, loopback) and the devnet in instant mode, and
 * gives each party keys, an engine and a memorializer.
 * @module
 */

export type { TestStore } from "./store-process.js";
export {
  createTestEnvironment,
  ENCRYPTION_PATH,
  type Publishable,
  type PublishedContract,
  type TestEnvironment,
  type TestEnvironmentOptions,
  type TestParty,
} from "./test-environment.js";
