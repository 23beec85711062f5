// The application API against a running environment, over Connect (HTTP/1.1) and gRPC (HTTP/2).
import { Code, ConnectError } from "@connectrpc/connect";
import { generateKeyPair } from "@p8e/hashing-crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadNodeEnvConfig } from "../config.js";
import { createLogger } from "../logger.js";
import { type NodeEnv, startNodeEnv } from "../node-env.js";
import { tempDir, testEnvVariables } from "../testdata/temp-dir.js";
import { createNodeClient } from "./client.js";
import { createApiRoutes } from "./service.js";

const dir = tempDir();
let env: NodeEnv;

beforeAll(async () => {
  const config = loadNodeEnvConfig(testEnvVariables(dir.path));
  env = await startNodeEnv(config, { logger: createLogger("silent"), routes: createApiRoutes });
});

afterAll(async () => {
  await env?.close();
  dir.remove();
});

const codeOf = (error: unknown) => (error instanceof ConnectError ? error.code : error);

describe("NodeService", () => {
  it("executes hello-world with protobuf JSON inputs, then shows, histories and verifies the scope", async () => {
    const client = createNodeClient({ baseUrl: env.apiUrl, key: env.keys.signing });
    const info = await client.getInfo({});
    expect(info.contracts.map((c) => c.name)).toEqual(["hello-world", "onboarding"]);

    const executed = await client.execute({
      contract: { case: "name", value: "hello-world" },
      scopeSpecUuid: "1e6280b6-3544-40d2-b862-ddd2525620d3",
      inputs: { name: { value: { case: "json", value: '{"firstName":"Alan","lastName":"Turing"}' } } },
    });
    expect(executed).toMatchObject({ status: "signed", chainStatus: "memorialized" });
    expect(executed.scope).toMatch(/^scope1/);

    const scope = await client.getScope({ scope: executed.scope });
    expect(scope.records).toHaveLength(1);
    expect(scope.records[0]).toMatchObject({ name: "name", typeName: "io.p8e.proto.example.ExampleName" });
    expect(JSON.parse(scope.records[0]!.json)).toEqual({ firstName: "Alan-hello", lastName: "Turing-world" });

    const history = await client.getHistory({ scope: executed.scope });
    expect(history.versions.map((v) => v.function)).toEqual(["name"]);

    const grpc = createNodeClient({ baseUrl: env.apiUrl, key: env.keys.encryption, protocol: "grpc" });
    const report = await grpc.verifyScope({ scope: executed.scope });
    expect(report.verified).toBe(true);
  });

  it("refuses inputs that are not the type's protobuf JSON, naming the input", async () => {
    const client = createNodeClient({ baseUrl: env.apiUrl, key: env.keys.signing });
    const error = await client
      .execute({
        contract: { case: "name", value: "hello-world" },
        scopeSpecUuid: "1e6280b6-3544-40d2-b862-ddd2525620d3",
        inputs: { name: { value: { case: "json", value: '{"nickname":"x"}' } } },
      })
      .catch((e: unknown) => e);
    expect(codeOf(error)).toBe(Code.InvalidArgument);
    expect((error as Error).message).toContain('input "name"');
  });

  it("lets only the party's own keys in", async () => {
    const anonymous = createNodeClient({ baseUrl: env.apiUrl });
    expect(codeOf(await anonymous.verifyScope({ scope: "x" }).catch((e: unknown) => e))).toBe(Code.Unauthenticated);
    const stranger = createNodeClient({ baseUrl: env.apiUrl, key: generateKeyPair() });
    expect(codeOf(await stranger.verifyScope({ scope: "x" }).catch((e: unknown) => e))).toBe(Code.PermissionDenied);
    const forged = await fetch(`${env.apiUrl}/p8e.api.v1.NodeService/VerifyScope`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer p8e1.e30.AAAA" },
      body: "{}",
    });
    expect(forged.status).toBe(401);
  });

  it("answers GetInfo to curl-style JSON over HTTP/1.1", async () => {
    const response = await fetch(`${env.apiUrl}/p8e.api.v1.NodeService/GetInfo`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ address: env.address, ready: true });
  });
});
