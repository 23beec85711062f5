// The protobuf message types a contract bundle carries, read from the bundle's text without running
// it: protobuf-es generated code embeds each file's descriptor as a base64 string literal passed to
// fileDesc("…"). Those literals are decoded as FileDescriptorProtos; their dependencies (which the
// embedded form leaves out) are found from the type names their fields refer to, among the bundle's
// own files and the well-known types the host provides.
import { create, createFileRegistry, type DescFile, type FileRegistry, fromBinary } from "@bufbuild/protobuf";
import {
  type DescriptorProto,
  type FileDescriptorProto,
  FileDescriptorProtoSchema,
  FileDescriptorSetSchema,
  file_google_protobuf_any,
  file_google_protobuf_duration,
  file_google_protobuf_empty,
  file_google_protobuf_struct,
  file_google_protobuf_timestamp,
  file_google_protobuf_wrappers,
} from "@bufbuild/protobuf/wkt";

const WELL_KNOWN: readonly DescFile[] = [
  file_google_protobuf_any,
  file_google_protobuf_duration,
  file_google_protobuf_empty,
  file_google_protobuf_struct,
  file_google_protobuf_timestamp,
  file_google_protobuf_wrappers,
];

/** Matches `fileDesc("<base64>"` however the bundler named the import. */
const EMBEDDED = /fileDesc\)?\(\s*"([A-Za-z0-9+/]+={0,2})"/g;

/** A registry of every message type embedded in `code` (an ESM bundle), plus the well-known types. */
export function bundleTypes(code: Uint8Array | string): FileRegistry {
  const text = typeof code === "string" ? code : new TextDecoder().decode(code);
  const files = new Map<string, FileDescriptorProto>();
  for (const match of text.matchAll(EMBEDDED)) {
    try {
      const file = fromBinary(FileDescriptorProtoSchema, Buffer.from(match[1]!, "base64"));
      if (file.name === "" || files.has(file.name)) continue;
      restoreJsonNames(file.messageType);
      files.set(file.name, file);
    } catch {
      // Not a descriptor after all (a string that only looks like one): not a type of the bundle.
    }
  }
  const definedIn = new Map<string, string>();
  for (const file of files.values()) {
    for (const name of typeNames(file)) definedIn.set(name, file.name);
  }
  for (const wkt of WELL_KNOWN) {
    for (const message of wkt.messages) definedIn.set(message.typeName, wkt.proto.name);
  }
  for (const file of files.values()) {
    const deps = new Set<string>();
    for (const ref of referencedTypes(file.messageType)) {
      const home = definedIn.get(ref);
      if (home !== undefined && home !== file.name) deps.add(home);
    }
    file.dependency = [...deps].sort();
  }
  const wellKnown = new Map(WELL_KNOWN.map((f) => [f.proto.name, f.proto]));
  const set = create(FileDescriptorSetSchema, { file: [...wellKnown.values(), ...files.values()] });
  return createFileRegistry(set);
}

/** The embedded form drops json_name where it is the default; the registry needs it back. */
function restoreJsonNames(messages: readonly DescriptorProto[]): void {
  for (const message of messages) {
    for (const field of message.field) if (field.jsonName === "") field.jsonName = protoCamelCase(field.name);
    restoreJsonNames(message.nestedType);
  }
}

/** protoc's json_name: underscores dropped, the letter after one upper-cased. */
function protoCamelCase(name: string): string {
  return name.replace(/_+(.?)/g, (_, next: string) => next.toUpperCase());
}

function typeNames(file: FileDescriptorProto): string[] {
  const names: string[] = [];
  const visit = (messages: readonly DescriptorProto[], prefix: string) => {
    for (const message of messages) {
      const name = `${prefix}${message.name}`;
      names.push(name);
      visit(message.nestedType, `${name}.`);
      for (const e of message.enumType) names.push(`${name}.${e.name}`);
    }
  };
  const prefix = file.package === "" ? "" : `${file.package}.`;
  visit(file.messageType, prefix);
  for (const e of file.enumType) names.push(`${prefix}${e.name}`);
  return names;
}

function referencedTypes(messages: readonly DescriptorProto[]): string[] {
  const refs: string[] = [];
  for (const message of messages) {
    for (const field of message.field) if (field.typeName !== "") refs.push(field.typeName.replace(/^\./, ""));
    refs.push(...referencedTypes(message.nestedType));
  }
  return refs;
}
