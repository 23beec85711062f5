import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { bytesToBase64, sha256 } from "@p8e/hashing-crypto";
import { toCanonicalBinary } from "./canonical.js";
import { SpecModelError } from "./errors.js";
import { type Envelope, EnvelopeSchema } from "./gen/io/provenance/scope/contract/envelope_pb.js";
import { type SessionContext, SessionContextSchema } from "./gen/p8e/engine/v1/engine_pb.js";

/**
 * The object-store hash of an envelope: standard base64 of the SHA-256 of its canonical encoding,
 * which is what a store answers when the envelope is put as a message.
 */
export function envelopeHash(envelope: Envelope): string {
  return bytesToBase64(sha256(toCanonicalBinary(EnvelopeSchema, envelope)));
}

/**
 * The `context` bytes of the chain Session an envelope writes: its execution UUID (where legacy
 * p8e put it) and the envelope's object-store hash, so the session can be re-verified later.
 */
export function sessionContextBytes(envelope: Envelope): Uint8Array {
  return toBinary(
    SessionContextSchema,
    create(SessionContextSchema, {
      ...(envelope.executionUuid === undefined ? {} : { executionUuid: envelope.executionUuid }),
      envelopeHash: envelopeHash(envelope),
    }),
  );
}

/**
 * Reads a chain Session's `context` bytes as a SessionContext.
 * @throws {SpecModelError} code "invalid-encoding" when the bytes are not one.
 */
export function parseSessionContext(bytes: Uint8Array): SessionContext {
  try {
    return fromBinary(SessionContextSchema, bytes);
  } catch (cause) {
    throw new SpecModelError("invalid-encoding", "session context is not a p8e.engine.v1.SessionContext", { cause });
  }
}
