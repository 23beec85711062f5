// What every metadata Msg endpoint shares: decoding, responses, the EventTxCompleted event, and the
// two ways x/metadata's msg server (keeper/msg_server.go, since v1.16) reports a failure: a failed
// validation wrapped as the SDK's "invalid request" (code 18), a missing entry as "not found" (38).
import { create, type DescMessage, fromBinary, type MessageShape, toBinary } from "@bufbuild/protobuf";
import { sdkError, toAbciError } from "../../abci-error.js";
import { type Context, typedEvent } from "../../context.js";
import type { MsgContext, MsgHandler, MsgResponse } from "../../router.js";
import type { MsgInfo } from "./signers.js";

const typeUrlOf = (schema: DescMessage): string => `/${schema.typeName}`;

/** A Msg response packed for the tx result. */
export function respond<Desc extends DescMessage>(schema: Desc, init: Parameters<typeof create<Desc>>[1]): MsgResponse {
  return { typeUrl: typeUrlOf(schema), value: toBinary(schema, create(schema, init)) };
}

/** A metadata Msg handler; every metadata Msg names its signers in `signers`. */
export function define<Desc extends DescMessage & { typeName: string }>(
  schema: Desc,
  handler: {
    signers?: (msg: MessageShape<Desc>) => readonly string[];
    validateBasic: (msg: MessageShape<Desc>, prefix: string) => void;
    execute: (ctx: MsgContext, msg: MessageShape<Desc>, info: MsgInfo) => MsgResponse;
  },
): MsgHandler<MessageShape<Desc>> {
  const typeUrl = typeUrlOf(schema);
  const signersOf = handler.signers ?? ((msg) => (msg as unknown as { signers: string[] }).signers);
  return {
    typeUrl,
    decode: (bytes) => fromBinary(schema, bytes),
    signers: signersOf,
    validateBasic: (msg, chain) => handler.validateBasic(msg, chain.prefix),
    // Each Msg gets a fresh authz cache, as UnwrapMetadataContext gives each endpoint one.
    execute: (ctx, msg) => handler.execute(ctx, msg, { typeUrl, signers: signersOf(msg), authzCache: new Map() }),
  };
}

/** EventTxCompleted, which every endpoint but SetAccountData and AddNetAssetValues emits last. */
export function txCompleted(ctx: Context, endpoint: string, signers: readonly string[]): void {
  ctx.events.push(typedEvent("provenance.metadata.v1.EventTxCompleted", { endpoint, module: "metadata", signers }));
}

/**
 * Runs a keeper validation; whatever it refuses comes back as sdkerrors.ErrInvalidRequest.Wrap(err.Error()),
 * which is how the msg server reports every Validate* failure.
 */
export function validated<T>(validation: () => T): T {
  try {
    return validation();
  } catch (error) {
    throw sdkError("invalidRequest", toAbciError(error).message);
  }
}

/** sdkerrors.ErrNotFound.Wrap(message). */
export function notFound(message: string): never {
  throw sdkError("notFound", message);
}
