/**
 * The object-store (EOS) API as provenance-io/object-store defines it: ObjectService,
 * MailboxService and PublicKeyService with their messages, in package `objectstore`.
 * @module
 */

export * from "./gen/objectstore/mailbox_pb.js";
export * from "./gen/objectstore/object_pb.js";
export * from "./gen/objectstore/public_key_pb.js";
export * from "./gen/objectstore/util_pb.js";
