import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import {
  AuthenticateResponseSchema,
  CreateChallengeResponseSchema,
  DeadMailSchema,
  type EosService,
  GetMailboxStatusResponseSchema,
  GetReplicationStatusResponseSchema,
  GetServerInfoResponseSchema,
  ListDeadMailResponseSchema,
  ListPartiesResponseSchema,
  MailItemSchema,
  ObjectStatSchema,
  RejectMailResponseSchema,
  RemoteStatusSchema,
  RequeueMailResponseSchema,
  StatObjectResponseSchema,
  SubscribeMailResponseSchema,
} from "@p8e/spec-model/eos";
import type { Caller } from "../auth.js";
import { callerKey, type HandlerContext, isAdmin, isMember, requireAuthenticated, requireKey } from "../context.js";
import { EosServerError, invalid, toConnectError } from "../errors.js";
import { loadMail } from "../mail-delivery.js";
import { keyFromBase64, keyToBase64 } from "../public-keys.js";
import type { MailRecord } from "../storage/object-storage.js";
import { batchSize, mailUuid } from "./mailbox-service.js";
import { requestedOwner } from "./object-owner.js";
import { describeError } from "./object-service.js";
import { publishedCard } from "./public-key-service.js";

/** The most cards ListParties answers with. */
const LIST_PARTIES_LIMIT = 1000;

