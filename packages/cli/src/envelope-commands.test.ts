// `p8e envelope …` as a user runs it: spawned processes against a running environment.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateKeyPair, generateMnemonic } from "@p8e/hashing-crypto";
import {
  createApiRoutes,
  createLogger,
  createNodeClient,
  loadNodeEnvConfig,
  type NodeEnv,
  partyKeysFromMnemonic,
  peerFromMnemonic,
  startNodeEnv,
} from "@p8e/node-env";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliDir, freePort, p8e as run } from "./test-support.js";

const dir = mkdtempSync(join(tmpdir(), "p8e-cli-envelope-"));
let env: NodeEnv;
/** Another party's environment, on env's chain, each knowing the other as a peer. */
let servicer: NodeEnv;

const p8e = (args: string[], extra: Record<string, string> = {}) =>
  run(args, cliDir, {
    P8E_API_URL: env.apiUrl,
    P8E_DATA_DIR: join(dir, "env"),
    P8E_KEYSTORE: join(dir, "ks"),
    ...extra,
  });
/** p8e as the servicer's operator runs it. */
const asServicer = (args: string[]) =>
  p8e(args, { P8E_API_URL: servicer.apiUrl, P8E_DATA_DIR: join(dir, "servicer"), P8E_PASSPHRASE: SERVICER_PASSPHRASE });
const SERVICER_PASSPHRASE = "servicer passphrase";

/** A servicer that never answers. */
function strangerKeys() {
  const { publicKey } = generateKeyPair();
  return { signing: publicKey, encryption: publicKey };
}

/** Starts onboarding with `other` as the servicer (by default one that never answers, so it stays in FRAGMENT). */
async function pendingOnboarding(
  loanId: string,
  other: { signing: Uint8Array; encryption: Uint8Array } = strangerKeys(),
): Promise<string> {
  const client = createNodeClient({ baseUrl: env.apiUrl, key: env.keys.signing });
  const executed = await client.execute({
    contract: { case: "name", value: "onboarding" },
    scopeSpecUuid: "e6d091d6-4df0-449a-95c1-e35ce30a4509",
    inputs: {
      application: {
        value: {
          case: "json",
          value: JSON.stringify({ loanId, borrowerName: "Ada", amountMinor: "1000", currency: "usd" }),
        },
      },
    },
    participants: [
      {
        role: "ORIGINATOR",
        signingPublicKey: env.keys.signing.publicKey,
        encryptionPublicKey: env.keys.encryption.publicKey,
      },
      { role: "SERVICER", signingPublicKey: other.signing, encryptionPublicKey: other.encryption },
    ],
  });
  expect(executed.envelopeStatus).toBe("FRAGMENT");
  return executed.executionUuid;
}

beforeAll(async () => {
  const [mnemonic, servicerMnemonic] = [generateMnemonic(), generateMnemonic()];
  const [eosPort, servicerEosPort] = [await freePort(), await freePort()];
  const common = { P8E_API_PORT: "0", P8E_LOG_LEVEL: "silent" };
  const config = loadNodeEnvConfig({
    ...common,
    P8E_DATA_DIR: join(dir, "env"),
    P8E_MNEMONIC: mnemonic,
    P8E_EOS_PORT: String(eosPort),
    P8E_DEVNET_PORT: "0",
    P8E_DEVNET_FUND: partyKeysFromMnemonic(servicerMnemonic).address,
    P8E_PEERS: JSON.stringify([peerFromMnemonic(servicerMnemonic, `http://127.0.0.1:${servicerEosPort}`)]),
  });
  env = await startNodeEnv(config, { logger: createLogger("silent"), routes: createApiRoutes });
  const servicerConfig = loadNodeEnvConfig({
    ...common,
    P8E_DATA_DIR: join(dir, "servicer"),
    P8E_MNEMONIC: servicerMnemonic,
    P8E_PASSPHRASE: SERVICER_PASSPHRASE,
    P8E_EOS_PORT: String(servicerEosPort),
    P8E_CHAIN_RPC_URL: env.rpcUrl,
    P8E_PEERS: JSON.stringify([peerFromMnemonic(mnemonic, `http://127.0.0.1:${eosPort}`)]),
  });
  servicer = await startNodeEnv(servicerConfig, { logger: createLogger("silent"), routes: createApiRoutes });
}, 60_000);

