import { type DescMessage, fromBinary, type MessageShape, toBinary } from "@bufbuild/protobuf";
import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import { Code, ConnectError } from "@connectrpc/connect";
import { type ChunkBidi, ChunkBidiSchema, StreamHeaderSchema } from "@p8e/spec-model/objectstore";

/**
 * gRPC framing of ObjectService's `ChunkBidi` messages that moves data payloads by reference.
 *
 * connect-es serializes each message with protobuf-es and then wraps it in a gRPC envelope, which
 * copies a megabyte data chunk three times on the way out and allocates a zeroed buffer for it on
 * the way in; at object-store rates those copies and their garbage collection cost more than the
 * network. The bytes on the wire are the same: protobuf-es writes fields in number order, and so do
 * these encoders.
 * @module
 */

/** Bytes of a gRPC envelope prefix: one flag byte and a big-endian u32 length. */
export const ENVELOPE_PREFIX_BYTES = 5;

/** Data payloads from this size on are sent by reference; smaller messages are encoded in one piece. */
const REFERENCE_MIN_BYTES = 4096;

/** Received messages from this size on get a buffer of their own (see {@link GrpcFrameDecoder}). */
const OWNED_MIN_BYTES = 64 * 1024;

/** Wraps encoded message bytes in a gRPC envelope (flags 0: not compressed). */
export function grpcEnvelope(message: Uint8Array): Uint8Array {
  const frame = new Uint8Array(ENVELOPE_PREFIX_BYTES + message.length);
  new DataView(frame.buffer).setUint32(1, message.length);
  frame.set(message, ENVELOPE_PREFIX_BYTES);
  return frame;
}

/**
 * The gRPC frame of one ChunkBidi as byte arrays to be written in order: a data chunk of
 * 4 KiB or more is `[prefix, data]`, where `prefix` is the envelope and the protobuf tags and lengths
 * in front of the data (the data array itself is not copied); anything else is one envelope.
 */
export function encodeChunkFrame(message: ChunkBidi): Uint8Array[] {
  const chunk = message.impl.case === "chunk" ? message.impl.value : undefined;
  if (
    chunk === undefined ||
    chunk.impl.case !== "data" ||
    chunk.impl.value.length < REFERENCE_MIN_BYTES ||
    hasUnknownFields(message) ||
    hasUnknownFields(chunk)
  ) {
    return [grpcEnvelope(toBinary(ChunkBidiSchema, message))];
  }
  const data = chunk.impl.value;
  const header = chunk.header === undefined ? undefined : toBinary(StreamHeaderSchema, chunk.header);
  return [dataFramePrefix(data.length, header), data];
}

function hasUnknownFields(message: { $unknown?: unknown[] | undefined }): boolean {
  return message.$unknown !== undefined && message.$unknown.length > 0;
}

/**
 * Everything of the gRPC frame of `ChunkBidi{chunk(2){header(1), data(2)}}` that comes before the
 * data: envelope, then tag and length of `chunk`, of the optional encoded `header`, and of `data`.
 */
export function dataFramePrefix(dataLength: number, header?: Uint8Array): Uint8Array {
  const inner = new BinaryWriter();
  if (header !== undefined) inner.tag(1, WireType.LengthDelimited).bytes(header); // Chunk.header
  const chunkHead = inner.tag(2, WireType.LengthDelimited).uint32(dataLength).finish(); // Chunk.data
  const chunkLength = chunkHead.length + dataLength;
  const messageHead = new BinaryWriter().tag(2, WireType.LengthDelimited).uint32(chunkLength).finish(); // ChunkBidi.chunk
  const messageLength = messageHead.length + chunkLength;
  const prefix = new Uint8Array(ENVELOPE_PREFIX_BYTES + messageHead.length + chunkHead.length);
  new DataView(prefix.buffer).setUint32(1, messageLength);
  prefix.set(messageHead, ENVELOPE_PREFIX_BYTES);
  prefix.set(chunkHead, ENVELOPE_PREFIX_BYTES + messageHead.length);
  return prefix;
}

/**
 * Splits a byte stream into gRPC message payloads. A payload that arrived inside one network buffer
 * and is smaller than 64 KiB is a view of that buffer; a larger one, or one spread over several
 * buffers, is gathered into a buffer of its own (allocated without zeroing). So every large payload
 * owns its ArrayBuffer and may be transferred to a worker, while small ones cost no copy.
 */
