// An attacker's stalled Put: a connection that opens ObjectService.Put, sends the MultiStreamHeader,
// the DIME header and 8 KiB of payload (a temp file on a store with a small inline threshold), and stalls.
import http2 from "node:http2";
import { toBinary } from "@bufbuild/protobuf";
import { grpcEnvelope } from "@p8e/eos-client";
import { ChunkBidiSchema } from "@p8e/spec-model/objectstore";
import { data, header } from "./chunks.js";

export interface StalledPut {
  readonly session: http2.ClientHttp2Session;
  /** Resolves when the store (or the test) closes the connection. */
  readonly closed: Promise<void>;
  /** Resolves with the stream's RST_STREAM code when it closes. */
  readonly reset: Promise<number>;
}

export function stalledPut(url: string, token: string, dime: Uint8Array, contentLength: number): StalledPut {
  const session = http2.connect(url);
  session.on("error", () => {});
  const closed = new Promise<void>((resolve) => session.once("close", () => resolve()));
  const stream = session.request({
    ":method": "POST",
    ":path": "/objectstore.ObjectService/Put",
    "content-type": "application/grpc",
    te: "trailers",
    authorization: `Bearer ${token}`,
  });
  stream.on("error", () => {});
  const reset = new Promise<number>((resolve) => stream.once("close", () => resolve(stream.rstCode ?? 0)));
  stream.write(grpcEnvelope(toBinary(ChunkBidiSchema, header())));
  stream.write(grpcEnvelope(toBinary(ChunkBidiSchema, data(dime.subarray(0, 8192), BigInt(contentLength)))));
  return { session, closed, reset };
}
