import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import {
  type ChunkBidi,
  ChunkBidiSchema,
  ObjectMetadataSchema,
  ObjectResponseSchema,
  type ObjectService,
  UUIDSchema,
} from "@p8e/spec-model/objectstore";
import { callerKey, type HandlerContext, requireAuthenticated } from "../context.js";
import type { DimeHeaderInfo } from "../dime-header.js";
import { EosServerError, invalid, toConnectError } from "../errors.js";
import { keyToBase64, shortKey } from "../public-keys.js";
import { receivePut } from "../receive-put.js";
import { authorizePut, OWNER_HEADER, requestedOwner } from "./object-owner.js";

/**
 * Get answers in pieces of a little under 1 MiB (upstream uses 2,000,000 bytes; readers accept any
 * size): protobuf's writer doubles its buffer, so a message of exactly 1 MiB of data would take a
 * 2 MiB buffer, one just under takes 1 MiB.
 */
export const GET_CHUNK_BYTES = 1024 * 1024 - 64;
const nilUuid = "00000000-0000-0000-0000-000000000000";

/** ObjectService (upstream's Put and Get) over the store. */
export function objectService(context: HandlerContext): ServiceImpl<typeof ObjectService> {
  const { storage, settings, logger } = context;
  return {
    async put(requests, handler) {
      const caller = handler.values.get(callerKey);
      const started = Date.now();
      try {
        requireAuthenticated(context, caller, "ObjectService.Put");
        const authorize = (header: DimeHeaderInfo, markedReplica: boolean) =>
          authorizePut(context, caller, header, markedReplica);
        const result = await receivePut(requests, {
          storage,
          maxObjectBytes: settings.maxObjectBytes,
          maxHeaderBytes: settings.maxHeaderBytes,
          inlineThreshold: settings.inlineThreshold,
          replicationEnabled: settings.replicationEnabled,
          onBytes: (n) => context.gc.account(n),
          authorize,
        });
        const object = result.object;
        if (result.mail.length > 0) context.hub.notify(result.mail.map((m) => m.publicKey));
        if (result.replicationQueued > 0) context.wakeReplication();
        logger.info("object.put", {
          uuid: object.uuid,
          hash: object.hash,
          owner: shortKey(object.owner),
          bytes: object.headerLength + object.bodyLength,
          created: result.created,
          mail: result.mail.length,
          replication: result.replicationQueued,
          ms: Date.now() - started,
        });
        return create(ObjectResponseSchema, {
          uuid: create(UUIDSchema, { value: object.uuid }),
          hash: Buffer.from(object.hash, "base64"),
          uri: `object://${settings.uriHost}/${object.hash}`,
          bucket: "",
          // Upstream names the blob, or NOT_STORAGE_BACKED for payloads kept in the database.
          name: object.blob ?? "NOT_STORAGE_BACKED",
          metadata: create(ObjectMetadataSchema, {
            length: BigInt(object.headerLength + object.bodyLength),
            contentLength: BigInt(object.contentLength),
          }),
          created: timestampFromMs(object.createdAt),
          dimeUuid: create(UUIDSchema, { value: object.dimeUuid }),
        });
      } catch (error) {
        logger.warn("object.put_refused", { error: describeError(error), ms: Date.now() - started });
        throw toConnectError(error);
      }
    },

    async *get(request, handler) {
      const caller = handler.values.get(callerKey);
      let object: Awaited<ReturnType<typeof storage.findObject>>;
      let hash: string;
      try {
        if (request.hash.length < 16 || request.hash.length > 64) {
          throw invalid(`HashRequest.hash must be 16 to 64 bytes, got ${request.hash.length}`);
        }
        hash = Buffer.from(request.hash).toString("base64");
        const key = keyToBase64(request.publicKey, "HashRequest.public_key");
        const owner = requestedOwner(handler.requestHeader);
        if (caller.authenticated && !caller.keys.has(key)) {
          throw new EosServerError(
            "permission-denied",
            `ObjectService.Get: the bearer token does not act for key ${shortKey(key)}`,
          );
        }
        requireAuthenticated(context, caller, "ObjectService.Get");
        object = await storage.findObject(hash, key, owner);
        if (object === undefined) {
          const from = owner === undefined ? "" : ` from owner ${shortKey(owner)}`;
          if (caller.authenticated && (await storage.hasHash(hash, owner))) {
            throw new EosServerError(
              "permission-denied",
              `ObjectService.Get: key ${shortKey(key)} is neither the owner nor in the audience of object ${hash}${from}`,
            );
          }
          throw new EosServerError("not-found", `no object with hash ${hash}${from} for key ${shortKey(key)}`);
        }
        // Which owner's object this is, so that a reader who did not ask by owner can tell.
        handler.responseHeader.set(OWNER_HEADER, object.owner);
      } catch (error) {
        logger.info("object.get_refused", { error: describeError(error) });
        throw toConnectError(error);
      }
      yield create(ChunkBidiSchema, {
        impl: { case: "multiStreamHeader", value: { streamCount: 1, metadata: { "x-created-by": nilUuid } } },
      });
      let first = true;
      try {
        for await (const piece of storage.readObject(object, GET_CHUNK_BYTES)) {
          const message: ChunkBidi = create(ChunkBidiSchema, {
            impl: {
              case: "chunk",
              value: {
                ...(first ? { header: { name: "DIME", contentLength: BigInt(object.contentLength) } } : {}),
                impl: { case: "data", value: piece },
              },
            },
          });
          first = false;
          context.gc.account(piece.length);
          yield message;
        }
      } catch (error) {
        logger.error("object.get_failed", { uuid: object.uuid, error: describeError(error) });
        throw toConnectError(error);
      }
      yield create(ChunkBidiSchema, { impl: { case: "chunk", value: { impl: { case: "end", value: {} } } } });
      logger.debug("object.get", { uuid: object.uuid, hash: object.hash });
    },
  };
}

/** A short description of a failure for logs. */
export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
