import type { Envelope } from "@p8e/spec-model";
import { GenericAuthorization } from "cosmjs-types/cosmos/authz/v1beta1/authz";
import { MsgGrant, MsgRevoke } from "cosmjs-types/cosmos/authz/v1beta1/tx";
import { addressPrefixOf, invokerAddressOf } from "./envelope-to-msgs.js";
import { MemorializerError } from "./errors.js";
import { authzTypeUrls, metadataTypeUrls } from "./type-urls.js";

/** A MsgGrant ready for a CosmJS transaction. */
export interface MsgGrantEncodeObject {
  readonly typeUrl: typeof authzTypeUrls.grant;
  readonly value: MsgGrant;
}

/** A MsgRevoke ready for a CosmJS transaction. */
export interface MsgRevokeEncodeObject {
  readonly typeUrl: typeof authzTypeUrls.revoke;
  readonly value: MsgRevoke;
}

/** Options of authzGrantMsgs() and authzRevokeMsgs(). */
export interface AuthzOptions {
  /** The counterparty's account address: the party that grants. */
  readonly granter: string;
  /** The account that will broadcast the envelope's Msgs; defaults to the invoker's address. */
  readonly grantee?: string;
  /** Bech32 prefix of the invoker's address; defaults to the envelope's network. */
  readonly addressPrefix?: string;
}

/** Options of authzGrantMsgs(). */
export interface AuthzGrantOptions extends AuthzOptions {
  /** When the grants lapse; defaults to one hour after `now`. */
  readonly expiration?: Date;
  /** The current time, for the default expiration; defaults to the wall clock. */
  readonly now?: Date;
}

/** How long a grant lasts when no expiration is given, as upstream: one hour. */
export const defaultGrantLifetimeMs = 60 * 60 * 1000;

/**
 * The Msg types a counterparty must let the invoker send for it, as upstream decides: writing the
 * scope (or, for an existing scope, adding data access) and writing the session (or, for an
 * existing session, writing records).
 */
export function authzMsgTypeUrls(envelope: Envelope): string[] {
  return [
    envelope.newScope ? metadataTypeUrls.writeScope : metadataTypeUrls.addScopeDataAccess,
    envelope.newSession ? metadataTypeUrls.writeSession : metadataTypeUrls.writeRecord,
  ];
}

function parties(envelope: Envelope, options: AuthzOptions): { granter: string; grantee: string } {
  if (options.granter === "") throw new MemorializerError("invalid-argument", "an authz grant needs a granter");
  const grantee = options.grantee ?? invokerAddressOf(envelope, addressPrefixOf(envelope, options.addressPrefix));
  if (grantee === options.granter) {
    throw new MemorializerError("invalid-argument", `granter and grantee are the same account ${grantee}`);
  }
  return { granter: options.granter, grantee };
}

/**
 * The MsgGrants (GenericAuthorization, one per Msg type of authzMsgTypeUrls()) with which a
 * counterparty lets the invoker memorialize the envelope on its behalf. Broadcast them from the
 * granter's account before the invoker broadcasts the envelope.
 * @throws {MemorializerError} code "invalid-argument" for an expiration not after `now`, or
 *   "invalid-envelope" when the invoker's address cannot be derived.
 */
export function authzGrantMsgs(envelope: Envelope, options: AuthzGrantOptions): MsgGrantEncodeObject[] {
  const { granter, grantee } = parties(envelope, options);
  const now = options.now ?? new Date();
  const expiration = options.expiration ?? new Date(now.getTime() + defaultGrantLifetimeMs);
  if (Number.isNaN(expiration.getTime()) || expiration.getTime() <= now.getTime()) {
    throw new MemorializerError(
      "invalid-argument",
      `grant expiration ${String(expiration)} is not after ${now.toISOString()}`,
    );
  }
  const millis = expiration.getTime();
  const seconds = BigInt(Math.floor(millis / 1000));
  const nanos = (millis - Number(seconds) * 1000) * 1_000_000;
  return authzMsgTypeUrls(envelope).map((msg) => ({
    typeUrl: authzTypeUrls.grant,
    value: MsgGrant.fromPartial({
      granter,
      grantee,
      grant: {
        authorization: {
          typeUrl: authzTypeUrls.genericAuthorization,
          value: GenericAuthorization.encode(GenericAuthorization.fromPartial({ msg })).finish(),
        },
        expiration: { seconds, nanos },
      },
    }),
  }));
}

/** The MsgRevokes that withdraw the grants authzGrantMsgs() builds for the same envelope. */
export function authzRevokeMsgs(envelope: Envelope, options: AuthzOptions): MsgRevokeEncodeObject[] {
  const { granter, grantee } = parties(envelope, options);
  return authzMsgTypeUrls(envelope).map((msgTypeUrl) => ({
    typeUrl: authzTypeUrls.revoke,
    value: MsgRevoke.fromPartial({ granter, grantee, msgTypeUrl }),
  }));
}
