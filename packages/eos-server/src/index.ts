/**
 * The P8e encrypted object store: upstream provenance-io/object-store's gRPC API (ObjectService,
 * MailboxService, PublicKeyService, grpc.health.v1) plus p8e.eos.v1.EosService (key-possession
 * authentication, object stat, pushed mail with a dead-letter shelf, replication status), on one
 * HTTP/2 port that speaks gRPC, gRPC-web and Connect. Objects stream in bounded memory into an
 * embedded store (SQLite + content-addressed blob files) with atomic, durable writes.
 * @module
 */

export { AUTH_HEADER, AUTH_SIGNING_PREFIX } from "./auth.js";
export { type EosServerConfig, loadEosServerConfig, serverOptionsFromConfig } from "./config.js";
// Symbols below are for alternative storage backends and embedding.
export type { HandlerContext, HandlerSettings } from "./context.js";
export { EOS_SERVER_VERSION, type EosServer, type EosServerOptions, eosRoutes, startEosServer } from "./eos-server.js";
export { EosServerError, type EosServerErrorCode, isEosServerError, toConnectError } from "./errors.js";
export { type ConnectionLimits, DEFAULT_CONNECTION_LIMITS } from "./front-door.js";
export {
  createJsonLogger,
  type JsonLoggerOptions,
  type LogFields,
  type Logger,
  type LogLevel,
  silentLogger,
} from "./logger.js";
export { MAIL_TYPE_KEY, MAIL_TYPES, SOURCE_REPLICATION, SOURCE_TYPE_KEY } from "./receive-put.js";
export { backoffDelay } from "./replicator.js";
export { OWNER_HEADER } from "./services/object-owner.js";
export type {
  AckOutcome,
  KeyRecord,
  MailRecord,
  NewObject,
  NewObjectBody,
  ObjectStorage,
  PutObjectResult,
  RemoteReplicationStatus,
  ReplicationJob,
  ReplicationStatus,
  StagedBlob,
  StoredObject,
} from "./storage/object-storage.js";
export { createSqliteStorage, type SqliteStorageOptions } from "./storage/sqlite-storage.js";
