/**
 * The DIME header message (`io.provenance.scope.encryption.DIME`) that heads every encrypted object.
 * @module
 */

export * from "./gen/io/provenance/scope/encryption/encryption_pb.js";
