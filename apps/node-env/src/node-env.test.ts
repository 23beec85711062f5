// A whole environment in process: object store, devnet, engine, examples, health and metrics.
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiRoutes } from "./api/service.js";
import { loadNodeEnvConfig } from "./config.js";
import { isNodeEnvError } from "./errors.js";
import { runHelloWorld } from "./hello-world.js";
import { createLogger } from "./logger.js";
import { type NodeEnv, startNodeEnv } from "./node-env.js";
import { readRuntimeInfo } from "./runtime-file.js";
import { freePort, tempDir, testEnvVariables } from "./testdata/temp-dir.js";

const dir = tempDir();
const logger = createLogger("silent");
let env: NodeEnv;

beforeAll(async () => {
  env = await startNodeEnv(
    loadNodeEnvConfig({ ...testEnvVariables(dir.path), P8E_API_CORS_ORIGINS: "http://localhost:3000" }),
    { logger, routes: createApiRoutes },
  );
});

afterAll(async () => {
  await env?.close();
  dir.remove();
});

describe("startNodeEnv()", () => {
  it("publishes the examples and is ready", async () => {
    expect([...env.contracts.keys()]).toEqual(["hello-world", "onboarding"]);
    expect(await (await fetch(`${env.apiUrl}/healthz`)).json()).toEqual({ status: "ok" });
    const ready = await fetch(`${env.apiUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ ready: true, address: env.address });
    // Tools given only the data folder find it.
    expect(readRuntimeInfo(dir.path)).toMatchObject({ pid: process.pid, apiUrl: env.apiUrl, eosUrl: env.eosUrl });
  });

  it("runs hello-world to the chain, and the metrics count it", async () => {
    const run = await runHelloWorld(env, { firstName: "Ada", lastName: "Lovelace" });
    expect(run.scope).toMatch(/^scope1/);
    expect(run.record).toEqual({ firstName: "Ada-hello", lastName: "Lovelace-world" });
    expect((await env.engine.verify(run.scope)).verified).toBe(true);

    const metrics = await (await fetch(`${env.apiUrl}/metrics`)).text();
    expect(metrics).toContain('p8e_executions_total{result="signed"} 1');
    expect(metrics).toContain('p8e_chain_broadcasts_total{result="memorialized"} 1');
    expect(metrics).toMatch(/p8e_sandbox_fuel_ticks_count 1/);
    expect(metrics).toMatch(/p8e_eos_put_objects_total [1-9]/);
  });

  it("lets pages from the configured origins call the API, and no others", async () => {
    const preflight = (origin: string) =>
      fetch(`${env.apiUrl}/p8e.api.v1.NodeService/GetInfo`, {
        method: "OPTIONS",
        headers: {
          origin,
          "access-control-request-method": "POST",
          "access-control-request-headers": "content-type, authorization",
        },
      });
    const allowed = await preflight("http://localhost:3000");
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get("access-control-allow-origin")).toBe("http://localhost:3000");
    expect(allowed.headers.get("access-control-allow-headers")).toContain("authorization");
    expect((await preflight("http://evil.example")).headers.get("access-control-allow-origin")).toBeNull();

    const call = await fetch(`${env.apiUrl}/p8e.api.v1.NodeService/GetInfo`, {
      method: "POST",
      headers: { origin: "http://localhost:3000", "content-type": "application/json" },
      body: "{}",
    });
    expect(call.headers.get("access-control-allow-origin")).toBe("http://localhost:3000");
    expect(await call.json()).toMatchObject({ address: env.address });
  });

  it("answers 404 with a hint for unknown paths", async () => {
    const response = await fetch(`${env.apiUrl}/nothing`);
    expect(response.status).toBe(404);
    expect(await response.text()).toContain("/healthz");
  });
});

describe("NodeEnv.addPeer()", () => {
  it("keeps a peer added at run time for the next start, and refuses what is no peer store", async () => {
    const other = tempDir();
    const variables = { ...testEnvVariables(other.path), P8E_PUBLISH_EXAMPLES: "false" };
    const absent = `http://127.0.0.1:${await freePort()}`;
    try {
      const first = await startNodeEnv(loadNodeEnvConfig(variables), { logger });
      try {
        expect(await first.addPeer(absent, 100)).toMatchObject({ eosUrl: absent, state: "waiting", parties: [] });
        for (const bad of ["ftp://127.0.0.1:1", "127.0.0.1:1", first.eosUrl]) {
          const error = await first.addPeer(bad, 100).catch((e: unknown) => e);
          expect(isNodeEnvError(error) && error.code, bad).toBe("invalid-config");
        }
      } finally {
        await first.close();
      }
      expect(readRuntimeInfo(other.path)).toBeUndefined();
      expect(JSON.parse(readFileSync(join(other.path, "peers.json"), "utf8"))).toEqual({ peers: [absent] });
      const second = await startNodeEnv(loadNodeEnvConfig(variables), { logger });
      try {
        expect(second.peers().map((p) => p.eosUrl)).toEqual([absent]);
      } finally {
        await second.close();
      }
    } finally {
      other.remove();
    }
  });
});

describe("startNodeEnv() refusals", () => {
  it("says which port is in use, and leaves nothing running", async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const port = (blocker.address() as { port: number }).port;
    const other = tempDir();
    try {
      const config = loadNodeEnvConfig({
        ...testEnvVariables(other.path),
        P8E_API_PORT: String(port),
        P8E_PUBLISH_EXAMPLES: "false",
      });
      const error = await startNodeEnv(config, { logger }).catch((e: unknown) => e);
      expect(isNodeEnvError(error) && error.code).toBe("port-in-use");
      expect((error as Error).message).toContain(String(port));
    } finally {
      blocker.close();
      other.remove();
    }
  });

  it("refuses a wrong passphrase for the kept key", async () => {
    const config = loadNodeEnvConfig({ ...testEnvVariables(dir.path), P8E_PASSPHRASE: "not the dev passphrase" });
    const error = await startNodeEnv(config, { logger }).catch((e: unknown) => e);
    expect(isNodeEnvError(error) && error.code).toBe("wrong-passphrase");
  });

  it("says when the chain cannot be reached", async () => {
    const other = tempDir();
    try {
      const config = loadNodeEnvConfig({
        ...testEnvVariables(other.path),
        P8E_CHAIN_RPC_URL: "http://127.0.0.1:1",
        P8E_PASSPHRASE: "a passphrase of mine",
        P8E_PUBLISH_EXAMPLES: "false",
      });
      const error = await startNodeEnv(config, { logger }).catch((e: unknown) => e);
      expect(isNodeEnvError(error) && error.code).toBe("chain-unreachable");
      expect((error as Error).message).toContain("P8E_CHAIN_RPC_URL");
    } finally {
      other.remove();
    }
  });
});
