/**
 * Hand-written protobuf helpers for the few messages this leaf package encodes without generated
 * code. Encoders write fields in ascending field-number order and omit proto3 default values,
 * exactly like a canonical encoder. Internal to the package.
 * @module
 */

import { BinaryReader, WireType } from "@bufbuild/protobuf/wire";

export { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";

/** Thrown by {@link readMessage} for bytes that are not a valid encoding of the expected message. */
export class ProtoDecodeError extends Error {
  override readonly name = "ProtoDecodeError";
}

/** A field visitor: consume the value with `reader` and return true, or return false to skip it. */
export type FieldVisitor = (fieldNo: number, wireType: WireType, reader: BinaryReader) => boolean;

/**
 * Walks every field of a message, calling `visit` for each one; unknown fields are skipped.
 * @throws {ProtoDecodeError} for truncated or otherwise malformed input.
 */
export function readMessage(bytes: Uint8Array, title: string, visit: FieldVisitor): void {
  const reader = new BinaryReader(bytes);
  try {
    while (reader.pos < reader.len) {
      const [fieldNo, wireType] = reader.tag();
      if (fieldNo === 0) throw new Error("field number 0");
      if (!visit(fieldNo, wireType, reader)) reader.skip(wireType, fieldNo);
    }
  } catch (cause) {
    if (cause instanceof ProtoDecodeError) throw cause;
    throw new ProtoDecodeError(`${title}: malformed protobuf (${cause instanceof Error ? cause.message : "unknown"})`, {
      cause,
    });
  }
  if (reader.pos !== reader.len) throw new ProtoDecodeError(`${title}: malformed protobuf (truncated field)`);
}

/** Asserts the wire type of a known field. */
export function expectWireType(title: string, fieldNo: number, actual: WireType, expected: WireType): void {
  if (actual !== expected) {
    throw new ProtoDecodeError(`${title}: field ${fieldNo} has wire type ${actual}, expected ${expected}`);
  }
}

/** Reads a length-delimited field as bytes (a copy the caller owns). */
export function readBytesField(reader: BinaryReader, title: string, fieldNo: number, wireType: WireType): Uint8Array {
  expectWireType(title, fieldNo, wireType, WireType.LengthDelimited);
  return reader.bytes().slice();
}

/** Reads a length-delimited field as strictly valid UTF-8 text. */
export function readStringField(reader: BinaryReader, title: string, fieldNo: number, wireType: WireType): string {
  expectWireType(title, fieldNo, wireType, WireType.LengthDelimited);
  return reader.string(true);
}

/** Reads a varint field. */
export function readVarintField<T>(
  reader: BinaryReader,
  title: string,
  fieldNo: number,
  wireType: WireType,
  read: (reader: BinaryReader) => T,
): T {
  expectWireType(title, fieldNo, wireType, WireType.Varint);
  return read(reader);
}
