/**
 * Memorializes P8e executions on Provenance: turns signed envelopes into the metadata module's
 * Msgs (scope, data access, session, one record per result), publishes contract, record and scope
 * specifications that the chain lacks, builds the authz grants multi-party writes rely on, and
 * signs (SIGN_MODE_DIRECT) and broadcasts them over CometBFT RPC to a Provenance node or a devnet.
 *
 * The builders (`envelopeToMsgs`, `specPublishingMsgs`, `authzGrantMsgs`, `authzRevokeMsgs`) are
 * pure; `createMemorializer` adds the chain: fees, batching, sequence tracking, inclusion, queries.
 * @module
 */

export {
  type AuthzGrantOptions,
  type AuthzOptions,
  authzGrantMsgs,
  authzMsgTypeUrls,
  authzRevokeMsgs,
  defaultGrantLifetimeMs,
  type MsgGrantEncodeObject,
  type MsgRevokeEncodeObject,
} from "./authz-msgs.js";
export {
  type AuthzGrantView,
  type Balance,
  ChainQueries,
  type ContractSpecificationView,
  type MetadataId,
  type ScopeView,
} from "./chain-queries.js";
export {
  type EnvelopeAddresses,
  type EnvelopeToMsgsOptions,
  type ExistingRecordInputSource,
  envelopeAddresses,
  envelopeToMsgs,
  invokerAddressOf,
} from "./envelope-to-msgs.js";
export {
  isMemorializerError,
  MemorializerError,
  type MemorializerErrorCode,
  type MemorializerErrorDetails,
} from "./errors.js";
export { type FeeStrategy, maxTxGas, type TxFee } from "./fees.js";
export {
  createMemorializer,
  type EnvelopeOutcome,
  type IncludedTx,
  type MemorializeResult,
  type Memorializer,
  type MemorializerOptions,
  type PublishResult,
} from "./memorializer.js";
export type { MetadataMsg, MetadataMsgTypes } from "./metadata-msg.js";
export { createRegistry, metadataRegistryTypes, toGeneratedType } from "./registry.js";
export {
  type ChainSpecifications,
  type ContractSpecLink,
  type SpecPublishingOptions,
  specPublishingMsgs,
} from "./spec-publishing-msgs.js";
export { authzTypeUrls, metadataTypeUrls } from "./type-urls.js";
export {
  hdPathFor,
  type ProvenanceNetwork,
  provenanceNetworks,
  type WalletOptions,
  walletFromMnemonic,
} from "./wallet.js";
