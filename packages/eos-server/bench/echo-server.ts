// A bare Connect service with the same two call shapes as the store (a client-streamed Put and a
// server-streamed Get) that does no work: the transport's own cost, for the small-object ratio.
import http2 from "node:http2";
import type { AddressInfo, Socket } from "node:net";
import { create } from "@bufbuild/protobuf";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { ChunkBidiSchema, ObjectResponseSchema, ObjectService } from "@p8e/spec-model/objectstore";

const handler = connectNodeAdapter({
  acceptCompression: [],
  routes(router) {
    router.service(ObjectService, {
      async put(requests) {
        let bytes = 0n;
        let hash: Uint8Array = new Uint8Array();
        for await (const message of requests) {
          if (message.impl.case !== "chunk") continue;
          const chunk = message.impl.value;
          if (chunk.impl.case === "data") bytes += BigInt(chunk.impl.value.length);
          if (chunk.impl.case === "value" && chunk.header?.name === "HASH") hash = chunk.impl.value;
        }
        return create(ObjectResponseSchema, { hash, metadata: { length: bytes } });
      },
      async *get(request) {
        yield create(ChunkBidiSchema, { impl: { case: "multiStreamHeader", value: { streamCount: 1 } } });
        yield create(ChunkBidiSchema, {
          impl: {
            case: "chunk",
            value: { header: { name: "DIME" }, impl: { case: "data", value: echoPayload(request.hash) } },
          },
        });
        yield create(ChunkBidiSchema, { impl: { case: "chunk", value: { impl: { case: "end", value: {} } } } });
      },
    });
  },
});

const payload = new Uint8Array(1500);
function echoPayload(hash: Uint8Array): Uint8Array {
  payload.set(hash.subarray(0, 32));
  return payload;
}

// The same HTTP/2 flow-control windows as the store.
const server = http2.createServer({ settings: { initialWindowSize: 2 * 1024 * 1024 } }, handler);
server.on("session", (session) => session.setLocalWindowSize(4 * 1024 * 1024));
server.on("connection", (socket: Socket) => socket.setNoDelay(true));
server.listen(0, "127.0.0.1", () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`${JSON.stringify({ event: "listening", url: `http://127.0.0.1:${port}`, port })}\n`);
});
process.once("SIGTERM", () => process.exit(0));
