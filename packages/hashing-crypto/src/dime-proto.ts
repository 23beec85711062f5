/**
 * The `DIME` protobuf message (package `io.provenance.scope.encryption`, identical numbering in
 * object-store's `objectstore.Dime`), encoded and decoded by hand so this leaf package needs no
 * generated code. Field names follow protobuf-es' generated shapes.
 *
 * ```proto
 * message DIME { UUID uuid = 1; Audience owner = 2; map<string,string> metadata = 3;
 *   repeated Audience audience = 4; repeated Payload payload = 5; AuditFields audit_fields = 99; }
 * message Audience { uint32 payload_id = 1; bytes public_key = 2; ContextType context = 3;
 *   bytes tag = 4; bytes ephemeral_pubkey = 5; bytes encrypted_dek = 6; }
 * message Payload { uint32 id = 1; bytes cipher_text = 2; }
 * message AuditFields { Timestamp created_date = 1; string created_by = 2; Timestamp updated_date = 3;
 *   string updated_by = 4; int32 version = 5; string message = 6; }
 * ```
 * @module
 */

import type { BinaryReader } from "@bufbuild/protobuf/wire";
import { abytes } from "./asserts.js";
import { DimeError } from "./dime-error.js";
import {
  BinaryWriter,
  ProtoDecodeError,
  readBytesField,
  readMessage,
  readStringField,
  readVarintField,
  WireType,
} from "./proto-wire.js";

/** `ContextType` values of an audience entry. */
export const DimeContext = {
  /** Not set. */
  UNKNOWN: 0,
  /** The owner who submitted the object. */
  SUBMISSION: 1,
  /** A processing peer (never stored by upstream writers). */
  PROCESSING: 2,
  /** A reader whose access is part of the committed data. */
  RETRIEVAL: 3,
  /** A transfer recipient. */
  TRANSFER: 4,
} as const;

/** A `ContextType` number; unknown values from newer peers are kept as numbers. */
export type DimeContextType = (typeof DimeContext)[keyof typeof DimeContext] | number;

/** `google.protobuf.Timestamp`. */
export interface DimeTimestamp {
  /** Seconds since the Unix epoch. */
  readonly seconds: bigint;
  /** Nanoseconds within the second. */
  readonly nanos: number;
}

/** One audience entry; all bytes fields hold the UTF-8 text of standard base64. */
export interface DimeAudience {
  /** Index of the payload this entry unlocks (always 0 for streamed DIMEs). */
  readonly payloadId: number;
  /** UTF-8 of base64 of the recipient's 65-byte uncompressed public key. */
  readonly publicKey: Uint8Array;
  /** The recipient's role. */
  readonly context: DimeContextType;
  /** UTF-8 of base64 of the key-confirmation blob. */
  readonly tag: Uint8Array;
  /** UTF-8 of base64 of the 65-byte uncompressed ephemeral public key. */
  readonly ephemeralPubkey: Uint8Array;
  /** UTF-8 of base64 of the AES-GCM blob wrapping the base64 text of the DEK. */
  readonly encryptedDek: Uint8Array;
}

/** A payload slot; streamed DIMEs carry one empty placeholder and put the ciphertext after the header. */
export interface DimePayload {
  /** Payload index. */
  readonly id: number;
  /** Inline ciphertext (empty for streamed DIMEs). */
  readonly cipherText: Uint8Array;
}

/** `AuditFields`. */
export interface DimeAuditFields {
  /** Creation time. */
  readonly createdDate?: DimeTimestamp;
  /** Creator. */
  readonly createdBy: string;
  /** Last update time. */
  readonly updatedDate?: DimeTimestamp;
  /** Last updater. */
  readonly updatedBy: string;
  /** Record version. */
  readonly version: number;
  /** Free-form message. */
  readonly message: string;
}

/** The decoded `DIME` protobuf message. */
export interface DimeProto {
  /** `UUID{value}` (hyphenated text); a different UUID from the container's. */
  readonly uuid?: { readonly value: string };
  /** The owner's audience entry (also listed in `audience`). */
  readonly owner?: DimeAudience;
  /** Proto-level metadata (upstream writers leave it empty; the header MAC extension announces itself here). */
  readonly metadata: Readonly<Record<string, string>>;
  /** All audience entries, the owner's included. */
  readonly audience: readonly DimeAudience[];
  /** Payload slots. */
  readonly payload: readonly DimePayload[];
  /** Audit fields. */
  readonly auditFields?: DimeAuditFields;
}

/**
 * Encodes a DIME message canonically: ascending field numbers, proto3 defaults omitted, map entries
 * in object key order, each with key and value.
 */
