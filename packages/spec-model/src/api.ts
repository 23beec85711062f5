/**
 * The application API of a P8e node environment (`p8e.api.v1.NodeService`): execute contracts,
 * read and verify scopes, authenticated by a signed challenge.
 * @module
 */

export * from "./gen/p8e/api/v1/api_pb.js";
