// Msg routing: decoding an Any into a Msg, finding its signers, validating it statelessly and
// executing it against a context.
import type { Any } from "cosmjs-types/google/protobuf/any";
import { sdkError } from "./abci-error.js";
import type { ChainParams, Context } from "./context.js";

/** What executing a Msg gives back: its response, packed as an Any. */
export interface MsgResponse {
  readonly typeUrl: string;
  readonly value: Uint8Array;
}

/** The context a Msg runs in: the chain context plus the router (MsgExec dispatches through it). */
export interface MsgContext extends Context {
  readonly router: MsgRouter;
}

/** How one Msg type is decoded, checked and executed. */
export interface MsgHandler<T> {
  readonly typeUrl: string;
  decode(bytes: Uint8Array): T;
  /** The bech32 addresses that must sign (the SDK's GetSigners). */
  signers(msg: T): readonly string[];
  /** Stateless checks (ValidateBasic); throws an AbciError. */
  validateBasic(msg: T, chain: ChainParams): void;
  /** Applies the Msg; throws an AbciError to refuse it. */
  execute(ctx: MsgContext, msg: T): MsgResponse;
}

/** A decoded Msg bound to its handler. */
export interface DecodedMsg {
  readonly typeUrl: string;
  readonly msg: unknown;
  readonly handler: MsgHandler<unknown>;
}

/** The Msg types the ledger understands. */
export class MsgRouter {
  readonly #handlers = new Map<string, MsgHandler<unknown>>();

  register<T>(handler: MsgHandler<T>): this {
    this.#handlers.set(handler.typeUrl, handler as MsgHandler<unknown>);
    return this;
  }

  has(typeUrl: string): boolean {
    return this.#handlers.has(typeUrl);
  }

  get typeUrls(): string[] {
    return [...this.#handlers.keys()];
  }

  /** Decodes a packed Msg, failing with the SDK's "tx parse error" when it cannot. */
  decode(any: Any): DecodedMsg {
    const handler = this.#handlers.get(any.typeUrl);
    if (handler === undefined) throw sdkError("txDecode", `unable to resolve type URL ${any.typeUrl}`);
    let msg: unknown;
    try {
      msg = handler.decode(any.value);
    } catch (cause) {
      throw sdkError(
        "txDecode",
        `cannot decode ${any.typeUrl}: ${cause instanceof Error ? cause.message : String(cause)}`,
      );
    }
    return { typeUrl: any.typeUrl, msg, handler };
  }
}