/** Our own service: authentication, object stat, pushed mail with a dead-letter shelf, replication status. */
export function eosService(context: HandlerContext): ServiceImpl<typeof EosService> {
  const { storage, settings, logger } = context;

  async function ownedMail(
    caller: Caller,
    uuidText: string | undefined,
    keyBytes: Uint8Array,
    action: string,
  ): Promise<MailRecord> {
    const uuid = mailUuid(uuidText, `${action}.uuid`);
    const key = keyToBase64(keyBytes, `${action}.public_key`);
    requireKey(context, caller, key, action);
    const mail = await storage.getMail(uuid);
    if (mail === undefined || mail.publicKey !== key)
      throw new EosServerError("not-found", `no mail item ${uuid} for this key`);
    return mail;
  }

  const guard = async <T>(action: string, body: () => Promise<T>): Promise<T> => {
    try {
      return await body();
    } catch (error) {
      logger.info("eos.refused", { action, error: describeError(error) });
      throw toConnectError(error);
    }
  };

  return {
    async getServerInfo() {
      return create(GetServerInfoResponseSchema, {
        nodePublicKey: context.nodePublicKey,
        authRequired: !settings.allowUnauthenticated,
        maxObjectBytes: BigInt(settings.maxObjectBytes),
        version: settings.version,
      });
    },

    async createChallenge() {
      const issued = context.authority.issueChallenge();
      return create(CreateChallengeResponseSchema, {
        challenge: issued.challenge,
        expiresAt: timestampFromMs(issued.expiresAt),
      });
    },

    authenticate(request) {
      return guard("Authenticate", async () => {
        const issued = context.authority.authenticate(request.challenge, request.proofs);
        logger.info("auth.token_issued", { keys: issued.keys.length, expiresAt: issued.expiresAt });
        return create(AuthenticateResponseSchema, {
          token: issued.token,
          expiresAt: timestampFromMs(issued.expiresAt),
          publicKeys: issued.keys.map(keyFromBase64),
        });
      });
    },

    statObject(request, handler) {
      return guard("StatObject", async () => {
        const caller = handler.values.get(callerKey);
        if (request.hash.length < 16 || request.hash.length > 64)
          throw invalid(`StatObjectRequest.hash must be 16 to 64 bytes, got ${request.hash.length}`);
        const key = keyToBase64(request.publicKey, "StatObjectRequest.public_key");
        requireKey(context, caller, key, "StatObject");
        const owner = requestedOwner(handler.requestHeader);
        const object = await storage.findObject(Buffer.from(request.hash).toString("base64"), key, owner);
        if (object === undefined) return create(StatObjectResponseSchema, { exists: false });
        return create(StatObjectResponseSchema, {
          exists: true,
          stat: create(ObjectStatSchema, {
            uuid: object.uuid,
            dimeUuid: object.dimeUuid,
            hash: Buffer.from(object.hash, "base64"),
            dimeLength: BigInt(object.headerLength + object.bodyLength),
            contentLength: BigInt(object.contentLength),
            created: timestampFromMs(object.createdAt),
            ownerPublicKey: keyFromBase64(object.owner),
            audience: object.audience.map(keyFromBase64),
            mailType: object.mailType ?? "",
          }),
        });
      });
    },

    async *subscribeMail(request, handler) {
      const caller = handler.values.get(callerKey);
      let key: string;
      try {
        key = keyToBase64(request.publicKey, "SubscribeMailRequest.public_key");
        requireKey(context, caller, key, "SubscribeMail");
      } catch (error) {
        throw toConnectError(error);
      }
      let wake: (() => void) | undefined;
      let dirty = true;
      const unsubscribe = context.hub.subscribe(key, () => {
        dirty = true;
        wake?.();
      });
      const onAbort = () => wake?.();
      handler.signal.addEventListener("abort", onAbort);
      context.shutdown.addEventListener("abort", onAbort);
      logger.info("mail.subscribed", { subscriptions: context.hub.size });
      try {
        let lastSeq = 0;
        let sentReady = false;
        let backlog = 0;
        while (!handler.signal.aborted && !context.shutdown.aborted) {
          if (!dirty) {
            await new Promise<void>((resolve) => {
              wake = resolve;
              if (dirty || handler.signal.aborted || context.shutdown.aborted) resolve();
            });
            wake = undefined;
            continue;
          }
          dirty = false;
          for (;;) {
            const records = await storage.pendingMail(key, 100, lastSeq);
            if (records.length === 0) break;
            lastSeq = records[records.length - 1]!.seq;
            for (const item of await loadMail(context, records)) {
              if (!sentReady) backlog++;
              yield create(SubscribeMailResponseSchema, {
                event: {
                  case: "mail",
                  value: create(MailItemSchema, {
                    uuid: item.mail.uuid,
                    data: item.data,
                    messageType: item.mail.messageType,
                    hash: Buffer.from(item.object.hash, "base64"),
                    senderPublicKey: keyFromBase64(item.object.owner),
                    created: timestampFromMs(item.mail.createdAt),
                    deliveries: item.mail.deliveries + 1,
                  }),
                },
              });
            }
          }
          if (!sentReady) {
            sentReady = true;
            yield create(SubscribeMailResponseSchema, { event: { case: "ready", value: { backlog } } });
          }
        }
      } finally {
        unsubscribe();
        handler.signal.removeEventListener("abort", onAbort);
        context.shutdown.removeEventListener("abort", onAbort);
        logger.info("mail.unsubscribed", { subscriptions: context.hub.size });
      }
    },

    rejectMail(request, handler) {
      return guard("RejectMail", async () => {
        const mail = await ownedMail(handler.values.get(callerKey), request.uuid, request.publicKey, "RejectMail");
        const reason = request.reason.trim() === "" ? "rejected by the recipient" : request.reason.slice(0, 1000);
        await storage.deadMail(mail.uuid, reason);
        logger.warn("mail.rejected", { uuid: mail.uuid, reason });
        return create(RejectMailResponseSchema);
      });
    },

    listDeadMail(request, handler) {
      return guard("ListDeadMail", async () => {
        const caller = handler.values.get(callerKey);
        const key = keyToBase64(request.publicKey, "ListDeadMailRequest.public_key");
        requireKey(context, caller, key, "ListDeadMail");
        const items = await storage.deadMailFor(key, batchSize(request.maxResults));
        const out = [];
        for (const mail of items) {
          const object = await storage.getObject(mail.objectUuid);
          out.push(
            create(DeadMailSchema, {
              uuid: mail.uuid,
              hash: object === undefined ? new Uint8Array() : Buffer.from(object.hash, "base64"),
              messageType: mail.messageType,
              reason: mail.deadReason ?? "",
              created: timestampFromMs(mail.createdAt),
              deadAt: timestampFromMs(mail.deadAt ?? 0),
            }),
          );
        }
        return create(ListDeadMailResponseSchema, { items: out });
      });
    },

    requeueMail(request, handler) {
      return guard("RequeueMail", async () => {
        const mail = await ownedMail(handler.values.get(callerKey), request.uuid, request.publicKey, "RequeueMail");
        await storage.requeueMail(mail.uuid);
        context.hub.notify([mail.publicKey]);
        return create(RequeueMailResponseSchema);
      });
    },

    getMailboxStatus(request, handler) {
      return guard("GetMailboxStatus", async () => {
        const caller = handler.values.get(callerKey);
        const key = keyToBase64(request.publicKey, "GetMailboxStatusRequest.public_key");
        requireKey(context, caller, key, "GetMailboxStatus");
        const counts = await storage.mailCounts(key);
        return create(GetMailboxStatusResponseSchema, { pending: BigInt(counts.pending), dead: BigInt(counts.dead) });
      });
    },

    listParties() {
      return guard("ListParties", async () => {
        // Only cards the parties registered themselves (checked then); the earliest first and a
        // bounded number, so parties that register later cannot crowd out the first.
        const parties = (await storage.localKeysWithMetadata(LIST_PARTIES_LIMIT)).flatMap((record) => {
          const card = publishedCard(record);
          return card === undefined ? [] : [card];
        });
        return create(ListPartiesResponseSchema, { parties });
      });
    },

    getReplicationStatus(_request, handler) {
      return guard("GetReplicationStatus", async () => {
        const caller = handler.values.get(callerKey);
        requireAuthenticated(context, caller, "GetReplicationStatus");
        if (caller.authenticated && !isAdmin(context, caller) && !(await isMember(context, caller))) {
          throw new EosServerError(
            "permission-denied",
            "GetReplicationStatus needs an admin key or a key registered as local here",
          );
        }
        const status = await storage.replicationStatus();
        return create(GetReplicationStatusResponseSchema, {
          remotes: status.remotes.map((remote) =>
            create(RemoteStatusSchema, {
              publicKey: keyFromBase64(remote.publicKey),
              url: remote.url,
              pending: BigInt(remote.pending),
              replicated: BigInt(remote.replicated),
              attempts: remote.attempts,
              lastError: remote.lastError ?? "",
              ...(remote.lastErrorAt === undefined ? {} : { lastErrorAt: timestampFromMs(remote.lastErrorAt) }),
              ...(remote.nextAttemptAt === undefined || remote.pending === 0
                ? {}
                : { nextAttemptAt: timestampFromMs(remote.nextAttemptAt) }),
            }),
          ),
          unrouted: BigInt(status.unrouted),
          unroutedKeys: status.unroutedKeys.map((k) => ({
            publicKey: keyFromBase64(k.publicKey),
            pending: BigInt(k.pending),
          })),
        });
      });
    },
  };
}
