import http2 from "node:http2";
import type { AddressInfo } from "node:net";
import { create, toBinary } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { encodeEnvelope } from "@connectrpc/connect/protocol";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { type ChunkBidi, HashRequestSchema, ObjectService } from "@p8e/spec-model/objectstore";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createChunkRoute } from "./chunk-route.js";
import { silentLogger } from "./logger.js";
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

// The same store twice: Put and Get through the chunk route, and through connect-es only.
let chunked: TestServer;
let plain: TestServer;
let owner: Party;
const tokens = new Map<TestServer, string>();
let put: Awaited<ReturnType<typeof buildPut>>;

beforeAll(async () => {
  chunked = await startTestServer();
  plain = await startTestServer({ chunkRoute: false });
  owner = newParty(chunked.server.url);
  for (const store of [chunked, plain]) tokens.set(store, await tokenFor(store.server.url, owner.keys));
  // One DIME stored on both: 3 MiB, so Get answers with several data messages and a short last one.
  put = await buildPut(owner.keys, pseudoRandomBytes(3 * 1024 * 1024 + 5, 3));
  for (const store of [chunked, plain]) await rawPut(store, putMessages());
});

afterAll(async () => {
  owner.closeAll();
  await chunked.stop();
  await plain.stop();
});

function putMessages(): ChunkBidi[] {
  return [
    header(),
    data(put.dime.subarray(0, 2 * 1024 * 1024), BigInt(put.contentLength)),
    data(put.dime.subarray(2 * 1024 * 1024)),
    end(),
    ...put.properties.map(([name, bytes]) => value(name, bytes)),
  ];
}

function objectsOf(store: TestServer) {
  return createClient(ObjectService, createGrpcTransport({ baseUrl: store.server.url }));
}

function rawPut(store: TestServer, messages: ChunkBidi[], headers: Record<string, string> = auth(store)) {
  async function* stream() {
    yield* messages;
  }
  return objectsOf(store).put(stream(), { headers });
}

function auth(store: TestServer): Record<string, string> {
  return { authorization: `Bearer ${tokens.get(store)}` };
}

async function outcome(call: () => Promise<unknown>): Promise<string> {
  try {
    await call();
    return "OK";
  } catch (error) {
    const e = ConnectError.from(error);
    return `${Code[e.code]}: ${e.rawMessage}`;
  }
}

/** One raw HTTP/2 call: the response body bytes exactly as sent, and the gRPC status. */
async function rawCall(
  store: TestServer,
  path: string,
  body: Uint8Array,
  headers: Record<string, string>,
): Promise<{ body: Buffer; status: string | undefined; message: string | undefined }> {
  const session = http2.connect(store.server.url);
  try {
    const stream = session.request({
      ":method": "POST",
      ":path": path,
      "content-type": "application/grpc",
      te: "trailers",
      ...headers,
    });
    stream.end(body);
    const chunks: Buffer[] = [];
    let trailers: http2.IncomingHttpHeaders = {};
    let head: http2.IncomingHttpHeaders = {};
    stream.on("response", (h) => {
      head = h;
    });
    stream.on("trailers", (t) => {
      trailers = t;
    });
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    const status = (trailers["grpc-status"] ?? head["grpc-status"]) as string | undefined;
    const message = (trailers["grpc-message"] ?? head["grpc-message"]) as string | undefined;
    return { body: Buffer.concat(chunks), status, message };
  } finally {
    session.close();
  }
}

