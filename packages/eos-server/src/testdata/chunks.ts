// Builders of ObjectService's ChunkBidi messages, for tests that write Put streams by hand.
import { create } from "@bufbuild/protobuf";
import { type ChunkBidi, ChunkBidiSchema } from "@p8e/spec-model/objectstore";

/** The MultiStreamHeader that opens a Put. */
export const header = (streamCount = 1): ChunkBidi =>
  create(ChunkBidiSchema, { impl: { case: "multiStreamHeader", value: { streamCount } } });

/** A data chunk; with `contentLength`, the first one, named "DIME". */
export const data = (bytes: Uint8Array, contentLength?: bigint): ChunkBidi =>
  create(ChunkBidiSchema, {
    impl: {
      case: "chunk",
      value: {
        ...(contentLength === undefined ? {} : { header: { name: "DIME", contentLength } }),
        impl: { case: "data", value: bytes },
      },
    },
  });

/** A property (value chunk) such as HASH. */
export const value = (name: string, bytes: Uint8Array): ChunkBidi =>
  create(ChunkBidiSchema, {
    impl: { case: "chunk", value: { header: { name }, impl: { case: "value", value: bytes } } },
  });

/** The end chunk after the data. */
export const end = (): ChunkBidi =>
  create(ChunkBidiSchema, { impl: { case: "chunk", value: { impl: { case: "end", value: {} } } } });
