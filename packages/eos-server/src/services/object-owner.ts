import type { Caller } from "../auth.js";
import type { HandlerContext } from "../context.js";
import type { DimeHeaderInfo } from "../dime-header.js";
import { EosServerError, invalid } from "../errors.js";
import { keyToBase64, shortKey } from "../public-keys.js";
import type { PutAuthority } from "../receive-put.js";

/**
 * The request header that asks ObjectService.Get (and EosService/StatObject) for one owner's object:
 * standard base64 of the owner's public key (65- or 33-byte point). Upstream's HashRequest names only
 * a hash and a reader, and several owners may have stored objects with one hash for one reader; a
 * header keeps the request message exactly upstream's. Get answers with the same header naming the
 * owner of the object it serves.
 */
export const OWNER_HEADER = "x-p8e-eos-owner";

/** The owner a request asks for (store form), or undefined when it names none. */
export function requestedOwner(headers: Headers): string | undefined {
  const text = headers.get(OWNER_HEADER)?.trim();
  if (text === undefined || text === "") return undefined;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text)) throw invalid(`${OWNER_HEADER} must be standard base64 of a public key`);
  return keyToBase64(new Uint8Array(Buffer.from(text, "base64")), OWNER_HEADER);
}

/** Whether the caller authenticated with a node key listed in `trustedPeers`. */
export function isTrustedPeer(context: HandlerContext, caller: Caller): boolean {
  for (const key of caller.keys) if (context.settings.trustedPeers.has(key)) return true;
  return false;
}

/**
 * Who may store a DIME: the caller who proved it holds the owner key (and may then replace its own
 * stored object), or a trusted peer store relaying a replica (which a store trusts to have checked
 * the owner). Anyone else is refused, whatever the stream claims (`SOURCE::TYPE: REPLICATION` only
 * counts from trusted peers). Anonymous callers get through only under the compatibility switch,
 * as on upstream stores, and can never replace a stored object.
 */
export async function authorizePut(
  context: HandlerContext,
  caller: Caller,
  header: DimeHeaderInfo,
  markedReplica: boolean,
): Promise<PutAuthority> {
  if (!caller.authenticated) return { replica: markedReplica, replace: false };
  if (caller.keys.has(header.owner)) return { replica: false, replace: true };
  if (!isTrustedPeer(context, caller)) {
    if (!markedReplica) {
      throw new EosServerError(
        "permission-denied",
        `ObjectService.Put: the bearer token does not act for the DIME owner ${shortKey(header.owner)}`,
      );
    }
    const how =
      context.settings.trustedPeers.size === 0
        ? "this store trusts no peer store"
        : `the caller's keys are not among this store's ${context.settings.trustedPeers.size} trusted peers`;
    throw new EosServerError(
      "permission-denied",
      `ObjectService.Put: a replica (SOURCE::TYPE REPLICATION) of an object owned by ${shortKey(header.owner)} is accepted only from a trusted peer store, and ${how}; ` +
        "to accept replicas from a store, add its node key (EosService/GetServerInfo node_public_key, hex) to trustedPeers (EOS_TRUSTED_PEERS)",
    );
  }
  for (const key of header.audience) {
    const record = await context.storage.getKey(key);
    if (record !== undefined && record.url === "" && key !== header.owner) return { replica: true, replace: true };
  }
  throw new EosServerError(
    "permission-denied",
    "ObjectService.Put: a replica must be addressed to a key registered as local on this store",
  );
}
