import { create, type DescMessage, fromBinary, type MessageInitShape, toBinary } from "@bufbuild/protobuf";
import type { GeneratedType } from "@cosmjs/proto-signing";
import { Registry } from "@cosmjs/proto-signing";
import { defaultRegistryTypes } from "@cosmjs/stargate";
import * as metadata from "@p8e/spec-model/metadata";
import { GenericAuthorization } from "cosmjs-types/cosmos/authz/v1beta1/authz";
import { authzTypeUrls } from "./type-urls.js";

/**
 * Adapts a protobuf-es schema to the shape CosmJS's Registry expects: `encode(m).finish()`,
 * `decode(bytes)` and `fromPartial(init)`. Plain objects are completed with `create` first, so
 * callers may pass either a message or its init shape.
 */
export function toGeneratedType<Desc extends DescMessage>(schema: Desc): GeneratedType {
  const adapter = {
    encode: (message: MessageInitShape<Desc>) => {
      const bytes = toBinary(schema, create(schema, message));
      return { finish: () => bytes };
    },
    decode: (input: Uint8Array) => fromBinary(schema, input),
    fromPartial: (init: MessageInitShape<Desc>) => create(schema, init),
  };
  // The Registry only ever calls encode(message).finish(); it never uses the writer argument.
  return adapter as unknown as GeneratedType;
}

function isMessageSchema(value: unknown): value is DescMessage {
  return typeof value === "object" && value !== null && (value as { kind?: unknown }).kind === "message";
}

/**
 * Every `provenance.metadata.v1` Msg request and response from @p8e/spec-model, keyed by its type
 * URL, as CosmJS registry entries.
 */
export function metadataRegistryTypes(): ReadonlyArray<[string, GeneratedType]> {
  const entries: Array<[string, GeneratedType]> = [];
  for (const value of Object.values(metadata)) {
    if (!isMessageSchema(value)) continue;
    if (!/^provenance\.metadata\.v1\.Msg\w+(Request|Response)$/.test(value.typeName)) continue;
    entries.push([`/${value.typeName}`, toGeneratedType(value)]);
  }
  entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return entries;
}

/**
 * A CosmJS Registry with the standard Cosmos SDK Msgs (bank, authz, …) plus every metadata Msg,
 * so transactions mixing authz grants, transfers and metadata writes encode and decode.
 */
export function createRegistry(): Registry {
  return new Registry([
    ...defaultRegistryTypes,
    [authzTypeUrls.genericAuthorization, GenericAuthorization],
    ...metadataRegistryTypes(),
  ]);
}
