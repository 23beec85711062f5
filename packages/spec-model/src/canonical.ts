import { create, type DescMessage, type MessageShape, toBinary } from "@bufbuild/protobuf";
import { isReflectMap, isReflectMessage, type ReflectMessage, reflect } from "@bufbuild/protobuf/reflect";

/**
 * The encoding every hash and signature in P8e is taken over: fields in field-number order,
 * proto3 defaults omitted, repeated scalars packed, map entries sorted by key, no unknown fields.
 * It equals what Java's protobuf writes for messages without maps, and its deterministic mode for maps.
 */
export function toCanonicalBinary<Desc extends DescMessage>(schema: Desc, message: MessageShape<Desc>): Uint8Array {
  const copy = create(schema);
  copyCanonical(reflect(schema, message), reflect(schema, copy));
  return toBinary(schema, copy, { writeUnknownFields: false });
}

// Copies `from` into `to` field by field, inserting map entries in sorted key order.
function copyCanonical(from: ReflectMessage, to: ReflectMessage): void {
  for (const field of from.fields) {
    if (!from.isSet(field)) continue;
    switch (field.fieldKind) {
      case "scalar":
      case "enum":
        to.set(field, from.get(field));
        break;
      case "message": {
        const value = from.get(field);
        const target = reflect(field.message);
        copyCanonical(value, target);
        to.set(field, target);
        break;
      }
      case "list": {
        const source = from.get(field);
        const target = to.get(field);
        for (const item of source) {
          if (isReflectMessage(item)) {
            const copy = reflect(item.desc);
            copyCanonical(item, copy);
            target.add(copy);
          } else {
            target.add(item);
          }
        }
        break;
      }
      case "map": {
        const source = from.get(field);
        const target = to.get(field);
        if (!isReflectMap(source)) break;
        const keys = [...source.keys()].sort(compareMapKeys);
        for (const key of keys) {
          const value = source.get(key);
          if (isReflectMessage(value)) {
            const copy = reflect(value.desc);
            copyCanonical(value, copy);
            target.set(key, copy);
          } else {
            target.set(key, value);
          }
        }
        break;
      }
    }
  }
}

function compareMapKeys(a: unknown, b: unknown): number {
  if (typeof a === "string" && typeof b === "string") {
    // Java's deterministic mode orders string keys by their UTF-16 code units, as < does.
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (typeof a === "bigint" && typeof b === "bigint") return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "boolean" && typeof b === "boolean") return Number(a) - Number(b);
  return String(a) < String(b) ? -1 : 1;
}