export function encodeDimeProto(dime: DimeProto): Uint8Array {
  const writer = new BinaryWriter();
  if (dime.uuid !== undefined) {
    writer.tag(1, WireType.LengthDelimited).fork();
    if (dime.uuid.value !== "") writer.tag(1, WireType.LengthDelimited).string(dime.uuid.value);
    writer.join();
  }
  if (dime.owner !== undefined) writeAudience(writer, 2, dime.owner);
  for (const key of Object.keys(dime.metadata)) {
    writer.tag(3, WireType.LengthDelimited).fork();
    writer.tag(1, WireType.LengthDelimited).string(key);
    writer.tag(2, WireType.LengthDelimited).string(dime.metadata[key]!);
    writer.join();
  }
  for (const entry of dime.audience) writeAudience(writer, 4, entry);
  for (const payload of dime.payload) {
    writer.tag(5, WireType.LengthDelimited).fork();
    if (payload.id !== 0) writer.tag(1, WireType.Varint).uint32(payload.id);
    if (payload.cipherText.length > 0) writer.tag(2, WireType.LengthDelimited).bytes(payload.cipherText);
    writer.join();
  }
  if (dime.auditFields !== undefined) {
    const audit = dime.auditFields;
    writer.tag(99, WireType.LengthDelimited).fork();
    if (audit.createdDate !== undefined) writeTimestamp(writer, 1, audit.createdDate);
    if (audit.createdBy !== "") writer.tag(2, WireType.LengthDelimited).string(audit.createdBy);
    if (audit.updatedDate !== undefined) writeTimestamp(writer, 3, audit.updatedDate);
    if (audit.updatedBy !== "") writer.tag(4, WireType.LengthDelimited).string(audit.updatedBy);
    if (audit.version !== 0) writer.tag(5, WireType.Varint).int32(audit.version);
    if (audit.message !== "") writer.tag(6, WireType.LengthDelimited).string(audit.message);
    writer.join();
  }
  return writer.finish();
}

/**
 * Decodes a DIME message; unknown fields are skipped, later singular fields win, as in any protobuf parser.
 * @throws {DimeError} `malformed` for bytes that are not a valid encoding.
 */
export function decodeDimeProto(bytes: Uint8Array): DimeProto {
  abytes(bytes, "bytes");
  try {
    return decodeDime(bytes);
  } catch (cause) {
    if (cause instanceof ProtoDecodeError) throw new DimeError("malformed", cause.message, { cause });
    throw cause;
  }
}

function decodeDime(bytes: Uint8Array): DimeProto {
  const title = "DIME";
  let uuid: { value: string } | undefined;
  let owner: DimeAudience | undefined;
  const metadata: Record<string, string> = {};
  const audience: DimeAudience[] = [];
  const payload: DimePayload[] = [];
  let auditFields: DimeAuditFields | undefined;
  readMessage(bytes, title, (fieldNo, wireType, reader) => {
    switch (fieldNo) {
      case 1: {
        let value = "";
        readMessage(readBytesField(reader, title, fieldNo, wireType), "UUID", (no, type, r) => {
          if (no !== 1) return false;
          value = readStringField(r, "UUID", no, type);
          return true;
        });
        uuid = { value };
        return true;
      }
      case 2:
        owner = decodeAudience(readBytesField(reader, title, fieldNo, wireType));
        return true;
      case 3: {
        let key = "";
        let value = "";
        readMessage(readBytesField(reader, title, fieldNo, wireType), "DIME.MetadataEntry", (no, type, r) => {
          if (no === 1) key = readStringField(r, "DIME.MetadataEntry", no, type);
          else if (no === 2) value = readStringField(r, "DIME.MetadataEntry", no, type);
          else return false;
          return true;
        });
        Object.defineProperty(metadata, key, { value, enumerable: true, writable: true, configurable: true });
        return true;
      }
      case 4:
        audience.push(decodeAudience(readBytesField(reader, title, fieldNo, wireType)));
        return true;
      case 5: {
        let id = 0;
        let cipherText: Uint8Array = new Uint8Array(0);
        readMessage(readBytesField(reader, title, fieldNo, wireType), "Payload", (no, type, r) => {
          if (no === 1) id = readVarintField(r, "Payload", no, type, (v) => v.uint32());
          else if (no === 2) cipherText = readBytesField(r, "Payload", no, type);
          else return false;
          return true;
        });
        payload.push({ id, cipherText });
        return true;
      }
      case 99:
        auditFields = decodeAuditFields(readBytesField(reader, title, fieldNo, wireType));
        return true;
      default:
        return false;
    }
  });
  return {
    ...(uuid === undefined ? {} : { uuid }),
    ...(owner === undefined ? {} : { owner }),
    metadata,
    audience,
    payload,
    ...(auditFields === undefined ? {} : { auditFields }),
  };
}

