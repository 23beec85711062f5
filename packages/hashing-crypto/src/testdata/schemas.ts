/**
 * Reflection schemas for the messages this package encodes by hand, built at runtime from a
 * FileDescriptorProto with @bufbuild/protobuf, so tests can compare against a canonical encoder
 * without importing generated code from another package. Not part of the package build.
 * @module
 */

import { create, createFileRegistry, type DescMessage } from "@bufbuild/protobuf";
import {
  FileDescriptorProtoSchema,
  file_google_protobuf_timestamp,
  FieldDescriptorProto_Label as Label,
  FieldDescriptorProto_Type as Type,
} from "@bufbuild/protobuf/wkt";

const PACKAGE = "p8e.test";

function field(name: string, number: number, type: Type, typeName?: string, repeated = false) {
  return {
    name,
    number,
    type,
    label: repeated ? Label.REPEATED : Label.OPTIONAL,
    jsonName: name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()),
    ...(typeName === undefined ? {} : { typeName }),
  };
}

const file = create(FileDescriptorProtoSchema, {
  name: "p8e/test/encryption.proto",
  package: PACKAGE,
  syntax: "proto3",
  dependency: ["google/protobuf/timestamp.proto"],
  enumType: [
    {
      name: "ContextType",
      value: ["UNKNOWN", "SUBMISSION", "PROCESSING", "RETRIEVAL", "TRANSFER"].map((name, number) => ({ name, number })),
    },
    { name: "KeyType", value: [{ name: "ELLIPTIC", number: 0 }] },
    {
      name: "KeyCurve",
      value: [
        { name: "SECP256K1", number: 0 },
        { name: "P256", number: 1 },
      ],
    },
  ],
  messageType: [
    { name: "UUID", field: [field("value", 1, Type.STRING)] },
    {
      name: "AuditFields",
      field: [
        field("created_date", 1, Type.MESSAGE, ".google.protobuf.Timestamp"),
        field("created_by", 2, Type.STRING),
        field("updated_date", 3, Type.MESSAGE, ".google.protobuf.Timestamp"),
        field("updated_by", 4, Type.STRING),
        field("version", 5, Type.INT32),
        field("message", 6, Type.STRING),
      ],
    },
    {
      name: "Audience",
      field: [
        field("payload_id", 1, Type.UINT32),
        field("public_key", 2, Type.BYTES),
        field("context", 3, Type.ENUM, `.${PACKAGE}.ContextType`),
        field("tag", 4, Type.BYTES),
        field("ephemeral_pubkey", 5, Type.BYTES),
        field("encrypted_dek", 6, Type.BYTES),
      ],
    },
    { name: "Payload", field: [field("id", 1, Type.UINT32), field("cipher_text", 2, Type.BYTES)] },
    {
      name: "DIME",
      field: [
        field("uuid", 1, Type.MESSAGE, `.${PACKAGE}.UUID`),
        field("owner", 2, Type.MESSAGE, `.${PACKAGE}.Audience`),
        field("metadata", 3, Type.MESSAGE, `.${PACKAGE}.DIME.MetadataEntry`, true),
        field("audience", 4, Type.MESSAGE, `.${PACKAGE}.Audience`, true),
        field("payload", 5, Type.MESSAGE, `.${PACKAGE}.Payload`, true),
        field("audit_fields", 99, Type.MESSAGE, `.${PACKAGE}.AuditFields`),
      ],
      nestedType: [
        {
          name: "MetadataEntry",
          field: [field("key", 1, Type.STRING), field("value", 2, Type.STRING)],
          options: { mapEntry: true },
        },
      ],
    },
    {
      name: "PublicKey",
      field: [
        field("public_key_bytes", 1, Type.BYTES),
        field("type", 2, Type.ENUM, `.${PACKAGE}.KeyType`),
        field("curve", 3, Type.ENUM, `.${PACKAGE}.KeyCurve`),
        field("compressed", 4, Type.BOOL),
      ],
    },
    {
      name: "PrivateKey",
      field: [
        field("key_bytes", 1, Type.BYTES),
        field("type", 2, Type.ENUM, `.${PACKAGE}.KeyType`),
        field("curve", 3, Type.ENUM, `.${PACKAGE}.KeyCurve`),
        field("compressed", 4, Type.BOOL),
      ],
    },
  ],
});

const registry = createFileRegistry(file, (name) =>
  name === "google/protobuf/timestamp.proto" ? file_google_protobuf_timestamp : undefined,
);

function message(name: string): DescMessage {
  const desc = registry.getMessage(`${PACKAGE}.${name}`);
  if (desc === undefined) throw new Error(`missing ${name}`);
  return desc;
}

/** Reflection descriptor of `DIME`. */
export const DimeSchema: DescMessage = message("DIME");
/** Reflection descriptor of the p8e `PublicKey`. */
export const PublicKeySchema: DescMessage = message("PublicKey");
/** Reflection descriptor of the p8e `PrivateKey`. */
export const PrivateKeySchema: DescMessage = message("PrivateKey");
