/**
 * The DIME container ("DIME stream") that the object store stores and serves, parsed and written
 * without any cryptography, for servers and clients alike. Layout, all integers big-endian:
 *
 * `u32 magic 0x44494D45 ‖ u16 version 1 ‖ (u32 length ‖ bytes) × 5 ‖ encrypted payload`, where the
 * five sections are the 16-byte container UUID, JSON metadata (string → string), the URI (UTF-8,
 * clients send ""), the signatures (JSON list of `{"signature": base64, "publicKey": base64}`, or
 * empty) and the `DIME` protobuf.
 * @module
 */

import { abytes, ainteger, astring, astringRecord, isBytes } from "./asserts.js";
import { concatBytes, readU32be, u32be } from "./bytes.js";
import { DimeError } from "./dime-error.js";
import { type DimeProto, decodeDimeProto, encodeDimeProto } from "./dime-proto.js";
import { bytesToBase64, bytesToHex, hexToBytes, utf8ToBytes } from "./encoding.js";

/** The container magic number, ASCII "DIME". */
export const DIME_MAGIC = 0x44494d45;

/** The only container version. */
export const DIME_VERSION = 1;

/** Default cap on the header size (everything before the payload): 4 MiB. */
export const DEFAULT_MAX_DIME_HEADER_SIZE = 4 * 1024 * 1024;

/** One entry of the signatures section, in its wire form. */
export interface DimeSignature {
  /** Base64 of the DER SHA512withECDSA signature over the plaintext. */
  readonly signature: string;
  /** Base64 of the UTF-8 bytes of the signer's PEM public key. */
  readonly publicKey: string;
}

/** The raw bytes of the five header sections, kept so headers can be re-emitted byte for byte. */
export interface DimeHeaderSections {
  /** 16 raw bytes of the container UUID. */
  readonly uuid: Uint8Array;
  /** The JSON metadata text as sent. */
  readonly metadata: Uint8Array;
  /** The URI text as sent. */
  readonly uri: Uint8Array;
  /** The signatures JSON as sent (possibly empty). */
  readonly signatures: Uint8Array;
  /** The DIME protobuf as sent. */
  readonly dime: Uint8Array;
}

/** A parsed DIME header. */
export interface DimeHeader {
  /** The container UUID (hyphenated lowercase), which the object store reports as `dime_uuid`. */
  readonly uuid: string;
  /** Cleartext JSON metadata, e.g. `P8EAPI::TYPE` and `SIGNATURE_PUBLIC_KEY`. */
  readonly metadata: Readonly<Record<string, string>>;
  /** The URI section (clients send ""). */
  readonly uri: string;
  /** The signatures section; empty until the object store rewrites it with the owner's signature. */
  readonly signatures: readonly DimeSignature[];
  /** The decoded `DIME` protobuf. */
  readonly dime: DimeProto;
  /** The raw section bytes. */
  readonly sections: DimeHeaderSections;
  /** Total header size in bytes, i.e. the offset of the payload. */
  readonly byteLength: number;
}

/** What {@link serializeDimeHeader} needs. */
export interface DimeHeaderInit {
  /** The container UUID, hyphenated. */
  readonly uuid: string;
  /** JSON metadata; defaults to `{}`. */
  readonly metadata?: Readonly<Record<string, string>>;
  /** URI; defaults to "". */
  readonly uri?: string;
  /** Signatures; defaults to none, written as `[]` like Kotlin clients. */
  readonly signatures?: readonly DimeSignature[];
  /** The DIME protobuf, as a message or as already-encoded bytes. */
  readonly dime: DimeProto | Uint8Array;
}

/** Options for the header parsers. */
export interface DimeHeaderOptions {
  /** Largest accepted header in bytes; defaults to {@link DEFAULT_MAX_DIME_HEADER_SIZE}. */
  readonly maxHeaderSize?: number;
}

/**
 * Serialises a DIME header (everything before the payload).
 * @example
 * const bytes = serializeDimeHeader({ uuid, metadata: { "P8EAPI::TYPE": "FRAGMENT_REQUEST" }, dime });
 */
