import { create } from "@bufbuild/protobuf";
import { EmptySchema } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import { type MailboxService, MailPayloadSchema, UUIDSchema } from "@p8e/spec-model/objectstore";
import { callerKey, type HandlerContext, requireAuthenticated, requireKey } from "../context.js";
import { EosServerError, invalid, toConnectError } from "../errors.js";
import { loadMail } from "../mail-delivery.js";
import { keyToBase64, shortKey } from "../public-keys.js";
import { describeError } from "./object-service.js";

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const defaultMaxResults = 100;
const maxMaxResults = 1000;

/** Checks a mailbox item uuid from a request. */
export function mailUuid(value: string | undefined, title: string): string {
  if (value === undefined || value === "") throw invalid(`${title} is missing`);
  if (!uuidPattern.test(value)) throw invalid(`${title} ${JSON.stringify(value)} is not a UUID`);
  return value.toLowerCase();
}

/** Clamps a requested batch size: 0 or less means the default (upstream's LIMIT 0 returned nothing). */
export function batchSize(requested: number): number {
  if (requested <= 0) return defaultMaxResults;
  return Math.min(requested, maxMaxResults);
}

/** MailboxService (upstream's Get and Ack): unacked mail, oldest first, at least once until acked. */
export function mailboxService(context: HandlerContext): ServiceImpl<typeof MailboxService> {
  return {
    async *get(request, handler) {
      const caller = handler.values.get(callerKey);
      let key: string;
      try {
        key = keyToBase64(request.publicKey, "GetRequest.public_key");
        requireKey(context, caller, key, "MailboxService.Get");
      } catch (error) {
        throw toConnectError(error);
      }
      const items = await context.storage.pendingMail(key, batchSize(request.maxResults));
      for (const item of await loadMail(context, items)) {
        yield create(MailPayloadSchema, { uuid: create(UUIDSchema, { value: item.mail.uuid }), data: item.data });
      }
    },

    async ack(request, handler) {
      const caller = handler.values.get(callerKey);
      try {
        const uuid = mailUuid(request.uuid?.value, "AckRequest.uuid");
        let scope: string[] | undefined;
        if (request.publicKey.length > 0) {
          const key = keyToBase64(request.publicKey, "AckRequest.public_key");
          requireKey(context, caller, key, "MailboxService.Ack");
          scope = [key];
        } else if (caller.authenticated) {
          scope = [...caller.keys];
        } else {
          requireAuthenticated(context, caller, "MailboxService.Ack");
        }
        const outcome = await context.storage.ackMail(uuid, scope);
        if (outcome === "not-found") {
          throw new EosServerError(
            "not-found",
            `no mail item ${uuid}${scope === undefined ? "" : ` for ${scope.map(shortKey).join(", ")}`}`,
          );
        }
        context.logger.debug("mail.ack", { uuid, outcome });
        return create(EmptySchema);
      } catch (error) {
        context.logger.info("mail.ack_refused", { error: describeError(error) });
        throw toConnectError(error);
      }
    },
  };
}