afterAll(async () => {
  await servicer?.close();
  await env?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("p8e envelope", { timeout: 60_000 }, () => {
  it("ls, show and watch an execution waiting for another party, then cancel it", async () => {
    const uuid = await pendingOnboarding("loan-cli-1");

    const ls = await p8e(["envelope", "ls", "--status", "fragment"]);
    expect(ls.code).toBe(0);
    expect(ls.out).toMatch(new RegExp(`${uuid}\\s+FRAGMENT\\s+invoker\\s+OnboardingContract\\s+scope1`));

    const json = await p8e(["envelope", "ls", "--side", "invoker", "--json"]);
    expect(json.code).toBe(0);
    const listed = JSON.parse(json.out) as { executionUuid: string; status: string }[];
    expect(listed.find((e) => e.executionUuid === uuid)?.status).toBe("FRAGMENT");

    const show = await p8e(["envelope", "show", uuid]);
    expect(show.code).toBe(0);
    expect(show.out).toContain("status     FRAGMENT (invoker)");
    expect(show.out).toContain("contract   io.p8e.examples.onboarding.OnboardingContract");
    expect(show.out).toMatch(/ {2}CREATED {3}\s+\d{4}-/);

    // watch ends with the execution: the cancel below ends it in ERROR, so watch exits 1.
    const watching = p8e(["envelope", "watch", uuid, "--timeout", "30"]);
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const cancel = await p8e(["envelope", "cancel", uuid, "-m", "wrong loan"]);
    expect(cancel.code).toBe(0);
    expect(cancel.out).toContain(`cancelled ${uuid}: now ERROR`);
    expect(cancel.out).toContain("error      CONTRACT_CANCELLED: wrong loan");
    const watched = await watching;
    expect(watched.out).toMatch(new RegExp(`${uuid}\\s+ERROR\\s+invoker\\s+CONTRACT_CANCELLED: wrong loan`));
    expect(watched.code).toBe(1);

    // Watching an execution that has ended already says so at once.
    const again = await p8e(["envelope", "watch", uuid, "--json"]);
    expect(again.code).toBe(1);
    expect(JSON.parse(again.out)).toMatchObject({ executionUuid: uuid, status: "ERROR" });

    const twice = await p8e(["envelope", "cancel", uuid]);
    expect(twice.code).toBe(1);
    expect(twice.err).toContain("only a CREATED or FRAGMENT execution can be cancelled");
  });

  it("rejects its own pending execution with a message", async () => {
    const uuid = await pendingOnboarding("loan-cli-2");
    const reject = await p8e(["envelope", "reject", uuid, "-m", "not today", "--json"]);
    expect(reject.code).toBe(0);
    expect(JSON.parse(reject.out)).toMatchObject({
      executionUuid: uuid,
      status: "ERROR",
      errorType: "CONTRACT_REJECTED",
      errorMessage: "not today",
    });
  });

  it("says what to do: exit 2 for usage, 1 for an unknown execution or a wrong state, an example in --help", async () => {
    const badUuid = await p8e(["envelope", "show", "nope"]);
    expect(badUuid.code).toBe(2);
    expect(badUuid.err).toContain("p8e envelope ls");
    const badStatus = await p8e(["envelope", "ls", "--status", "DONE"]);
    expect(badStatus.code).toBe(2);
    expect(badStatus.err).toContain("INBOX");
    const noMessage = await p8e(["envelope", "reject", crypto.randomUUID()]);
    expect(noMessage.code).toBe(2);
    expect(noMessage.err).toContain("--message");

    const unknown = await p8e(["envelope", "approve", crypto.randomUUID()]);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain("p8e envelope ls");

    for (const verb of ["ls", "show", "approve", "reject", "cancel", "watch"]) {
      const help = await p8e(["envelope", verb, "--help"]);
      expect(help.code).toBe(0);
      expect(help.out).toMatch(/Examples?:\n {2}p8e envelope /);
    }
  });

  it("approves a request another party's environment sent, and the invoker's watch ends COMPLETE", async () => {
    const uuid = await pendingOnboarding("loan-cli-3", {
      signing: servicer.keys.signing.publicKey,
      encryption: servicer.keys.encryption.publicKey,
    });
    let inbox = "";
    for (let i = 0; i < 100 && !inbox.includes(uuid); i++) {
      inbox = (await asServicer(["envelope", "ls", "--status", "INBOX"])).out;
    }
    expect(inbox).toMatch(new RegExp(`${uuid}\\s+INBOX\\s+counterparty\\s+OnboardingContract`));
    const show = await asServicer(["envelope", "show", uuid]);
    expect(show.out).toContain(`next: p8e envelope approve ${uuid}`);

    const watching = p8e(["envelope", "watch", uuid, "--timeout", "40"]);
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const approve = await asServicer(["envelope", "approve", uuid]);
    expect(approve.err).toBe("");
    expect(approve.code).toBe(0);
    expect(approve.out).toMatch(new RegExp(`approved ${uuid}: now (EXECUTED|OUTBOX)`));
    const watched = await watching;
    expect(watched.out).toMatch(new RegExp(`${uuid}\\s+COMPLETE\\s+invoker`));
    expect(watched.code).toBe(0);

    const again = await asServicer(["envelope", "approve", uuid]);
    expect(again.code).toBe(1);
    expect(again.err).toContain("only a request awaiting approval");
  });
});
