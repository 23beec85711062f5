// hydrate(): a scope's current records, fetched from the object store and decoded with the
// caller's schemas (their full names are the records' type names).
import { type DescMessage, fromBinary, type MessageShape } from "@bufbuild/protobuf";
import { base64ToBytes } from "@p8e/hashing-crypto";
import type { ScopeView } from "@p8e/memorializer";
import { MetadataAddress } from "@p8e/spec-model";
import type { EngineContext } from "../engine-context.js";
import { EngineError } from "../errors.js";
import { storeError } from "../store-errors.js";
import { readScope } from "./read-scope.js";

/** One current record of a scope. */
export interface HydratedRecord {
  readonly name: string;
  /** The message's full protobuf name (the record's `process.name`). */
  readonly typeName: string;
  /** The session that wrote it. */
  readonly session: string;
  /** Base64 SHA-256 of each output's encoding (one, or several for a list record). */
  readonly hashes: readonly string[];
  /** Each output's encoding. */
  readonly bytes: readonly Uint8Array[];
  /** Each output decoded, when a schema of its type was given. */
  readonly messages: readonly MessageShape<DescMessage>[] | undefined;
}

/** A scope's current records. */
export interface HydratedScope {
  readonly scope: ScopeView;
  readonly records: readonly HydratedRecord[];
  /**
   * The record `name` as a message of `schema`, or undefined when the scope has no such record.
   * @throws {EngineError} code "invalid-argument" when the record is of another type.
   */
  get<Desc extends DescMessage>(name: string, schema: Desc): MessageShape<Desc> | undefined;
}

export async function hydrateScope(
  ctx: EngineContext,
  scope: string,
  schemas: readonly DescMessage[],
): Promise<HydratedScope> {
  const view = await readScope(ctx, scope);
  const bySchema = new Map(schemas.map((s) => [s.typeName, s]));
  const records = await Promise.all(
    view.records.map(async (record): Promise<HydratedRecord> => {
      const typeName = record.process?.name ?? "";
      const hashes = record.outputs.map((o) => o.hash).filter((h) => h !== "");
      const bytes = await Promise.all(
        hashes.map(async (hash) => {
          try {
            return await ctx.eos.get(base64ToBytes(hash));
          } catch (cause) {
            throw storeError(`loading record ${record.name} (${hash})`, cause);
          }
        }),
      );
      const schema = bySchema.get(typeName);
      return {
        name: record.name,
        typeName,
        session: MetadataAddress.fromBytes(record.sessionId).toString(),
        hashes,
        bytes,
        messages: schema === undefined ? undefined : bytes.map((b) => fromBinary(schema, b)),
      };
    }),
  );
  return {
    scope: view,
    records,
    get(name, schema) {
      const record = records.find((r) => r.name === name);
      if (record === undefined) return undefined;
      if (record.typeName !== schema.typeName) {
        throw new EngineError("invalid-argument", `record ${name} is a ${record.typeName}, not a ${schema.typeName}`);
      }
      const bytes = record.bytes[0];
      return bytes === undefined ? undefined : fromBinary(schema, bytes);
    },
  };
}
