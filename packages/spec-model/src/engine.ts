/**
 * The engine's own messages: the Session context it writes on chain and the calls that cross its
 * contract sandbox.
 * @module
 */

export * from "./gen/p8e/engine/v1/engine_pb.js";
export { envelopeHash, parseSessionContext, sessionContextBytes } from "./session-context.js";