export class GrpcFrameDecoder {
  readonly #readMaxBytes: number;
  readonly #prefix = new Uint8Array(ENVELOPE_PREFIX_BYTES);
  #prefixFilled = 0;
  #message: Uint8Array | undefined;
  #messageFilled = 0;

  constructor(readMaxBytes: number) {
    this.#readMaxBytes = readMaxBytes;
  }

  /** Whether a frame has begun but not ended (a stream ending now is truncated). */
  get partial(): boolean {
    return this.#prefixFilled > 0 || this.#message !== undefined;
  }

  /** Consumes `bytes` and returns the payloads of the frames it completed. */
  push(bytes: Uint8Array): Uint8Array[] {
    const out: Uint8Array[] = [];
    let at = 0;
    while (at < bytes.length) {
      if (this.#message === undefined) {
        if (this.#prefixFilled === 0 && bytes.length - at >= ENVELOPE_PREFIX_BYTES) {
          const length = this.#begin(bytes[at]!, readUint32(bytes, at + 1));
          at += ENVELOPE_PREFIX_BYTES;
          if (bytes.length - at >= length && length < OWNED_MIN_BYTES) {
            // A plain view even of a Buffer: Buffer's slice() shares memory where Uint8Array's copies.
            out.push(new Uint8Array(bytes.buffer, bytes.byteOffset + at, length));
            at += length;
            continue;
          }
          this.#message = Buffer.allocUnsafeSlow(length);
          this.#messageFilled = 0;
        } else {
          const n = Math.min(ENVELOPE_PREFIX_BYTES - this.#prefixFilled, bytes.length - at);
          this.#prefix.set(bytes.subarray(at, at + n), this.#prefixFilled);
          this.#prefixFilled += n;
          at += n;
          if (this.#prefixFilled < ENVELOPE_PREFIX_BYTES) break;
          this.#prefixFilled = 0;
          this.#message = Buffer.allocUnsafeSlow(this.#begin(this.#prefix[0]!, readUint32(this.#prefix, 1)));
          this.#messageFilled = 0;
        }
      }
      const message = this.#message;
      const n = Math.min(message.length - this.#messageFilled, bytes.length - at);
      message.set(bytes.subarray(at, at + n), this.#messageFilled);
      this.#messageFilled += n;
      at += n;
      if (this.#messageFilled === message.length) {
        out.push(new Uint8Array(message.buffer, message.byteOffset, message.length));
        this.#message = undefined;
      }
    }
    return out;
  }

  #begin(flags: number, length: number): number {
    if ((flags & 0x01) !== 0) {
      throw new ConnectError("protocol error: received a compressed message, none was negotiated", Code.Internal);
    }
    if ((flags & 0x80) !== 0) {
      throw new ConnectError("protocol error: received a gRPC-web trailer frame on a gRPC stream", Code.Internal);
    }
    if (length > this.#readMaxBytes) {
      throw new ConnectError(
        `message size ${length} is larger than configured readMaxBytes ${this.#readMaxBytes}`,
        Code.ResourceExhausted,
      );
    }
    return length;
  }
}

function readUint32(bytes: Uint8Array, at: number): number {
  return ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0;
}

/**
 * The messages of a gRPC byte stream, decoded as `schema`: each frame parsed as it completes, a
 * malformed message INTERNAL ("parse binary: …") and a stream that ends inside a frame
 * INVALID_ARGUMENT, as connect-es reports them.
 */
export async function* decodeGrpcMessages<Desc extends DescMessage>(
  body: AsyncIterable<Uint8Array>,
  schema: Desc,
  readMaxBytes: number,
): AsyncGenerator<MessageShape<Desc>> {
  const decoder = new GrpcFrameDecoder(readMaxBytes);
  for await (const bytes of body) {
    for (const payload of decoder.push(bytes)) yield parseGrpcMessage(schema, payload);
  }
  if (decoder.partial) throw new ConnectError("protocol error: incomplete envelope", Code.InvalidArgument);
}

function parseGrpcMessage<Desc extends DescMessage>(schema: Desc, payload: Uint8Array): MessageShape<Desc> {
  try {
    return fromBinary(schema, payload);
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    throw new ConnectError(`parse binary: ${message}`, Code.Internal, undefined, undefined, cause);
  }
}
