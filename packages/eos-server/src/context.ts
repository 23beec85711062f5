import { createContextKey } from "@connectrpc/connect";
import { type Authority, anonymous, type Caller } from "./auth.js";
import { EosServerError } from "./errors.js";
import type { GcPacer } from "./gc-pacer.js";
import type { Logger } from "./logger.js";
import type { MailHub } from "./mail-hub.js";
import { shortKey } from "./public-keys.js";
import type { ObjectStorage } from "./storage/object-storage.js";

/** Limits and switches the handlers follow. */
export interface HandlerSettings {
  readonly allowUnauthenticated: boolean;
  readonly maxObjectBytes: number;
  readonly maxHeaderBytes: number;
  readonly inlineThreshold: number;
  readonly mailMaxBytes: number;
  readonly replicationEnabled: boolean;
  readonly uriHost: string;
  /** Keys with operator rights (base64). */
  readonly adminKeys: ReadonlySet<string>;
  /** When not empty, only these keys may push replicas here (base64). */
  readonly trustedPeers: ReadonlySet<string>;
  readonly version: string;
}

/** Everything the route handlers share. */
export interface HandlerContext {
  readonly storage: ObjectStorage;
  readonly authority: Authority;
  readonly hub: MailHub;
  readonly logger: Logger;
  readonly settings: HandlerSettings;
  readonly nodePublicKey: Uint8Array;
  /** Collects streaming garbage early; see createGcPacer. */
  readonly gc: GcPacer;
  /** Wakes the replication worker after new work was queued. */
  readonly wakeReplication: () => void;
  /** Aborted when the server shuts down, ending long-lived streams. */
  readonly shutdown: AbortSignal;
}

/** The context value holding who is calling, set by the auth interceptor. */
export const callerKey = createContextKey<Caller>(anonymous, { description: "p8e eos caller" });

/** Refuses a request that acts for `key` unless the caller proved it, or the compatibility switch admits anonymous calls. */
export function requireKey(context: HandlerContext, caller: Caller, key: string, action: string): void {
  if (caller.authenticated) {
    if (!caller.keys.has(key)) {
      throw new EosServerError(
        "permission-denied",
        `${action}: the bearer token does not act for key ${shortKey(key)}`,
      );
    }
    return;
  }
  requireAuthenticated(context, caller, action);
}

/** Refuses an anonymous caller unless the compatibility switch admits them. */
export function requireAuthenticated(context: HandlerContext, caller: Caller, action: string): void {
  if (caller.authenticated || context.settings.allowUnauthenticated) return;
  throw new EosServerError(
    "unauthenticated",
    `${action} needs a bearer token: call p8e.eos.v1.EosService/CreateChallenge, sign it, call Authenticate and send "authorization: Bearer <token>"`,
  );
}

/** Whether the caller is an operator, or anonymous under the compatibility switch. */
export function isAdmin(context: HandlerContext, caller: Caller): boolean {
  if (!caller.authenticated) return context.settings.allowUnauthenticated;
  for (const key of caller.keys) if (context.settings.adminKeys.has(key)) return true;
  return false;
}

/** Whether the caller holds a key registered as local to this store (a member of the store). */
export async function isMember(context: HandlerContext, caller: Caller): Promise<boolean> {
  for (const key of caller.keys) {
    const record = await context.storage.getKey(key);
    if (record !== undefined && record.url === "") return true;
  }
  return false;
}
