// Msg handlers of x/bank (MsgSend) and x/authz (MsgGrant, MsgRevoke, MsgExec), and the router of
// every Msg the devnet executes.
import {
  MsgExec,
  MsgExecResponse,
  MsgGrant,
  MsgGrantResponse,
  MsgRevoke,
  MsgRevokeResponse,
} from "cosmjs-types/cosmos/authz/v1beta1/tx";
import { MsgSend, MsgSendResponse } from "cosmjs-types/cosmos/bank/v1beta1/tx";
import { authzError, sdkError } from "../abci-error.js";
import { AddressError, decodeAccountAddress, equalBytes } from "../codec.js";
import { typedEvent } from "../context.js";
import { type MsgHandler, MsgRouter } from "../router.js";
import { isModuleAccount } from "./auth.js";
import { acceptGrant, authorizationMsgTypeUrl, deleteGrant, getGrant, saveGrant } from "./authz.js";
import { type Coin, sendCoins } from "./bank.js";
import { metadataHandlers } from "./metadata/msg-server.js";

function address(prefix: string, text: string, what: string): Uint8Array {
  try {
    return decodeAccountAddress(prefix, text);
  } catch (error) {
    throw sdkError(
      "invalidAddress",
      `invalid ${what} address: ${error instanceof AddressError ? error.message : String(error)}`,
    );
  }
}

const DENOM = /^[a-zA-Z][a-zA-Z0-9/:._-]{2,127}$/;

/** The SDK's ValidateDenom with its default denom pattern. */
export function isValidDenom(denom: string): boolean {
  return DENOM.test(denom);
}

/** Parses and checks the coins of a Msg as the SDK's Coins.Validate does. */
export function parseCoins(coins: readonly { denom: string; amount: string }[]): Coin[] {
  const out: Coin[] = [];
  for (const coin of coins) {
    if (!isValidDenom(coin.denom)) throw sdkError("invalidCoins", `invalid denom: ${coin.denom}`);
    if (!/^[0-9]+$/.test(coin.amount)) throw sdkError("invalidCoins", `invalid amount: ${coin.amount}${coin.denom}`);
    const amount = BigInt(coin.amount);
    if (amount <= 0n) throw sdkError("invalidCoins", `coin ${coin.amount}${coin.denom} amount is not positive`);
    const previous = out.at(-1);
    if (previous !== undefined && previous.denom >= coin.denom) {
      throw sdkError("invalidCoins", `denomination ${coin.denom} is not sorted or is duplicated`);
    }
    out.push({ denom: coin.denom, amount });
  }
  return out;
}

const send: MsgHandler<MsgSend> = {
  typeUrl: "/cosmos.bank.v1beta1.MsgSend",
  decode: (bytes) => MsgSend.decode(bytes),
  signers: (msg) => [msg.fromAddress],
  validateBasic(msg, chain) {
    address(chain.prefix, msg.fromAddress, "from");
    address(chain.prefix, msg.toAddress, "to");
    if (msg.amount.length === 0) throw sdkError("invalidCoins", "send amount cannot be empty");
    parseCoins(msg.amount);
  },
  execute(ctx, msg) {
    const to = address(ctx.chain.prefix, msg.toAddress, "to");
    if (isModuleAccount(to)) throw sdkError("unauthorized", `${msg.toAddress} is not allowed to receive funds`);
    sendCoins(ctx, address(ctx.chain.prefix, msg.fromAddress, "from"), to, parseCoins(msg.amount));
    return { typeUrl: "/cosmos.bank.v1beta1.MsgSendResponse", value: MsgSendResponse.encode({}).finish() };
  },
};

const grant: MsgHandler<MsgGrant> = {
  typeUrl: "/cosmos.authz.v1beta1.MsgGrant",
  decode: (bytes) => MsgGrant.decode(bytes),
  signers: (msg) => [msg.granter],
  validateBasic(msg, chain) {
    const granter = address(chain.prefix, msg.granter, "granter");
    const grantee = address(chain.prefix, msg.grantee, "grantee");
    if (equalBytes(granter, grantee)) throw authzError("granteeIsGranter");
    if (msg.grant?.authorization === undefined) throw sdkError("invalidType", "authorization is nil");
    authorizationMsgTypeUrl(msg.grant.authorization);
  },
  execute(ctx, msg) {
    const granter = address(ctx.chain.prefix, msg.granter, "granter");
    const grantee = address(ctx.chain.prefix, msg.grantee, "grantee");
    const authorization = msg.grant?.authorization;
    if (authorization === undefined) throw sdkError("invalidType", "authorization is nil");
    const msgTypeUrl = authorizationMsgTypeUrl(authorization);
    if (!ctx.router.has(msgTypeUrl)) throw sdkError("invalidType", `${msgTypeUrl} doesn't exist.`);
    const expiration = msg.grant?.expiration;
    // authz.NewGrant: an expiration must be strictly after the block time.
    if (expiration !== undefined) {
      const ns = expiration.seconds * 1_000_000_000n + BigInt(expiration.nanos);
      if (ns <= BigInt(ctx.blockTime.getTime()) * 1_000_000n) throw authzError("invalidExpirationTime");
    }
    saveGrant(ctx, granter, grantee, msgTypeUrl, {
      authorization,
      ...(expiration === undefined ? {} : { expiration }),
    });
    ctx.events.push(
      typedEvent("cosmos.authz.v1beta1.EventGrant", {
        grantee: msg.grantee,
        granter: msg.granter,
        msg_type_url: msgTypeUrl,
      }),
    );
    return { typeUrl: "/cosmos.authz.v1beta1.MsgGrantResponse", value: MsgGrantResponse.encode({}).finish() };
  },
};

