// What the environment's port serves: GET /healthz (alive), GET /readyz (every part up and the
// examples published), GET /metrics (Prometheus), and everything else as Connect/gRPC services.
import type { IncomingMessage, ServerResponse } from "node:http";
import { type ConnectRouter, cors } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import type { RequestHandler } from "./http-server.js";
import type { Logger } from "./logger.js";
import type { NodeEnv } from "./node-env.js";

/** Mounts services on the environment's Connect router. */
export type RouteRegistrar = (router: ConnectRouter) => void;

/** The handler for the environment's port. */
export function createRequestHandler(options: {
  readonly env: NodeEnv;
  readonly logger: Logger;
  readonly services?: RouteRegistrar | undefined;
}): RequestHandler {
  const { env, logger, services } = options;
  const origins = new Set(env.config.apiCorsOrigins);
  const connect = connectNodeAdapter({
    routes: services ?? (() => {}),
    fallback: (_req, res) => send(res, 404, "text/plain", "not found: try /healthz, /readyz, /metrics or the API\n"),
  });
  return (req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    const origin = req.headers.origin;
    // Browsers on the origins configured may call the API; its bearer token, not a cookie, is what
    // authorizes a call, so a page can only act with a key it holds.
    if (typeof origin === "string" && (origins.has(origin) || origins.has("*"))) {
      res.setHeader("access-control-allow-origin", origin);
      res.setHeader("vary", "origin");
      res.setHeader("access-control-expose-headers", cors.exposedHeaders.join(", "));
      if (req.method === "OPTIONS") {
        res.setHeader("access-control-allow-methods", cors.allowedMethods.join(", "));
        res.setHeader("access-control-allow-headers", [...cors.allowedHeaders, "authorization"].join(", "));
        res.setHeader("access-control-max-age", "7200");
        (res as ServerResponse).writeHead(204);
        (res as ServerResponse).end();
        return;
      }
    }
    if (req.method === "GET" && path === "/healthz") return send(res, 200, "application/json", '{"status":"ok"}\n');
    if (req.method === "GET" && path === "/readyz") {
      const body = JSON.stringify({ ready: env.ready, address: env.address, chainId: env.chainId });
      return send(res, env.ready ? 200 : 503, "application/json", `${body}\n`);
    }
    if (req.method === "GET" && path === "/metrics") {
      env.metrics.registry
        .metrics()
        .then((text) => send(res, 200, env.metrics.registry.contentType, text))
        .catch((error: unknown) => {
          logger.error({ err: error }, "metrics failed");
          send(res, 500, "text/plain", "metrics failed\n");
        });
      return;
    }
    connect(req as IncomingMessage, res as ServerResponse);
  };
}

function send(res: { writeHead: unknown; end: unknown }, status: number, type: string, body: string): void {
  (res as ServerResponse).writeHead(status, { "content-type": type, "content-length": Buffer.byteLength(body) });
  (res as ServerResponse).end(body);
}