describe("createChunkRoute()", () => {
  it("answers a Get with exactly the bytes connect-es would send", async () => {
    const request = encodeEnvelope(
      0,
      toBinary(HashRequestSchema, create(HashRequestSchema, { hash: put.hash, publicKey: owner.keys.publicKey })),
    );
    const [fast, slow] = await Promise.all(
      [chunked, plain].map((store) => rawCall(store, "/objectstore.ObjectService/Get", request, auth(store))),
    );
    expect(fast!.status).toBe("0");
    expect(slow!.status).toBe("0");
    expect(fast!.body.length).toBeGreaterThan(put.dime.length);
    expect(Buffer.compare(fast!.body, slow!.body)).toBe(0);
  });

  it("answers every refusal with the code and message of the Connect route", async () => {
    const cases: Array<[string, (store: TestServer) => Promise<unknown>]> = [
      ["put without a token", (store) => rawPut(store, putMessages(), {})],
      ["put with a bad token", (store) => rawPut(store, putMessages(), { authorization: "Bearer nope" })],
      ["put with a malformed authorization", (store) => rawPut(store, putMessages(), { authorization: "Basic x" })],
      ["put starting with data", (store) => rawPut(store, putMessages().slice(1))],
      [
        "put without the end chunk",
        (store) =>
          rawPut(
            store,
            putMessages().filter((_, i) => i !== 3),
          ),
      ],
      ["put of nothing", (store) => rawPut(store, [])],
      [
        "get of an unknown hash",
        async (store) => {
          for await (const _ of objectsOf(store).get(
            { hash: new Uint8Array(32), publicKey: owner.keys.publicKey },
            { headers: auth(store) },
          )) {
          }
        },
      ],
      [
        "get with a short hash",
        async (store) => {
          for await (const _ of objectsOf(store).get(
            { hash: new Uint8Array(3), publicKey: owner.keys.publicKey },
            { headers: auth(store) },
          )) {
          }
        },
      ],
    ];
    for (const [name, call] of cases) {
      const [fast, slow] = [await outcome(() => call(chunked)), await outcome(() => call(plain))];
      expect(fast, name).not.toBe("OK");
      expect(fast, name).toBe(slow);
    }
  });

  it("answers a Get without its request message, with two or with a malformed one, as connect-es does", async () => {
    const one = encodeEnvelope(
      0,
      toBinary(HashRequestSchema, create(HashRequestSchema, { hash: put.hash, publicKey: owner.keys.publicKey })),
    );
    // Nothing, two requests, a cut-off frame, and a frame whose message is not protobuf.
    const garbage = encodeEnvelope(0, new Uint8Array([0x0a, 0xff, 0xff]));
    for (const body of [new Uint8Array(0), Buffer.concat([one, one]), one.subarray(0, 7), garbage]) {
      const [fast, slow] = await Promise.all(
        [chunked, plain].map((store) => rawCall(store, "/objectstore.ObjectService/Get", body, auth(store))),
      );
      expect(fast!.status).not.toBe("0");
      expect([fast!.status, fast!.message]).toEqual([slow!.status, slow!.message]);
    }
  });

  it("honours the caller's grpc-timeout on a Put that stalls", async () => {
    for (const store of [chunked, plain]) {
      async function* stalled() {
        yield putMessages()[0]!;
        await new Promise((resolve) => setTimeout(resolve, 2000));
      }
      const result = await outcome(() => objectsOf(store).put(stalled(), { headers: auth(store), timeoutMs: 150 }));
      expect(result).toMatch(/^DeadlineExceeded/);
    }
  });

  it("stores a Put sent by connect-es's own client and serves it back to @p8e/eos-client", async () => {
    const plaintext = pseudoRandomBytes(700 * 1024, 9);
    const dime = await buildPut(owner.keys, plaintext);
    const result = await rawPut(chunked, [
      header(),
      data(dime.dime, BigInt(plaintext.length)),
      end(),
      ...dime.properties.map(([name, bytes]) => value(name, bytes)),
    ]);
    expect(Buffer.from(result.hash)).toEqual(Buffer.from(dime.hash));
    expect(Buffer.compare(await owner.client.get(dime.hash), plaintext)).toBe(0);
  });

  it("lets @p8e/eos-client's chunk framing talk to the Connect route, both ways", async () => {
    const client = owner.connect(plain.server.url);
    const bytes = pseudoRandomBytes(2 * 1024 * 1024 + 77, 11);
    const result = await client.put(bytes);
    expect(Buffer.compare(await client.get(result.hash), bytes)).toBe(0);
  });

  it("tells the implementation through its signal when the caller walks away from a Get", async () => {
    let aborted: () => void = () => undefined;
    const abandoned = new Promise<void>((resolve) => {
      aborted = resolve;
    });
    const route = createChunkRoute({
      implementation: {
        put: () => Promise.reject(new ConnectError("not here", Code.Unimplemented)),
        async *get(_request, context) {
          context.signal.addEventListener("abort", () => aborted());
          for (let i = 0; ; i++) {
            yield data(pseudoRandomBytes(256 * 1024, i + 1));
          }
        },
      },
      interceptors: [],
      readMaxBytes: 1024 * 1024,
      maxTimeoutMs: Number.MAX_SAFE_INTEGER,
      shutdownSignal: new AbortController().signal,
      logger: silentLogger,
    });
    const server = http2.createServer((req, res) => {
      if (!route(req, res)) res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const objects = createClient(ObjectService, createGrpcTransport({ baseUrl: `http://127.0.0.1:${port}` }));
      const controller = new AbortController();
      let received = 0;
      const reading = (async () => {
        for await (const _ of objects.get({ hash: new Uint8Array(32) }, { signal: controller.signal })) {
          if (++received === 3) controller.abort();
        }
      })();
      await expect(reading).rejects.toThrow();
      await abandoned;
      expect(received).toBe(3);
    } finally {
      server.close();
    }
  });
});
