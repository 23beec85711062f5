import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { create, type DescField, type DescFile, type DescMessage, fromBinary, toBinary } from "@bufbuild/protobuf";
import { type ReflectMessage, reflect } from "@bufbuild/protobuf/reflect";
import { BinaryReader, type WireType } from "@bufbuild/protobuf/wire";
import { describe, expect, it } from "vitest";

// Every generated message must encode its fields in field-number order: that is what makes our
// encodings equal Java's and so our hashes and signatures equal our peers'.

const genDir = join(import.meta.dirname, "gen");

async function generatedFiles(): Promise<DescFile[]> {
  const entries = await readdir(genDir, { recursive: true });
  const files: DescFile[] = [];
  for (const entry of entries.filter((e) => e.endsWith("_pb.ts")).sort()) {
    const module = (await import(join(genDir, entry))) as Record<string, unknown>;
    for (const [name, value] of Object.entries(module)) {
      if (name.startsWith("file_")) files.push(value as DescFile);
    }
  }
  return files;
}

function allMessages(file: DescFile): DescMessage[] {
  const out: DescMessage[] = [];
  const visit = (message: DescMessage) => {
    out.push(message);
    message.nestedMessages.forEach(visit);
  };
  file.messages.forEach(visit);
  return out;
}

function scalarSample(field: DescField & { fieldKind: "scalar" | "list" | "map" }, salt: number): unknown {
  const scalar = field.scalar;
  switch (scalar) {
    case undefined:
      return undefined;
    case 9: // string
      return `v${salt}`;
    case 12: // bytes
      return new Uint8Array([salt + 1, 2, 3]);
    case 8: // bool
      return true;
    case 1: // double
    case 2: // float
      return 1.5 + salt;
    case 3: // int64
    case 4: // uint64
    case 6: // fixed64
    case 16: // sfixed64
    case 18: // sint64
      return BigInt(300 + salt);
    default:
      return 300 + salt;
  }
}

// Sets every field of `message` (the first member of each oneof) to a non-default value.
function populate(message: ReflectMessage, depth: number): void {
  const seenOneofs = new Set<string>();
  for (const field of message.fields) {
    if (field.oneof !== undefined) {
      if (seenOneofs.has(field.oneof.name)) continue;
      seenOneofs.add(field.oneof.name);
    }
    switch (field.fieldKind) {
      case "scalar":
        message.set(field, scalarSample(field, field.number));
        break;
      case "enum":
        message.set(field, field.enum.values.find((v) => v.number !== 0)?.number ?? 0);
        break;
      case "message": {
        if (depth <= 0) break;
        const child = reflect(field.message);
        populate(child, depth - 1);
        message.set(field, child);
        break;
      }
      case "list": {
        const list = message.get(field);
        for (let i = 0; i < 2; i++) {
          if (field.listKind === "message") {
            if (depth <= 0) break;
            const child = reflect(field.message);
            populate(child, depth - 1);
            list.add(child);
          } else if (field.listKind === "enum") {
            list.add(field.enum.values.find((v) => v.number !== 0)?.number ?? 0);
          } else {
            list.add(scalarSample(field, i));
          }
        }
        break;
      }
      case "map": {
        const map = message.get(field);
        for (const key of ["b", "a"]) {
          const k = field.mapKey === 9 ? key : key === "a" ? 1 : 2;
          if (field.mapKind === "message") {
            if (depth <= 0) break;
            const child = reflect(field.message);
            populate(child, depth - 1);
            map.set(k, child);
          } else if (field.mapKind === "enum") {
            map.set(k, field.enum.values.find((v) => v.number !== 0)?.number ?? 0);
          } else {
            map.set(k, scalarSample(field, 1));
          }
        }
        break;
      }
    }
  }
}

function topLevelFieldNumbers(bytes: Uint8Array): number[] {
  const reader = new BinaryReader(bytes);
  const numbers: number[] = [];
  while (reader.pos < reader.len) {
    const [fieldNo, wireType] = reader.tag();
    numbers.push(fieldNo);
    reader.skip(wireType as WireType, fieldNo);
  }
  return numbers;
}

const files = await generatedFiles();

describe("generated messages", () => {
  it("cover the three protocol families", () => {
    const names = files.map((f) => f.proto.package);
    expect(names).toEqual(
      expect.arrayContaining(["io.provenance.scope.contract", "objectstore", "provenance.metadata.v1"]),
    );
  });

  for (const file of files) {
    const path = file.proto.name;
    for (const message of allMessages(file)) {
      if (message.proto.options?.mapEntry) continue;
      it(`${message.typeName} (${path}) declares and encodes fields in field-number order`, () => {
        const declared = message.fields.map((f) => f.number);
        expect(declared).toEqual([...declared].sort((a, b) => a - b));

        const populated = reflect(message);
        populate(populated, 2);
        const bytes = toBinary(message, populated.message);
        const numbers = topLevelFieldNumbers(bytes);
        expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
        if (message.fields.length > 0) expect(numbers.length).toBeGreaterThan(0);
        expect(toBinary(message, fromBinary(message, bytes))).toEqual(bytes);
        expect(toBinary(message, create(message))).toEqual(new Uint8Array());
      });
    }
  }
});