function writeAudience(writer: BinaryWriter, fieldNo: number, entry: DimeAudience): void {
  writer.tag(fieldNo, WireType.LengthDelimited).fork();
  if (entry.payloadId !== 0) writer.tag(1, WireType.Varint).uint32(entry.payloadId);
  if (entry.publicKey.length > 0) writer.tag(2, WireType.LengthDelimited).bytes(entry.publicKey);
  if (entry.context !== 0) writer.tag(3, WireType.Varint).int32(entry.context);
  if (entry.tag.length > 0) writer.tag(4, WireType.LengthDelimited).bytes(entry.tag);
  if (entry.ephemeralPubkey.length > 0) writer.tag(5, WireType.LengthDelimited).bytes(entry.ephemeralPubkey);
  if (entry.encryptedDek.length > 0) writer.tag(6, WireType.LengthDelimited).bytes(entry.encryptedDek);
  writer.join();
}

function writeTimestamp(writer: BinaryWriter, fieldNo: number, timestamp: DimeTimestamp): void {
  writer.tag(fieldNo, WireType.LengthDelimited).fork();
  if (timestamp.seconds !== 0n) writer.tag(1, WireType.Varint).int64(timestamp.seconds);
  if (timestamp.nanos !== 0) writer.tag(2, WireType.Varint).int32(timestamp.nanos);
  writer.join();
}

function decodeAudience(bytes: Uint8Array): DimeAudience {
  const title = "Audience";
  let payloadId = 0;
  let publicKey: Uint8Array = new Uint8Array(0);
  let context = 0;
  let tag: Uint8Array = new Uint8Array(0);
  let ephemeralPubkey: Uint8Array = new Uint8Array(0);
  let encryptedDek: Uint8Array = new Uint8Array(0);
  readMessage(bytes, title, (fieldNo, wireType, reader) => {
    switch (fieldNo) {
      case 1:
        payloadId = readVarintField(reader, title, fieldNo, wireType, (r) => r.uint32());
        return true;
      case 2:
        publicKey = readBytesField(reader, title, fieldNo, wireType);
        return true;
      case 3:
        context = readVarintField(reader, title, fieldNo, wireType, (r) => r.int32());
        return true;
      case 4:
        tag = readBytesField(reader, title, fieldNo, wireType);
        return true;
      case 5:
        ephemeralPubkey = readBytesField(reader, title, fieldNo, wireType);
        return true;
      case 6:
        encryptedDek = readBytesField(reader, title, fieldNo, wireType);
        return true;
      default:
        return false;
    }
  });
  return { payloadId, publicKey, context, tag, ephemeralPubkey, encryptedDek };
}

function decodeTimestamp(bytes: Uint8Array): DimeTimestamp {
  let seconds = 0n;
  let nanos = 0;
  readMessage(bytes, "Timestamp", (fieldNo, wireType, reader: BinaryReader) => {
    if (fieldNo === 1) seconds = BigInt(readVarintField(reader, "Timestamp", fieldNo, wireType, (r) => r.int64()));
    else if (fieldNo === 2) nanos = readVarintField(reader, "Timestamp", fieldNo, wireType, (r) => r.int32());
    else return false;
    return true;
  });
  return { seconds, nanos };
}

function decodeAuditFields(bytes: Uint8Array): DimeAuditFields {
  const title = "AuditFields";
  let createdDate: DimeTimestamp | undefined;
  let createdBy = "";
  let updatedDate: DimeTimestamp | undefined;
  let updatedBy = "";
  let version = 0;
  let message = "";
  readMessage(bytes, title, (fieldNo, wireType, reader) => {
    switch (fieldNo) {
      case 1:
        createdDate = decodeTimestamp(readBytesField(reader, title, fieldNo, wireType));
        return true;
      case 2:
        createdBy = readStringField(reader, title, fieldNo, wireType);
        return true;
      case 3:
        updatedDate = decodeTimestamp(readBytesField(reader, title, fieldNo, wireType));
        return true;
      case 4:
        updatedBy = readStringField(reader, title, fieldNo, wireType);
        return true;
      case 5:
        version = readVarintField(reader, title, fieldNo, wireType, (r) => r.int32());
        return true;
      case 6:
        message = readStringField(reader, title, fieldNo, wireType);
        return true;
      default:
        return false;
    }
  });
  return {
    ...(createdDate === undefined ? {} : { createdDate }),
    createdBy,
    ...(updatedDate === undefined ? {} : { updatedDate }),
    updatedBy,
    version,
    message,
  };
}
