// A typed client of a node environment's API that proves it holds one of the party's keys.
import { type Client, createClient, type Interceptor } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport } from "@connectrpc/connect-node";
import { type KeyPair, sign } from "@p8e/hashing-crypto";
import { NodeService } from "@p8e/spec-model/api";
import { API_AUTH_PREFIX } from "./auth.js";

/** Options of createNodeClient(). */
export interface NodeClientOptions {
  /** The environment's API, e.g. `http://127.0.0.1:7070`. */
  readonly baseUrl: string;
  /** The party's signing or encryption key; without one only the open calls work. */
  readonly key?: KeyPair;
  /** "connect" over HTTP/1.1 (default; what curl speaks too) or "grpc" over HTTP/2. */
  readonly protocol?: "connect" | "grpc";
}

/** A NodeService client; the first call that needs a token authenticates, and again when the token expires. */
export function createNodeClient(options: NodeClientOptions): Client<typeof NodeService> {
  let token: { value: string; expiresAtMs: number } | undefined;
  let open: Client<typeof NodeService> | undefined;
  const authenticate = async () => {
    if (token !== undefined && token.expiresAtMs - 60_000 > Date.now()) return token.value;
    const key = options.key;
    if (key === undefined) return undefined;
    const { challenge } = await open!.createChallenge({});
    const signature = sign(
      new Uint8Array([...new TextEncoder().encode(API_AUTH_PREFIX), ...challenge]),
      key.privateKey,
    );
    const answer = await open!.authenticate({ challenge, publicKey: key.publicKey, signature });
    token = { value: answer.token, expiresAtMs: Number(answer.expiresAtMs) };
    return token.value;
  };
  const OPEN = new Set(["GetInfo", "CreateChallenge", "Authenticate"]);
  const bearer: Interceptor = (next) => async (request) => {
    if (!OPEN.has(request.method.name)) {
      const value = await authenticate();
      if (value !== undefined) request.header.set("authorization", `Bearer ${value}`);
    }
    return next(request);
  };
  const transport = (interceptors: Interceptor[]) =>
    options.protocol === "grpc"
      ? createGrpcTransport({ baseUrl: options.baseUrl, interceptors })
      : createConnectTransport({ baseUrl: options.baseUrl, httpVersion: "1.1", interceptors });
  open = createClient(NodeService, transport([]));
  return createClient(NodeService, transport([bearer]));
}
