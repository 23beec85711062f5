import { create } from "@bufbuild/protobuf";
import { type ChunkBidi, ChunkBidiSchema } from "@p8e/spec-model/objectstore";

/** Largest data chunk a Put sends, as upstream clients do. */
export const PUT_CHUNK_BYTES = 2 * 1024 * 1024;
const nilUuid = "00000000-0000-0000-0000-000000000000";

/** What follows the DIME bytes of a Put. */
export interface PutTrailer {
  /** Value chunks in order: HASH, SIGNATURE, SIGNATURE_PUBLIC_KEY, then any extra. */
  readonly properties: ReadonlyArray<readonly [string, Uint8Array]>;
}

/**
 * The ChunkBidi sequence of an ObjectService.Put, as upstream writes it: a MultiStreamHeader, the DIME
 * in data chunks of at most 2 MiB (the first named "DIME" with the plaintext length), an end chunk,
 * then one value chunk per property. `trailer` is awaited only after the last data chunk, so hashes
 * computed while streaming can be sent.
 */
export async function* putRequests(
  dime: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  contentLength: bigint,
  trailer: () => Promise<PutTrailer>,
  headerMetadata: Readonly<Record<string, string>> = {},
): AsyncGenerator<ChunkBidi> {
  yield create(ChunkBidiSchema, {
    impl: {
      case: "multiStreamHeader",
      value: { streamCount: 1, metadata: { "x-created-by": nilUuid, ...headerMetadata } },
    },
  });
  let first = true;
  for await (const piece of dime) {
    for (let offset = 0; offset < piece.length || (first && piece.length === 0); offset += PUT_CHUNK_BYTES) {
      yield create(ChunkBidiSchema, {
        impl: {
          case: "chunk",
          value: {
            ...(first ? { header: { name: "DIME", contentLength } } : {}),
            impl: { case: "data", value: piece.subarray(offset, offset + PUT_CHUNK_BYTES) },
          },
        },
      });
      first = false;
    }
  }
  yield create(ChunkBidiSchema, { impl: { case: "chunk", value: { impl: { case: "end", value: {} } } } });
  const { properties } = await trailer();
  for (const [name, value] of properties) {
    yield create(ChunkBidiSchema, {
      impl: { case: "chunk", value: { header: { name }, impl: { case: "value", value } } },
    });
  }
}