const revoke: MsgHandler<MsgRevoke> = {
  typeUrl: "/cosmos.authz.v1beta1.MsgRevoke",
  decode: (bytes) => MsgRevoke.decode(bytes),
  signers: (msg) => [msg.granter],
  validateBasic(msg, chain) {
    const granter = address(chain.prefix, msg.granter, "granter");
    const grantee = address(chain.prefix, msg.grantee, "grantee");
    if (equalBytes(granter, grantee)) throw authzError("granteeIsGranter");
    if (msg.msgTypeUrl.length === 0) throw sdkError("invalidRequest", "missing msg method name");
  },
  execute(ctx, msg) {
    const granter = address(ctx.chain.prefix, msg.granter, "granter");
    const grantee = address(ctx.chain.prefix, msg.grantee, "grantee");
    if (!deleteGrant(ctx, granter, grantee, msg.msgTypeUrl)) {
      throw authzError(
        "noAuthorizationFound",
        `failed to delete grant with given granter: ${msg.granter}, grantee: ${msg.grantee} & msgType: ${msg.msgTypeUrl}`,
      );
    }
    ctx.events.push(
      typedEvent("cosmos.authz.v1beta1.EventRevoke", {
        grantee: msg.grantee,
        granter: msg.granter,
        msg_type_url: msg.msgTypeUrl,
      }),
    );
    return { typeUrl: "/cosmos.authz.v1beta1.MsgRevokeResponse", value: MsgRevokeResponse.encode({}).finish() };
  },
};

function createExec(router: MsgRouter): MsgHandler<MsgExec> {
  return {
    typeUrl: "/cosmos.authz.v1beta1.MsgExec",
    decode: (bytes) => MsgExec.decode(bytes),
    signers: (msg) => [msg.grantee],
    validateBasic(msg, chain) {
      address(chain.prefix, msg.grantee, "grantee");
      if (msg.msgs.length === 0) throw sdkError("invalidRequest", "messages cannot be empty");
      for (const any of msg.msgs) {
        const inner = router.decode(any);
        inner.handler.validateBasic(inner.msg, chain);
      }
    },
    execute(ctx, msg) {
      const grantee = address(ctx.chain.prefix, msg.grantee, "grantee");
      const results: Uint8Array[] = [];
      for (const any of msg.msgs) {
        const inner = router.decode(any);
        const signers = inner.handler.signers(inner.msg);
        if (signers.length !== 1) throw authzError("authorizationNumOfSigners");
        const granter = address(ctx.chain.prefix, signers[0]!, "signer");
        // DispatchActions: the grant must exist and accept (a CountAuthorization loses a use).
        if (!equalBytes(granter, grantee) && getGrant(ctx, granter, grantee, inner.typeUrl) === undefined) {
          throw authzError(
            "noAuthorizationFound",
            `failed to get grant with given granter: ${signers[0]}, grantee: ${msg.grantee} & msgType: ${inner.typeUrl} `,
          );
        }
        // A grant that does not accept is ErrUnauthorized unwrapped. Neither authorization the devnet
        // grants refuses here: a CountAuthorization is deleted with its last use, so the next MsgExec
        // finds no grant (above).
        if (!equalBytes(granter, grantee) && !acceptGrant(ctx, granter, grantee, inner.typeUrl)) {
          throw sdkError("unauthorized");
        }
        results.push(inner.handler.execute(ctx, inner.msg).value);
      }
      return { typeUrl: "/cosmos.authz.v1beta1.MsgExecResponse", value: MsgExecResponse.encode({ results }).finish() };
    },
  };
}

/** The router of every Msg type the devnet executes. */
export function createRouter(): MsgRouter {
  const router = new MsgRouter();
  for (const handler of metadataHandlers) router.register(handler);
  router.register(send).register(grant).register(revoke);
  router.register(createExec(router));
  return router;
}
