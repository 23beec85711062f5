import { readdirSync } from "node:fs";
import { join } from "node:path";
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { type ChunkBidi, ChunkBidiSchema, ObjectService } from "@p8e/spec-model/objectstore";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { data, end, header, value } from "./testdata/chunks.js";
import {
  buildPut,
  newParty,
  type Party,
  pseudoRandomBytes,
  startTestServer,
  type TestServer,
  tokenFor,
} from "./testdata/harness.js";

let store: TestServer;
let owner: Party;
let objects: ReturnType<typeof createClient<typeof ObjectService>>;
let valid: ChunkBidi[];
let token: string;

async function send(messages: ChunkBidi[]) {
  async function* stream() {
    yield* messages;
  }
  return objects.put(stream(), { headers: { authorization: `Bearer ${token}` } });
}

async function refusal(messages: ChunkBidi[]): Promise<ConnectError> {
  const error = await send(messages).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConnectError);
  return error as ConnectError;
}

beforeAll(async () => {
  store = await startTestServer({ maxObjectBytes: 256 * 1024, inlineThreshold: 4096 });
  owner = newParty(store.server.url);
  token = await tokenFor(store.server.url, owner.keys);
  objects = createClient(ObjectService, createGrpcTransport({ baseUrl: store.server.url }));
  const put = await buildPut(owner.keys, pseudoRandomBytes(10_000, 4));
  valid = [
    header(),
    data(put.dime.subarray(0, 3000), BigInt(put.contentLength)),
    data(put.dime.subarray(3000)),
    end(),
    ...put.properties.map(([name, bytes]) => value(name, bytes)),
  ];
});
afterAll(async () => {
  owner.closeAll();
  await store.stop();
});

describe("receivePut()", () => {
  it("stores a well-formed stream", async () => {
    const response = await send(valid);
    expect(response.uuid?.value).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("accepts upstream-shaped streams: end chunks repeated, before and after the properties", async () => {
    const first = await send(valid);
    const shaped = [...valid.slice(0, 4), end(), ...valid.slice(4), end(), end()];
    expect((await send(shaped)).uuid?.value).toBe(first.uuid?.value);
  });

  it.each([
    ["an empty stream", () => [], /Put stream is empty/],
    ["a chunk first", () => [end()], /first message of a Put must be a MultiStreamHeader/],
    ["two streams", () => [header(2)], /stream_count must be 1, got 2/],
    ["a header only", () => [header()], /no DIME data/],
    ["a value chunk before any data", () => [header(), valid[4]!], /must be a data chunk with a StreamHeader/],
    ["a second MultiStreamHeader", () => [...valid.slice(0, 2), header()], /only chunks may follow/],
    [
      "data after the end chunk",
      () => [...valid.slice(0, 4), data(new Uint8Array(1))],
      /data chunk after the end chunk/,
    ],
    ["no end chunk", () => [...valid.slice(0, 3), ...valid.slice(4)], /without an end chunk/],
    ["a missing HASH", () => [...valid.slice(0, 4), ...valid.slice(5)], /lacks the HASH property/],
    [
      "a short HASH",
      () => [...valid.slice(0, 4), value("HASH", new Uint8Array(8)), ...valid.slice(5)],
      /HASH must be 16 to 64 bytes, got 8/,
    ],
    [
      "conflicting HASH values",
      () => [...valid, value("HASH", new Uint8Array(32))],
      /sent twice with different values/,
    ],
    [
      "a SIGNATURE that is not DER",
      () => [...valid.slice(0, 5), value("SIGNATURE", new Uint8Array(70)), valid[6]!],
      /not a DER-encoded/,
    ],
    [
      "a signer that is not a PEM key",
      () => [...valid.slice(0, 6), value("SIGNATURE_PUBLIC_KEY", new TextEncoder().encode("nope"))],
      /not a secp256k1 PEM/,
    ],
    ["bytes that are not a DIME", () => [header(), data(new Uint8Array(64).fill(1), 1n), end()], /magic bytes "DIME"/],
    [
      "a truncated DIME header",
      () => [
        header(),
        valid[1]!.impl.case === "chunk"
          ? data((valid[1]!.impl.value.impl.value as Uint8Array).subarray(0, 20), 1n)
          : header(),
        end(),
      ],
      /ended inside the DIME header/,
    ],
    [
      "a wrong content_length",
      () => [
        header(),
        data((valid[1]!.impl.value as { impl: { value: Uint8Array } }).impl.value, 5n),
        ...valid.slice(2),
      ],
      /content_length is 5 but the encrypted payload holds 10000 bytes/,
    ],
  ] as const)("answers INVALID_ARGUMENT for %s, saying what was wrong", async (_name, messages, pattern) => {
    const error = await refusal(messages() as ChunkBidi[]);
    expect(error.code).toBe(Code.InvalidArgument);
    expect(error.rawMessage).toMatch(pattern);
  });

  it("only ever answers error codes for random chunk sequences, and keeps nothing partial", async () => {
    const junk = fc.oneof(
      fc.constant(header()),
      fc.integer({ min: -3, max: 5 }).map((n) => header(n)),
      fc.uint8Array({ maxLength: 64 }).map((b) => data(b)),
      fc.tuple(fc.uint8Array({ maxLength: 64 }), fc.bigInt({ min: -5n, max: 20_000n })).map(([b, n]) => data(b, n)),
      fc
        .tuple(fc.constantFrom("HASH", "SIGNATURE", "SIGNATURE_PUBLIC_KEY", "", "X"), fc.uint8Array({ maxLength: 80 }))
        .map(([n, b]) => value(n, b)),
      fc.constant(end()),
      fc.constant(create(ChunkBidiSchema, {})),
      fc.constant(create(ChunkBidiSchema, { impl: { case: "chunk", value: {} } })),
    );
    const sequence = fc.oneof(
      fc.array(junk, { maxLength: 12 }),
      // Mutations of the valid stream: drop, duplicate or insert messages.
      fc
        .array(fc.tuple(fc.nat(valid.length - 1), fc.constantFrom("drop", "dup", "insert"), junk), {
          minLength: 1,
          maxLength: 3,
        })
        .map((edits) => {
          const out = [...valid];
          for (const [at, kind, extra] of edits) {
            const i = Math.min(at, out.length - 1);
            if (kind === "drop") out.splice(i, 1);
            else if (kind === "dup") out.splice(i, 0, out[i]!);
            else out.splice(i, 0, extra);
          }
          return out;
        }),
    );
    const allowed = new Set([Code.InvalidArgument, Code.ResourceExhausted, Code.PermissionDenied]);
    await fc.assert(
      fc.asyncProperty(sequence, async (messages) => {
        const outcome = await send(messages).then(
          (response) => ({ ok: true as const, response }),
          (error: unknown) => ({ ok: false as const, error }),
        );
        if (outcome.ok) {
          // Only an intact stream may succeed, and then the object reads back.
          const bytes = await owner.client.get(outcome.response.hash);
          expect(bytes.length).toBe(10_000);
        } else {
          expect(outcome.error).toBeInstanceOf(ConnectError);
          expect(allowed.has((outcome.error as ConnectError).code), String(outcome.error)).toBe(true);
        }
      }),
      { numRuns: 80 },
    );
    expect(readdirSync(join(store.dataDir, "tmp"))).toEqual([]);
  });
});