export function serializeDimeHeader(init: DimeHeaderInit): Uint8Array {
  const uuid = uuidToBytes(astring(init.uuid, "uuid"));
  const metadata = utf8ToBytes(JSON.stringify(astringRecord(init.metadata ?? {}, "metadata")));
  const uri = utf8ToBytes(astring(init.uri ?? "", "uri"));
  const signatures = encodeSignatures(init.signatures ?? []);
  const dime = isBytes(init.dime) ? init.dime : encodeDimeProto(init.dime);
  return assembleHeader({ uuid, metadata, uri, signatures, dime });
}

/**
 * Parses the header at the start of `bytes`; the payload starts at `payloadOffset`.
 * @throws {DimeError} `malformed`, `unsupported-version`, `truncated` or `too-large`.
 * @example
 * const { header, payloadOffset } = parseDimeHeader(bytes);
 * header.dime.owner?.publicKey; // base64 text bytes of the owner's key
 */
export function parseDimeHeader(
  bytes: Uint8Array,
  options: DimeHeaderOptions = {},
): { header: DimeHeader; payloadOffset: number } {
  abytes(bytes, "bytes");
  const scan = scanHeader(bytes, maxHeaderSize(options));
  if (!("length" in scan)) {
    throw new DimeError("truncated", `DIME header needs at least ${scan.need} bytes, got ${bytes.length}`);
  }
  const header = decodeHeader(bytes.subarray(0, scan.length));
  return { header, payloadOffset: scan.length };
}

/**
 * Reads a DIME header from a stream of chunks, buffering at most the header plus one chunk, and
 * returns the header with the rest of the stream (the payload).
 * @throws {DimeError} `malformed`, `unsupported-version`, `truncated` or `too-large`.
 * @example
 * const { header, payload } = await readDimeHeader(chunks);
 * for await (const chunk of payload) store.write(chunk);
 */
export async function readDimeHeader(
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  options: DimeHeaderOptions = {},
): Promise<{ header: DimeHeader; payload: AsyncIterable<Uint8Array> }> {
  const max = maxHeaderSize(options);
  const iterator = toAsyncIterator(source);
  let buffered: Uint8Array[] = [];
  let have = 0;
  let need = 10;
  try {
    for (;;) {
      while (have < need) {
        const next = await iterator.next();
        if (next.done === true) {
          throw new DimeError("truncated", `DIME stream ended after ${have} bytes, inside the header`);
        }
        const chunk = abytes(next.value, "chunk");
        if (chunk.length === 0) continue;
        buffered.push(chunk);
        have += chunk.length;
      }
      const buffer = buffered.length === 1 ? buffered[0]! : concatBytes(...buffered);
      buffered = [buffer];
      const scan = scanHeader(buffer, max);
      if ("length" in scan) {
        const header = decodeHeader(buffer.subarray(0, scan.length));
        const rest = buffer.subarray(scan.length);
        return { header, payload: remainder(rest, iterator) };
      }
      need = scan.need;
    }
  } catch (error) {
    // Release the source (close a socket, stop a file read) before reporting the problem.
    await iterator.return?.().catch(() => undefined);
    throw error;
  }
}

/**
 * Returns new header bytes with the signatures section replaced and every other section kept byte
 * for byte, as the object store does with the owner's signature on Put.
 * @example
 * const stored = concatBytes(rewriteDimeSignatures(header, [createDimeSignature(sig, pem)]), payload);
 */
export function rewriteDimeSignatures(header: DimeHeader, signatures: readonly DimeSignature[]): Uint8Array {
  return assembleHeader({ ...header.sections, signatures: encodeSignatures(signatures) });
}

/**
 * Builds a signatures-section entry from the raw Put property values: DER signature bytes and the
 * signer's PEM (text or its UTF-8 bytes).
 */
export function createDimeSignature(signature: Uint8Array, publicKeyPem: string | Uint8Array): DimeSignature {
  abytes(signature, "signature");
  const pem = typeof publicKeyPem === "string" ? utf8ToBytes(publicKeyPem) : abytes(publicKeyPem, "publicKeyPem");
  return { signature: bytesToBase64(signature), publicKey: bytesToBase64(pem) };
}

