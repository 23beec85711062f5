import type http2 from "node:http2";
import { connect as netConnect } from "node:net";
import { connect as tlsConnect } from "node:tls";
import { Http2SessionManager } from "@connectrpc/connect-node";
import { readableChunks } from "./readable-chunks.js";

/** Per-stream receive window the client announces. */
export const STREAM_WINDOW_BYTES = 4 * 1024 * 1024;
/** Connection-level receive window the client grows each session to. */
export const SESSION_WINDOW_BYTES = 16 * 1024 * 1024;

/**
 * An Http2SessionManager whose connections send without Nagle delays and receive with large
 * flow-control windows. With HTTP/2's default 64 KiB connection window, a server sending a large
 * object must wait for a WINDOW_UPDATE every 64 KiB, and the client sends those only between
 * decrypting chunks, so Gets would crawl; with Nagle's algorithm, small calls wait for delayed ACKs.
 * Its streams iterate received chunks as they came ({@link readableChunks}), without joining them.
 */
export class WindowedSessionManager extends Http2SessionManager {
  readonly #widened = new WeakSet<http2.Http2Session>();

  constructor(url: string, pingOptions: ConstructorParameters<typeof Http2SessionManager>[1]) {
    const target = new URL(url);
    const secure = target.protocol === "https:";
    const port = Number(target.port || (secure ? 443 : 80));
    const host = target.hostname.replace(/^\[|\]$/g, "");
    super(url, pingOptions, {
      settings: { initialWindowSize: STREAM_WINDOW_BYTES },
      createConnection: () =>
        secure
          ? tlsConnect({ host, port, servername: host, ALPNProtocols: ["h2"] }).setNoDelay(true)
          : netConnect({ host, port, noDelay: true }),
    });
  }

  override async request(
    method: string,
    path: string,
    headers: http2.OutgoingHttpHeaders,
    options: Omit<http2.ClientSessionRequestOptions, "signal">,
  ): Promise<http2.ClientHttp2Stream> {
    const stream = await super.request(method, path, headers, options);
    // connect-node reads a response by iterating the stream; iterate it without joining chunks.
    stream[Symbol.asyncIterator] = () => readableChunks(stream);
    const session = stream.session;
    if (session !== undefined && !this.#widened.has(session)) {
      this.#widened.add(session);
      session.setLocalWindowSize(SESSION_WINDOW_BYTES);
    }
    return stream;
  }
}
