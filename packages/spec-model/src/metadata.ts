/**
 * The subset of Provenance's `provenance.metadata.v1` that P8e writes and queries: scopes,
 * sessions, records, the three specification types, their Msgs and queries; and the Cosmos
 * pagination messages those queries embed.
 * @module
 */

export * from "./gen/cosmos/base/query/v1beta1/pagination_pb.js";
export * from "./gen/provenance/metadata/v1/metadata_pb.js";
export * from "./gen/provenance/metadata/v1/objectstore_pb.js";
export * from "./gen/provenance/metadata/v1/query_pb.js";
export * from "./gen/provenance/metadata/v1/scope_pb.js";
export * from "./gen/provenance/metadata/v1/specification_pb.js";
export * from "./gen/provenance/metadata/v1/tx_pb.js";