/** Hyphenated lowercase text of 16 UUID bytes. */
export function uuidFromBytes(bytes: Uint8Array): string {
  const hex = bytesToHex(abytes(bytes, "uuid", 16));
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The 16 RFC-order bytes of a hyphenated UUID. */
export function uuidToBytes(uuid: string): Uint8Array {
  if (!/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(uuid)) {
    throw new RangeError(`"uuid" expected hyphenated UUID text, got ${JSON.stringify(uuid)}`);
  }
  return hexToBytes(uuid.replaceAll("-", ""));
}

/** The header MAC extension's message: each section length-prefixed; the signatures section excluded. */
export function headerMacMessage(
  uuid: Uint8Array,
  metadataWithoutMac: Uint8Array,
  uri: Uint8Array,
  dime: Uint8Array,
): Uint8Array {
  return concatBytes(
    u32be(uuid.length),
    uuid,
    u32be(metadataWithoutMac.length),
    metadataWithoutMac,
    u32be(uri.length),
    uri,
    u32be(dime.length),
    dime,
  );
}

type Scan = { length: number } | { need: number };

/** Walks the length fields; reports the full header length or how many bytes are needed next. */
function scanHeader(bytes: Uint8Array, max: number): Scan {
  if (bytes.length < 10) return { need: 10 };
  if (readU32be(bytes, 0) !== DIME_MAGIC) throw new DimeError("malformed", "not a DIME: bad magic bytes");
  const version = (bytes[4]! << 8) | bytes[5]!;
  if (version !== DIME_VERSION) throw new DimeError("unsupported-version", `DIME version ${version} is not supported`);
  const uuidLength = readU32be(bytes, 6);
  if (uuidLength !== 16) throw new DimeError("malformed", `DIME uuid section is ${uuidLength} bytes, expected 16`);
  let position = 10 + 16;
  for (let section = 0; section < 4; section++) {
    if (position + 4 > max) throw tooLarge(position + 4, max);
    if (bytes.length < position + 4) return { need: position + 4 };
    position += 4 + readU32be(bytes, position);
    if (position > max) throw tooLarge(position, max);
  }
  if (bytes.length < position) return { need: position };
  return { length: position };
}

function tooLarge(size: number, max: number): DimeError {
  return new DimeError("too-large", `DIME header of at least ${size} bytes exceeds the limit of ${max}`);
}

function decodeHeader(bytes: Uint8Array): DimeHeader {
  let position = 6;
  const take = (): Uint8Array => {
    const length = readU32be(bytes, position);
    const section = bytes.slice(position + 4, position + 4 + length);
    position += 4 + length;
    return section;
  };
  const sections: DimeHeaderSections = {
    uuid: take(),
    metadata: take(),
    uri: take(),
    signatures: take(),
    dime: take(),
  };
  let dime: DimeProto;
  try {
    dime = decodeDimeProto(sections.dime);
  } catch (cause) {
    throw DimeError.from(cause, "malformed");
  }
  return {
    uuid: uuidFromBytes(sections.uuid),
    metadata: decodeMetadata(sections.metadata),
    uri: decodeText(sections.uri, "uri"),
    signatures: decodeSignatures(sections.signatures),
    dime,
    sections,
    byteLength: bytes.length,
  };
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

function decodeText(bytes: Uint8Array, title: string): string {
  try {
    return strictUtf8.decode(bytes);
  } catch (cause) {
    throw new DimeError("malformed", `DIME ${title} section is not valid UTF-8`, { cause });
  }
}

function decodeJson(bytes: Uint8Array, title: string): unknown {
  const text = decodeText(bytes, title);
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new DimeError("malformed", `DIME ${title} section is not valid JSON`, { cause });
  }
}

/** Parses the metadata section: a JSON object whose values are all strings. */
export function decodeMetadata(bytes: Uint8Array): Readonly<Record<string, string>> {
  const value = decodeJson(bytes, "metadata");
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new DimeError("malformed", "DIME metadata section is not a JSON object");
  }
  for (const [key, item] of Object.entries(value)) {
    if (typeof item !== "string") {
      throw new DimeError("malformed", `DIME metadata value for ${JSON.stringify(key)} is not a string`);
    }
  }
  return value as Record<string, string>;
}

