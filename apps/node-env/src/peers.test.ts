// Two parties' environments on one machine, each with its own data folder, ports and object store,
// on one chain (the first one's devnet), knowing each other through P8E_PEERS: the onboarding
// example across them, the originator invoking and the servicer approving through the API.
import { createServer } from "node:net";
import { join } from "node:path";
import { bytesToHex, generateMnemonic } from "@p8e/hashing-crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createNodeClient } from "./api/client.js";
import { createApiRoutes } from "./api/service.js";
import { loadNodeEnvConfig } from "./config.js";
import { eosNodeKeyFromMnemonic, partyKeysFromMnemonic } from "./keystore.js";
import { createLogger } from "./logger.js";
import { type NodeEnv, startNodeEnv } from "./node-env.js";
import { tempDir } from "./testdata/temp-dir.js";

const dir = tempDir();
const envs: NodeEnv[] = [];

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function peerOf(mnemonic: string, eosPort: number) {
  const keys = partyKeysFromMnemonic(mnemonic);
  return {
    eosUrl: `http://127.0.0.1:${eosPort}`,
    nodeKey: bytesToHex(eosNodeKeyFromMnemonic(mnemonic).publicKey),
    signingKey: bytesToHex(keys.signing.publicKey),
    encryptionKey: bytesToHex(keys.encryption.publicKey),
  };
}

let originator: NodeEnv;
let servicer: NodeEnv;

beforeAll(async () => {
  const [originatorMnemonic, servicerMnemonic] = [generateMnemonic(), generateMnemonic()];
  const [originatorEos, servicerEos, devnetPort] = [await freePort(), await freePort(), await freePort()];
  const common = { P8E_API_PORT: "0", P8E_LOG_LEVEL: "silent" };
  originator = await startNodeEnv(
    loadNodeEnvConfig({
      ...common,
      P8E_DATA_DIR: join(dir.path, "originator"),
      P8E_MNEMONIC: originatorMnemonic,
      P8E_EOS_PORT: String(originatorEos),
      P8E_DEVNET_PORT: String(devnetPort),
      P8E_DEVNET_FUND: partyKeysFromMnemonic(servicerMnemonic).address,
      P8E_PEERS: JSON.stringify([peerOf(servicerMnemonic, servicerEos)]),
    }),
    { logger: createLogger("silent"), routes: createApiRoutes },
  );
  envs.push(originator);
  servicer = await startNodeEnv(
    loadNodeEnvConfig({
      ...common,
      P8E_DATA_DIR: join(dir.path, "servicer"),
      P8E_MNEMONIC: servicerMnemonic,
      P8E_PASSPHRASE: "servicer passphrase",
      P8E_EOS_PORT: String(servicerEos),
      P8E_CHAIN_RPC_URL: originator.rpcUrl,
      P8E_PEERS: JSON.stringify([peerOf(originatorMnemonic, originatorEos)]),
    }),
    { logger: createLogger("silent"), routes: createApiRoutes },
  );
  envs.push(servicer);
}, 120_000);

afterAll(async () => {
  for (const env of envs.reverse()) await env.close();
  dir.remove();
});

describe("two environments", { timeout: 120_000 }, () => {
  it("run onboarding across them: the originator invokes, the servicer approves through the API", async () => {
    const atOriginator = createNodeClient({ baseUrl: originator.apiUrl, key: originator.keys.signing });
    const atServicer = createNodeClient({ baseUrl: servicer.apiUrl, key: servicer.keys.signing });
    const executed = await atOriginator.execute({
      contract: { case: "name", value: "onboarding" },
      scopeSpecUuid: "e6d091d6-4df0-449a-95c1-e35ce30a4509",
      inputs: {
        application: {
          value: {
            case: "json",
            value: JSON.stringify({ loanId: "loan-7", borrowerName: "Ada", amountMinor: "5000", currency: "usd" }),
          },
        },
      },
      participants: [
        {
          role: "ORIGINATOR",
          signingPublicKey: originator.keys.signing.publicKey,
          encryptionPublicKey: originator.keys.encryption.publicKey,
        },
        {
          role: "SERVICER",
          signingPublicKey: servicer.keys.signing.publicKey,
          encryptionPublicKey: servicer.keys.encryption.publicKey,
        },
      ],
    });
    expect(executed).toMatchObject({ status: "needs-signatures", envelopeStatus: "FRAGMENT" });
    const uuid = executed.executionUuid;

    // The request reaches the servicer by replication and waits there for approval (policy "hold").
    let inbox: string[] = [];
    for (let i = 0; i < 100 && !inbox.includes(uuid); i++) {
      inbox = (await atServicer.listEnvelopes({ status: ["INBOX"] })).envelopes.map((e) => e.executionUuid);
      if (!inbox.includes(uuid)) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(inbox).toContain(uuid);

    const watching = new AbortController();
    const done = (async () => {
      for await (const { envelope } of atOriginator.watchEnvelopes(
        { executionUuid: uuid },
        { signal: watching.signal },
      )) {
        if (envelope!.status === "COMPLETE" || envelope!.status === "ERROR") return envelope!;
      }
      return undefined;
    })();
    await new Promise((resolve) => setTimeout(resolve, 200));
    const approved = await atServicer.approveEnvelope({ executionUuid: uuid });
    expect(["EXECUTED", "OUTBOX"]).toContain(approved.envelope?.status);

    const final = await done;
    watching.abort();
    expect(final).toMatchObject({ status: "COMPLETE", side: "invoker" });
    const scope = await atOriginator.getScope({ scope: final!.scope });
    expect(scope.records.map((r) => r.name)).toEqual(["application"]);
    expect(JSON.parse(scope.records[0]!.json)).toMatchObject({ loanId: "loan-7", currency: "USD" });

    // The servicer sees the session on chain and completes its side too.
    let servicerStatus = "";
    for (let i = 0; i < 100 && servicerStatus !== "COMPLETE"; i++) {
      servicerStatus = (await atServicer.getEnvelope({ executionUuid: uuid })).envelope?.status ?? "";
      if (servicerStatus !== "COMPLETE") await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(servicerStatus).toBe("COMPLETE");
  });
});
