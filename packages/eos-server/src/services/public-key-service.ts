import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { type Any, AnySchema, timestampFromMs } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import { isEosError, openPartyCard, partyCardFromMetadata } from "@p8e/eos-client";
import { type SignedPartyCard, SignedPartyCardSchema } from "@p8e/spec-model/eos";
import {
  PublicKeyResponseSchema,
  PublicKeySchema,
  type PublicKeyService,
  UUIDSchema,
} from "@p8e/spec-model/objectstore";
import { callerKey, type HandlerContext, isAdmin, isMember, requireAuthenticated } from "../context.js";
import { EosServerError, invalid, toConnectError } from "../errors.js";
import { keyFromBase64, keyToBase64, shortKey } from "../public-keys.js";
import type { KeyRecord } from "../storage/object-storage.js";
import { describeError } from "./object-service.js";

const urlSchemes: Record<string, string> = {
  "http:": "http:",
  "https:": "https:",
  "grpc:": "http:",
  "grpcs:": "https:",
  "tcp:": "http:",
};

/**
 * The base URL a registered store URL is reached at: http(s) as given; upstream's `grpc://`, `tcp://`
 * (plaintext) and `grpcs://` (TLS) are mapped to http and https. Throws INVALID_ARGUMENT otherwise.
 */
export function storeUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalid(`PublicKeyRequest.url ${JSON.stringify(url)} is not a URL`);
  }
  const scheme = urlSchemes[parsed.protocol];
  if (scheme === undefined || parsed.host === "") {
    throw invalid(`PublicKeyRequest.url ${JSON.stringify(url)} must be http(s)://, grpc(s):// or tcp:// with a host`);
  }
  return `${scheme}//${parsed.host}${parsed.pathname === "/" ? "" : parsed.pathname}`;
}

/**
 * PublicKeyService.Add, authenticated: a caller may register its own keys (local or remote); a member
 * of this store (a caller holding a key registered local here) may register other parties' keys with
 * their remote store URL, but never take over a local key; admin keys may register anything.
 */
export function publicKeyService(context: HandlerContext): ServiceImpl<typeof PublicKeyService> {
  return {
    async add(request, handler) {
      const caller = handler.values.get(callerKey);
      try {
        requireAuthenticated(context, caller, "PublicKeyService.Add");
        if (request.publicKey?.key.case !== "secp256k1")
          throw invalid("PublicKeyRequest.public_key.secp256k1 is missing");
        const key = keyToBase64(request.publicKey.key.value, "PublicKeyRequest.public_key");
        if (request.impl.case === "headerAuth") {
          const { header, value } = request.impl.value;
          if (header.trim() === "" || value.trim() === "")
            throw invalid("PublicKeyRequest.header_auth needs a header and a value");
        }
        const url = request.url.trim();
        if (url !== "") storeUrl(url);
        const existing = await context.storage.getKey(key);
        if (caller.authenticated && !caller.keys.has(key) && !isAdmin(context, caller)) {
          if (url === "") {
            throw new EosServerError(
              "permission-denied",
              `PublicKeyService.Add: only the holder of key ${shortKey(key)} or an admin may register it as local`,
            );
          }
          if (existing !== undefined && existing.url === "") {
            throw new EosServerError(
              "permission-denied",
              `PublicKeyService.Add: key ${shortKey(key)} is local to this store; only its holder or an admin may point it elsewhere`,
            );
          }
          if (!(await isMember(context, caller))) {
            throw new EosServerError(
              "permission-denied",
              "PublicKeyService.Add: registering another party's key needs a token for a key registered as local here",
            );
          }
        }
        if (request.metadata?.typeUrl.endsWith(`/${SignedPartyCardSchema.typeName}`)) {
          checkPartyCard(context, request.metadata, key, url, caller.authenticated && caller.keys.has(key));
        }
        const metadata = request.metadata === undefined ? undefined : toBinary(AnySchema, request.metadata);
        const callerKeyText = caller.authenticated ? [...caller.keys][0] : undefined;
        const record = await context.storage.upsertKey({ publicKey: key, url, metadata, registeredBy: callerKeyText });
        if (url !== "") context.wakeReplication();
        context.logger.info("key.add", {
          key: shortKey(key),
          url,
          by: callerKeyText === undefined ? "anonymous" : shortKey(callerKeyText),
        });
        return create(PublicKeyResponseSchema, {
          uuid: create(UUIDSchema, { value: record.uuid }),
          publicKey: create(PublicKeySchema, { key: { case: "secp256k1", value: keyFromBase64(record.publicKey) } }),
          url: record.url,
          ...(record.metadata === undefined ? {} : { metadata: fromBinary(AnySchema, record.metadata) }),
          createdAt: timestampFromMs(record.createdAt),
          updatedAt: timestampFromMs(record.updatedAt),
        });
      } catch (error) {
        context.logger.info("key.add_refused", { error: describeError(error) });
        throw toConnectError(error);
      }
    },
  };
}

/**
 * A party card may only be published by its own party, for its key served here, naming this store's
 * node key, and it must verify: so what ListParties shows is what each party said of itself.
 */
function checkPartyCard(context: HandlerContext, metadata: Any, key: string, url: string, byHolder: boolean): void {
  if (!byHolder || url !== "") {
    throw new EosServerError(
      "permission-denied",
      "PublicKeyService.Add: a party card is registered only by its party, for its own key served here (no url)",
    );
  }
  let card: ReturnType<typeof openPartyCard>;
  try {
    const signed = partyCardFromMetadata(metadata);
    if (signed === undefined) throw invalid("the metadata is not a p8e.eos.v1.SignedPartyCard");
    card = openPartyCard(signed);
  } catch (error) {
    if (isEosError(error)) throw invalid(`PublicKeyRequest.metadata: ${error.message}`);
    throw error;
  }
  if (keyToBase64(card.encryptionPublicKey, "card") !== key) {
    throw invalid("PublicKeyRequest.metadata: the party card's encryption_public_key is not the key registered");
  }
  if (!Buffer.from(card.storeNodePublicKey).equals(Buffer.from(context.nodePublicKey))) {
    throw invalid(
      "PublicKeyRequest.metadata: the party card's store_node_public_key is not this store's node key (GetServerInfo)",
    );
  }
}

/**
 * The signed card a local registration published, or undefined. Add checked it (signatures, key,
 * node key) when it was registered, and readers check it again, so an open ListParties does not
 * verify every card once more per call.
 */
export function publishedCard(record: KeyRecord): SignedPartyCard | undefined {
  if (record.metadata === undefined || record.url !== "") return undefined;
  try {
    return partyCardFromMetadata(fromBinary(AnySchema, record.metadata));
  } catch {
    return undefined;
  }
}