function decodeSignatures(bytes: Uint8Array): readonly DimeSignature[] {
  if (bytes.length === 0) return [];
  const value = decodeJson(bytes, "signatures");
  if (!Array.isArray(value)) throw new DimeError("malformed", "DIME signatures section is not a JSON array");
  return value.map((entry: unknown, index): DimeSignature => {
    if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
      throw new DimeError("malformed", `DIME signature ${index} is not a JSON object`);
    }
    const { signature, publicKey } = entry as { signature?: unknown; publicKey?: unknown };
    if (typeof signature !== "string" || typeof publicKey !== "string") {
      throw new DimeError("malformed", `DIME signature ${index} needs string "signature" and "publicKey" fields`);
    }
    return { signature, publicKey };
  });
}

function encodeSignatures(signatures: readonly DimeSignature[]): Uint8Array {
  if (!Array.isArray(signatures)) throw new TypeError('"signatures" expected an array');
  const wire = signatures.map((entry, index) => {
    astring(entry?.signature, `signatures[${index}].signature`);
    astring(entry?.publicKey, `signatures[${index}].publicKey`);
    return { signature: entry.signature, publicKey: entry.publicKey };
  });
  return utf8ToBytes(JSON.stringify(wire));
}

function assembleHeader(sections: DimeHeaderSections): Uint8Array {
  const fixed = new Uint8Array(6);
  const view = new DataView(fixed.buffer);
  view.setUint32(0, DIME_MAGIC, false);
  view.setUint16(4, DIME_VERSION, false);
  const parts: Uint8Array[] = [fixed];
  for (const section of [sections.uuid, sections.metadata, sections.uri, sections.signatures, sections.dime]) {
    parts.push(u32be(section.length), section);
  }
  return concatBytes(...parts);
}

function maxHeaderSize(options: DimeHeaderOptions): number {
  return ainteger(options.maxHeaderSize ?? DEFAULT_MAX_DIME_HEADER_SIZE, "maxHeaderSize", 64, 0xffffffff);
}

/** An async iterator over any sync or async iterable of chunks. */
export function toAsyncIterator(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): AsyncIterator<Uint8Array> {
  if (typeof (source as AsyncIterable<Uint8Array>)?.[Symbol.asyncIterator] === "function") {
    return (source as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
  }
  if (typeof (source as Iterable<Uint8Array>)?.[Symbol.iterator] === "function" && !isBytes(source)) {
    const sync = (source as Iterable<Uint8Array>)[Symbol.iterator]();
    return {
      next: async () => sync.next(),
      return: async (value?: unknown) => sync.return?.(value) ?? { done: true, value: undefined },
    };
  }
  throw new TypeError('"source" expected an iterable or async iterable of Uint8Array chunks');
}

/** The rest of a source after the header: the leftover bytes, then the source's remaining chunks. */
function remainder(rest: Uint8Array, iterator: AsyncIterator<Uint8Array>): AsyncIterableIterator<Uint8Array> {
  let first: Uint8Array | undefined = rest.length > 0 ? rest : undefined;
  let done = false;
  const remaining: AsyncIterableIterator<Uint8Array> = {
    async next(): Promise<IteratorResult<Uint8Array>> {
      if (done) return { done: true, value: undefined };
      if (first !== undefined) {
        const value = first;
        first = undefined;
        return { done: false, value };
      }
      const next = await iterator.next();
      if (next.done === true) {
        done = true;
        return { done: true, value: undefined };
      }
      return { done: false, value: abytes(next.value, "chunk") };
    },
    async return(): Promise<IteratorResult<Uint8Array>> {
      if (!done) {
        done = true;
        first = undefined;
        await iterator.return?.();
      }
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]() {
      return remaining;
    },
  };
  return remaining;
}
