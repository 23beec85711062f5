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

  it("lists, shows and watches the envelope of an execution this party signs alone; it is COMPLETE at once", async () => {
    const client = createNodeClient({ baseUrl: env.apiUrl, key: env.keys.signing });
    const watching = new AbortController();
    const changes: string[] = [];
    const watched = (async () => {
      try {
        for await (const { envelope } of client.watchEnvelopes({}, { signal: watching.signal })) {
          changes.push(envelope!.status);
          if (envelope!.status === "COMPLETE") return envelope!;
        }
      } catch (error) {
        if (!watching.signal.aborted) throw error;
      }
      return undefined;
    })();
    // The stream is open once the server has answered its headers; give it that moment.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const executed = await client.execute({
      contract: { case: "name", value: "hello-world" },
      scopeSpecUuid: "1e6280b6-3544-40d2-b862-ddd2525620d3",
      inputs: { name: { value: { case: "json", value: '{"firstName":"Ada","lastName":"Lovelace"}' } } },
    });
    expect(executed).toMatchObject({ status: "signed", envelopeStatus: "COMPLETE", chainStatus: "memorialized" });
    const last = await Promise.race([watched, new Promise((r) => setTimeout(() => r("timeout"), 10_000))]);
    watching.abort();
    expect(last).toMatchObject({ executionUuid: executed.executionUuid, status: "COMPLETE", side: "invoker" });
    expect(changes).toEqual(["CREATED", "SIGNED", "CHAINCODE", "COMPLETE"]);

    const { envelopes } = await client.listEnvelopes({ status: ["complete"], side: "invoker", scope: executed.scope });
    expect(envelopes.map((e) => e.executionUuid)).toEqual([executed.executionUuid]);
    expect(envelopes[0]).toMatchObject({
      scope: executed.scope,
      session: executed.session,
      contract: "io.p8e.contracts.examplekotlin.HelloWorldContract",
    });
    expect(envelopes[0]!.inputEnvelope).toHaveLength(0);
    expect(Object.keys(envelopes[0]!.timesMs).sort()).toEqual(["CHAINCODE", "COMPLETE", "CREATED", "SIGNED"]);
    expect(envelopes[0]!.txHashes).toEqual(executed.txHashes);
    expect((await client.listEnvelopes({ status: ["INBOX"] })).envelopes).toEqual([]);

    const shown = await client.getEnvelope({ executionUuid: executed.executionUuid });
    expect(shown.envelope?.status).toBe("COMPLETE");
    expect(shown.envelope!.inputEnvelope.length).toBeGreaterThan(0);
    expect(shown.envelope!.resultEnvelope.length).toBeGreaterThan(shown.envelope!.inputEnvelope.length);

    const metrics = await (await fetch(`${env.apiUrl}/metrics`)).text();
    expect(metrics).toMatch(/p8e_envelopes\{status="COMPLETE"\} [1-9]/);
    expect(metrics).toContain('p8e_envelopes{status="INBOX"} 0');
    // The store's replication status is read at scrape time; with no remote store, only the unrouted row.
    expect(metrics).toMatch(/p8e_eos_replication_backlog\{remote="unrouted"\} \d+/);
  });

  it("says what is wrong with an envelope call: unknown execution, wrong state, bad filter", async () => {
    const client = createNodeClient({ baseUrl: env.apiUrl, key: env.keys.signing });
    const unknown = crypto.randomUUID();
    const missing = await client.getEnvelope({ executionUuid: unknown }).catch((e: unknown) => e);
    expect(codeOf(missing)).toBe(Code.NotFound);
    expect((missing as Error).message).toContain("p8e envelope ls");
    expect(codeOf(await client.approveEnvelope({ executionUuid: unknown }).catch((e: unknown) => e))).toBe(
      Code.NotFound,
    );
    expect(codeOf(await client.listEnvelopes({ status: ["DONE"] }).catch((e: unknown) => e))).toBe(
      Code.InvalidArgument,
    );
    expect(codeOf(await client.listEnvelopes({ side: "both" }).catch((e: unknown) => e))).toBe(Code.InvalidArgument);

    const { envelopes } = await client.listEnvelopes({ status: ["COMPLETE"] });
    const done = envelopes[0]!.executionUuid;
    const approve = await client.approveEnvelope({ executionUuid: done }).catch((e: unknown) => e);
    expect(codeOf(approve)).toBe(Code.FailedPrecondition);
    expect((approve as Error).message).toContain("awaiting approval");
    expect(codeOf(await client.cancelEnvelope({ executionUuid: done }).catch((e: unknown) => e))).toBe(
      Code.FailedPrecondition,
    );
    expect(codeOf(await client.rejectEnvelope({ executionUuid: done, message: "" }).catch((e: unknown) => e))).toBe(
      Code.InvalidArgument,
    );
    expect(codeOf(await client.rejectEnvelope({ executionUuid: done, message: "no" }).catch((e: unknown) => e))).toBe(
      Code.FailedPrecondition,
    );
  });

  it("keeps an execution that needs another party's signature in FRAGMENT, and cancels it", async () => {
    const client = createNodeClient({ baseUrl: env.apiUrl, key: env.keys.signing });
    const servicer = generateKeyPair();
    const executed = await client.execute({
      contract: { case: "name", value: "onboarding" },
      scopeSpecUuid: "e6d091d6-4df0-449a-95c1-e35ce30a4509",
      inputs: {
        application: {
          value: {
            case: "json",
            value: '{"loanId":"loan-9","borrowerName":"Ada","amountMinor":"1000","currency":"usd"}',
          },
        },
      },
      participants: [
        {
          role: "ORIGINATOR",
          signingPublicKey: env.keys.signing.publicKey,
          encryptionPublicKey: env.keys.encryption.publicKey,
        },
        { role: "SERVICER", signingPublicKey: servicer.publicKey, encryptionPublicKey: servicer.publicKey },
      ],
    });
    expect(executed).toMatchObject({ status: "needs-signatures", envelopeStatus: "FRAGMENT", chainStatus: "" });
    const { envelopes } = await client.listEnvelopes({ status: ["FRAGMENT"] });
    expect(envelopes.map((e) => e.executionUuid)).toContain(executed.executionUuid);

    const cancelled = await client.cancelEnvelope({ executionUuid: executed.executionUuid, message: "wrong loan" });
    expect(cancelled.envelope).toMatchObject({
      status: "ERROR",
      errorType: "CONTRACT_CANCELLED",
      errorMessage: "wrong loan",
    });
    const again = await client.cancelEnvelope({ executionUuid: executed.executionUuid }).catch((e: unknown) => e);
    expect(codeOf(again)).toBe(Code.FailedPrecondition);
  });
});
