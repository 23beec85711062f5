// Two parties' environments on one machine, two p8e-node-env processes, each with its own data folder, ports and object store,
// on one chain (the first one's devnet), knowing each other through P8E_PEERS: the onboarding
// example across them, the originator invoking and the servicer approving through the API.
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { generateMnemonic } from "@p8e/hashing-crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createNodeClient } from "./api/client.js";
import { type PartyKeyPairs, partyKeysFromMnemonic, peerFromMnemonic } from "./keystore.js";
import { tempDir } from "./testdata/temp-dir.js";

const appDir = fileURLToPath(new URL("..", import.meta.url));
const dir = tempDir();
const children: ChildProcess[] = [];

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** One party: a p8e-node-env process, its API and its keys. */
interface PartyProcess {
  readonly apiUrl: string;
  readonly keys: PartyKeyPairs;
  readonly output: () => string;
}

/** Starts p8e-node-env with `variables` and waits until its /readyz says ready. */
async function startProcess(mnemonic: string, variables: Record<string, string>): Promise<PartyProcess> {
  const apiPort = await freePort();
  const child = spawn(process.execPath, ["--conditions", "@p8e/source", "--import", "tsx", "src/main.ts"], {
    cwd: appDir,
    env: { ...process.env, P8E_API_PORT: String(apiPort), P8E_MNEMONIC: mnemonic, ...variables },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let out = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    out += chunk.toString();
  });
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  for (let i = 0; i < 300 && child.exitCode === null; i++) {
    const ready = await fetch(`${apiUrl}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return { apiUrl, keys: partyKeysFromMnemonic(mnemonic), output: () => out };
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`p8e-node-env did not become ready:\n${out}`);
}

let originator: PartyProcess;
let servicer: PartyProcess;

beforeAll(async () => {
  const [originatorMnemonic, servicerMnemonic] = [generateMnemonic(), generateMnemonic()];
  const [originatorEos, servicerEos, devnetPort] = [await freePort(), await freePort(), await freePort()];
  originator = await startProcess(originatorMnemonic, {
    P8E_DATA_DIR: join(dir.path, "originator"),
    P8E_EOS_PORT: String(originatorEos),
    P8E_DEVNET_PORT: String(devnetPort),
    P8E_DEVNET_FUND: partyKeysFromMnemonic(servicerMnemonic).address,
    P8E_PEERS: JSON.stringify([peerFromMnemonic(servicerMnemonic, `http://127.0.0.1:${servicerEos}`)]),
  });
  servicer = await startProcess(servicerMnemonic, {
    P8E_DATA_DIR: join(dir.path, "servicer"),
    P8E_PASSPHRASE: "servicer passphrase",
    P8E_EOS_PORT: String(servicerEos),
    P8E_CHAIN_RPC_URL: `http://127.0.0.1:${devnetPort}`,
    P8E_PEERS: JSON.stringify([peerFromMnemonic(originatorMnemonic, `http://127.0.0.1:${originatorEos}`)]),
  });
}, 120_000);

afterAll(async () => {
  for (const child of children.reverse()) {
    if (child.exitCode !== null) continue;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGINT");
    await exited;
  }
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
