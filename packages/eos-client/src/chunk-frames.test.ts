import { create, toBinary } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { encodeEnvelope } from "@connectrpc/connect/protocol";
import { type ChunkBidi, ChunkBidiSchema } from "@p8e/spec-model/objectstore";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { dataFramePrefix, encodeChunkFrame, GrpcFrameDecoder, grpcEnvelope } from "./chunk-frames.js";

const concat = (parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));

/** The frame connect-es writes for a message: protobuf-es's encoding in a gRPC envelope. */
const connectFrame = (message: ChunkBidi) => encodeEnvelope(0, toBinary(ChunkBidiSchema, message));

const chunkBidi = fc.oneof(
  fc
    .record({
      count: fc.integer({ min: -5, max: 5 }),
      metadata: fc.dictionary(fc.string(), fc.string(), { maxKeys: 3 }),
    })
    .map(({ count, metadata }) =>
      create(ChunkBidiSchema, { impl: { case: "multiStreamHeader", value: { streamCount: count, metadata } } }),
    ),
  fc
    .record({
      // Around the by-reference threshold (4 KiB) and the varint length boundaries (128, 16 KiB, 2 MiB).
      size: fc.oneof(
        fc.integer({ min: 0, max: 300 }),
        fc.integer({ min: 4090, max: 4100 }),
        fc.integer({ min: 16_380, max: 16_390 }),
        fc.constantFrom(65_535, 65_536, 1024 * 1024 - 64, 2 * 1024 * 1024, 2 * 1024 * 1024 + 1),
      ),
      header: fc.option(fc.record({ name: fc.string(), contentLength: fc.bigInt({ min: 0n, max: 2n ** 62n }) }), {
        nil: undefined,
      }),
      seed: fc.integer({ min: 0, max: 255 }),
    })
    .map(({ size, header, seed }) =>
      create(ChunkBidiSchema, {
        impl: {
          case: "chunk",
          value: { ...(header === undefined ? {} : { header }), impl: { case: "data", value: pattern(size, seed) } },
        },
      }),
    ),
  fc
    .record({ name: fc.string(), value: fc.uint8Array({ maxLength: 200 }) })
    .map(({ name, value }) =>
      create(ChunkBidiSchema, { impl: { case: "chunk", value: { header: { name }, impl: { case: "value", value } } } }),
    ),
  fc.constant(create(ChunkBidiSchema, { impl: { case: "chunk", value: { impl: { case: "end", value: {} } } } })),
);

function pattern(size: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + seed) & 0xff;
  return bytes;
}

describe("encodeChunkFrame()", () => {
  it("writes the same bytes as connect-es and protobuf-es for every kind of ChunkBidi", () => {
    fc.assert(
      fc.property(chunkBidi, (message) => {
        expect(Buffer.compare(concat(encodeChunkFrame(message)), connectFrame(message))).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it("sends a large data chunk by reference, after a prefix of a few bytes", () => {
    const data = pattern(1024 * 1024, 7);
    const message = create(ChunkBidiSchema, {
      impl: {
        case: "chunk",
        value: { header: { name: "DIME", contentLength: 5n }, impl: { case: "data", value: data } },
      },
    });
    const frames = encodeChunkFrame(message);
    expect(frames).toHaveLength(2);
    expect(frames[1]).toBe(data);
    expect(frames[0]!.length).toBeLessThan(32);
  });

  it("encodes messages with unknown fields through protobuf-es, keeping those fields", () => {
    const message = create(ChunkBidiSchema, {
      impl: { case: "chunk", value: { impl: { case: "data", value: pattern(8192, 1) } } },
    });
    message.$unknown = [{ no: 99, wireType: 0, data: new Uint8Array([5]) }];
    const frames = encodeChunkFrame(message);
    expect(frames).toHaveLength(1);
    expect(frames[0]).toEqual(connectFrame(message));
  });

  it("frames what dataFramePrefix describes: prefix plus data is one valid envelope", () => {
    const prefix = dataFramePrefix(300);
    const frame = concat([prefix, pattern(300, 2)]);
    expect(new DataView(frame.buffer).getUint32(1)).toBe(frame.length - 5);
  });
});

describe("GrpcFrameDecoder", () => {
  it("returns every payload intact however the stream is cut", () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 60_000, max: 140_000 })), {
          maxLength: 5,
        }),
        fc.array(fc.integer({ min: 1, max: 70_000 }), { minLength: 1, maxLength: 20 }),
        (sizes, cuts) => {
          const payloads = sizes.map((size, i) => pattern(size, i));
          const stream = concat(payloads.map(grpcEnvelope));
          const decoder = new GrpcFrameDecoder(1024 * 1024);
          const out: Uint8Array[] = [];
          let at = 0;
          for (let i = 0; at < stream.length; i++) {
            const n = cuts[i % cuts.length]!;
            // Each piece is a Buffer view into a larger buffer, as Node's HTTP/2 hands them out.
            out.push(
              ...decoder.push(Buffer.from(stream.buffer, stream.byteOffset + at, Math.min(n, stream.length - at))),
            );
            at += n;
          }
          expect(decoder.partial).toBe(false);
          expect(out).toHaveLength(payloads.length);
          for (const [i, payload] of out.entries()) {
            expect(Buffer.compare(payload, payloads[i]!)).toBe(0);
            // Never a Buffer (whose slice() would share memory), and large payloads own their memory.
            expect(Object.getPrototypeOf(payload)).toBe(Uint8Array.prototype);
            if (payload.length >= 64 * 1024) expect(payload.buffer.byteLength).toBe(payload.length);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it("reports a frame cut off at the end of the stream", () => {
    const decoder = new GrpcFrameDecoder(1024);
    expect(decoder.push(grpcEnvelope(pattern(10, 1)).subarray(0, 8))).toEqual([]);
    expect(decoder.partial).toBe(true);
    expect(decoder.push(new Uint8Array(7))).toHaveLength(1);
    expect(decoder.partial).toBe(false);
  });

  it("refuses compressed frames, gRPC-web trailers and messages over the read limit", () => {
    const frame = grpcEnvelope(pattern(10, 1));
    const compressed = frame.slice();
    compressed[0] = 1;
    const trailer = frame.slice();
    trailer[0] = 0x80;
    const codeOf = (bytes: Uint8Array, limit = 1024) => {
      try {
        new GrpcFrameDecoder(limit).push(bytes);
        return undefined;
      } catch (error) {
        return ConnectError.from(error).code;
      }
    };
    expect(codeOf(compressed)).toBe(Code.Internal);
    expect(codeOf(trailer)).toBe(Code.Internal);
    expect(codeOf(frame, 9)).toBe(Code.ResourceExhausted);
    expect(codeOf(frame, 10)).toBeUndefined();
  });
});
