// One listening port for everything the environment serves: HTTP/2 with prior knowledge (gRPC,
// Connect) and HTTP/1.1 (Connect unary calls, curl, load balancers' health checks, Prometheus).
import { createServer as createHttp1Server, type IncomingMessage, type ServerResponse } from "node:http";
import {
  createServer as createHttp2Server,
  type Http2ServerRequest,
  type Http2ServerResponse,
  type Http2Session,
} from "node:http2";
import { createServer as createNetServer, type Socket } from "node:net";
import { NodeEnvError } from "./errors.js";

/** A request handler both protocols feed. */
export type RequestHandler = (
  req: IncomingMessage | Http2ServerRequest,
  res: ServerResponse | Http2ServerResponse,
) => void;

/** A listening server; close() stops accepting, then ends open sessions. */
export interface HttpServer {
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

const HTTP2_PREFACE = Buffer.from("PRI * HTTP/2.0\r\n");

/**
 * Listens on host:port and hands every connection to HTTP/2 or HTTP/1.1 by its first bytes.
 * @throws {NodeEnvError} "port-in-use" when the port is taken.
 */
export async function listenHttp(host: string, port: number, handler: RequestHandler): Promise<HttpServer> {
  const h1 = createHttp1Server(handler as (req: IncomingMessage, res: ServerResponse) => void);
  const h2 = createHttp2Server(handler as (req: Http2ServerRequest, res: Http2ServerResponse) => void);
  const sessions = new Set<Http2Session>();
  const sockets = new Set<Socket>();
  h2.on("session", (session) => {
    sessions.add(session);
    session.on("close", () => sessions.delete(session));
  });
  const front = createNetServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.once("readable", () => {
      const head = socket.read(Math.min(HTTP2_PREFACE.length, socket.readableLength)) as Buffer | null;
      if (head === null) return void socket.end();
      socket.unshift(head);
      if (head.equals(HTTP2_PREFACE.subarray(0, head.length))) h2.emit("connection", socket);
      else h1.emit("connection", socket);
    });
  });
  await new Promise<void>((resolve, reject) => {
    front.once("error", (error: NodeJS.ErrnoException) => {
      reject(
        error.code === "EADDRINUSE"
          ? new NodeEnvError(
              "port-in-use",
              `port ${port} on ${host} is in use; stop what holds it or set another port`,
              {
                cause: error,
              },
            )
          : NodeEnvError.from(error),
      );
    });
    front.listen(port, host, () => resolve());
  });
  const address = front.address();
  const bound = typeof address === "object" && address !== null ? address.port : port;
  return {
    port: bound,
    url: `http://${host.includes(":") ? `[${host}]` : host}:${bound}`,
    async close() {
      const closed = new Promise<void>((resolve) => front.close(() => resolve()));
      for (const session of sessions) session.close();
      h1.closeIdleConnections();
      const deadline = setTimeout(() => {
        for (const socket of sockets) socket.destroy();
      }, 2_000);
      await closed;
      clearTimeout(deadline);
    },
  };
}
