import { type DescMethod, type MessageShape, toBinary } from "@bufbuild/protobuf";
import {
  Code,
  ConnectError,
  createContextValues,
  type Interceptor,
  type StreamResponse,
  type Transport,
} from "@connectrpc/connect";
import { createMethodUrl, runStreamingCall } from "@connectrpc/connect/protocol";
import { requestHeader, validateResponse, validateTrailer } from "@connectrpc/connect/protocol-grpc";
import { createNodeHttpClient, type Http2SessionManager } from "@connectrpc/connect-node";
import { type ChunkBidi, ObjectService } from "@p8e/spec-model/objectstore";
import { decodeGrpcMessages, encodeChunkFrame, grpcEnvelope } from "./chunk-frames.js";

/** Options of {@link createChunkTransport}. */
export interface ChunkTransportOptions {
  readonly baseUrl: string;
  readonly sessionManager: Http2SessionManager;
  readonly interceptors: Interceptor[];
  /** Largest message accepted from the server. */
  readonly readMaxBytes: number;
  /** The transport for every other method (the gRPC transport over the same sessions). */
  readonly fallback: Transport;
}

/**
 * A gRPC transport for the store whose ObjectService.Put and Get move data chunks without copying
 * them (see chunk-frames.ts); every other call goes to `fallback`. Calls run through the same
 * interceptors, deadlines and signals as connect-es's own gRPC transport (`runStreamingCall`), and
 * the response is checked by connect-es's gRPC helpers, so errors are the same ConnectErrors.
 * Compression is neither sent nor accepted (objects are encrypted).
 */
export function createChunkTransport(options: ChunkTransportOptions): Transport {
  const httpClient = createNodeHttpClient({ httpVersion: "2", sessionProvider: () => options.sessionManager });
  const chunked = new Set<DescMethod>([ObjectService.method.put, ObjectService.method.get]);

  return {
    unary(method, signal, timeoutMs, header, input, contextValues) {
      return options.fallback.unary(method, signal, timeoutMs, header, input, contextValues);
    },

    async stream(method, signal, timeoutMs, header, input, contextValues) {
      if (!chunked.has(method)) {
        return options.fallback.stream(method, signal, timeoutMs, header, input, contextValues);
      }
      const timeout = timeoutMs === undefined || timeoutMs <= 0 ? undefined : timeoutMs;
      // ChunkBidi going out (Put) is framed by reference; anything else (Get's HashRequest) is plain.
      const isPut = (method as DescMethod) === ObjectService.method.put;
      const encodeFrames = (message: MessageShape<typeof method.input>): Uint8Array[] =>
        isPut ? encodeChunkFrame(message as ChunkBidi) : [grpcEnvelope(toBinary(method.input, message))];
      return runStreamingCall({
        interceptors: options.interceptors,
        ...(signal === undefined ? {} : { signal }),
        ...(timeout === undefined ? {} : { timeoutMs: timeout }),
        req: {
          stream: true,
          service: method.parent,
          method,
          requestMethod: "POST",
          url: createMethodUrl(options.baseUrl, method),
          header: requestHeader(true, timeout, header),
          contextValues: contextValues ?? createContextValues(),
          message: input,
        },
        next: async (req) => {
          const response = await httpClient({
            url: req.url,
            method: "POST",
            header: req.header,
            signal: req.signal,
            body: (async function* () {
              for await (const message of req.message) yield* encodeFrames(message);
            })(),
          });
          const { foundStatus, headerError } = validateResponse(response.status, response.header);
          if (headerError !== undefined) throw headerError;
          const encoding = response.header.get("grpc-encoding");
          if (encoding !== null && encoding.toLowerCase() !== "identity") {
            throw new ConnectError(`unsupported response encoding "${encoding}"`, Code.Internal, response.header);
          }
          const messages = (async function* () {
            yield* decodeGrpcMessages(response.body, method.output, options.readMaxBytes);
            if (!foundStatus) validateTrailer(response.trailer, response.header);
          })();
          return { ...req, header: response.header, trailer: response.trailer, message: messages } as StreamResponse<
            typeof method.input,
            typeof method.output
          >;
        },
      });
    },
  };
}
