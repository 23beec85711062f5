/**
 * A typed client for the P8e encrypted object store (and upstream provenance-io/object-store):
 * encrypt, sign and store bytes, streams or protobuf messages by hash; fetch, decrypt and verify
 * them; register keys; send, receive (pushed) and acknowledge mail. Every failure is an {@link EosError}.
 * @module
 */

export {
  dataFramePrefix,
  decodeGrpcMessages,
  encodeChunkFrame,
  GrpcFrameDecoder,
  grpcEnvelope,
} from "./chunk-frames.js";
export { type ChunkTransportOptions, createChunkTransport } from "./chunk-transport.js";
export { MAIL_TYPES } from "./client-helpers.js";
export {
  AUTH_SIGNING_PREFIX,
  type CallSettings,
  type DeadMailItem,
  type EosClient,
  type EosClientOptions,
  type EosKeys,
  type GetOptions,
  MAIL_TYPE_KEY,
  type MailType,
  type ObjectInfo,
  type ObjectStream,
  OWNER_HEADER,
  type PutOptions,
  type PutResult,
  type RawPut,
  type ReceivedMail,
  type RemoteReplication,
  type SendMailOptions,
  type StatOptions,
  type SubscribeOptions,
} from "./client-types.js";
export { createEosClient } from "./eos-client.js";
export { EosError, type EosErrorCode, isEosError } from "./eos-error.js";
export {
  openPartyCard,
  PARTY_CARD_SIGNING_PREFIX,
  type PartyCardFields,
  partyCardFromMetadata,
  partyCardMetadata,
  signPartyCard,
  type VerifiedPartyCard,
} from "./party-card.js";
// Symbols below are for libraries that speak the Put stream themselves.
export { PUT_CHUNK_BYTES, type PutTrailer, putRequests } from "./put-requests.js";
export { readableChunks } from "./readable-chunks.js";
export { SESSION_WINDOW_BYTES, STREAM_WINDOW_BYTES, WindowedSessionManager } from "./window-session-manager.js";
