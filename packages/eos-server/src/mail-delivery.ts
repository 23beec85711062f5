import type { HandlerContext } from "./context.js";
import type { MailRecord, StoredObject } from "./storage/object-storage.js";

/** One mail item ready to hand out: the record, its object and the whole stored DIME. */
export interface DeliverableMail {
  readonly mail: MailRecord;
  readonly object: StoredObject;
  readonly data: Uint8Array;
}

/**
 * Loads the DIME of each mail item. An item that cannot be delivered (its object is gone or
 * unreadable, or it is too large for one message) is logged, set aside as dead with the reason, and
 * skipped, so it never blocks the items behind it.
 */
export async function loadMail(context: HandlerContext, items: readonly MailRecord[]): Promise<DeliverableMail[]> {
  const out: DeliverableMail[] = [];
  for (const mail of items) {
    const reason = await loadOne(context, mail).then(
      (loaded) => {
        if (typeof loaded === "string") return loaded;
        out.push(loaded);
        return undefined;
      },
      (error: unknown) => `payload unreadable: ${error instanceof Error ? error.message : String(error)}`,
    );
    if (reason !== undefined) {
      context.logger.error("mail.dead", { uuid: mail.uuid, key: mail.publicKey, reason });
      await context.storage.deadMail(mail.uuid, reason);
    }
  }
  if (out.length > 0) {
    // The delivery count is bookkeeping (it is shown with the item, and nothing depends on it): the
    // items go out while it is written, not after its commit.
    const uuids = out.map((d) => d.mail.uuid);
    context.storage
      .markDelivered(uuids)
      .catch((error: unknown) => context.logger.error("mail.count_failed", { uuids, error }));
  }
  return out;
}

async function loadOne(context: HandlerContext, mail: MailRecord): Promise<DeliverableMail | string> {
  const object = await context.storage.getObject(mail.objectUuid);
  if (object === undefined) return `object ${mail.objectUuid} is missing`;
  const size = object.headerLength + object.bodyLength;
  if (size > context.settings.mailMaxBytes) {
    return `mail is ${size} bytes, larger than the ${context.settings.mailMaxBytes} bytes one MailPayload may carry`;
  }
  const data = new Uint8Array(size);
  let offset = 0;
  for await (const piece of context.storage.readObject(object, 1 << 20)) {
    if (offset + piece.length > size) return `stored mail is longer than its recorded ${size} bytes`;
    data.set(piece, offset);
    offset += piece.length;
  }
  if (offset !== size) return `stored mail has ${offset} bytes, expected ${size}`;
  return { mail, object, data };
}
