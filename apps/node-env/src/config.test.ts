import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEV_PASSPHRASE, keystorePassphrase, loadNodeEnvConfig } from "./config.js";
import { isNodeEnvError } from "./errors.js";
import { tempDir } from "./testdata/temp-dir.js";

describe("loadNodeEnvConfig()", () => {
  it("gives the embedded defaults, with the data folder made absolute", () => {
    const config = loadNodeEnvConfig({}, { cwd: "/srv/party" });
    expect(config).toMatchObject({
      dataDir: "/srv/party/.p8e",
      apiPort: 7070,
      eosPort: 7071,
      devnetPort: 26657,
      approvalPolicy: "hold",
    });
    expect(config.chainRpcUrl).toBeUndefined();
    expect(keystorePassphrase(config)).toBe(DEV_PASSPHRASE);
  });

  it("reports every wrong field at once, each with its variable", () => {
    let error: unknown;
    try {
      loadNodeEnvConfig({
        P8E_API_PORT: "seventy",
        P8E_EOS_PORT: "70000",
        P8E_CHAIN_RPC_URL: "ftp://node",
        P8E_PUBLISH_EXAMPLES: "maybe",
        P8E_LOG_LEVEL: "loud",
        P8E_APPROVAL_POLICY: "sometimes",
      });
    } catch (caught) {
      error = caught;
    }
    expect(isNodeEnvError(error) && error.code).toBe("invalid-config");
    const message = (error as Error).message;
    for (const variable of [
      "P8E_API_PORT",
      "P8E_EOS_PORT",
      "P8E_CHAIN_RPC_URL",
      "P8E_PUBLISH_EXAMPLES",
      "P8E_LOG_LEVEL",
      "P8E_APPROVAL_POLICY",
    ]) {
      expect(message).toContain(variable);
    }
  });

  it("reads a JSON file, and variables win over it", () => {
    const dir = tempDir();
    try {
      const file = join(dir.path, "p8e.json");
      writeFileSync(file, JSON.stringify({ apiPort: 8000, eosPort: 8001, dataDir: "data" }));
      const config = loadNodeEnvConfig({ P8E_CONFIG: file, P8E_EOS_PORT: "9001" }, { cwd: dir.path });
      expect(config).toMatchObject({ apiPort: 8000, eosPort: 9001, dataDir: join(dir.path, "data") });
    } finally {
      dir.remove();
    }
  });

  it("refuses unknown keys in the file and a missing file, saying which", () => {
    const dir = tempDir();
    try {
      const file = join(dir.path, "p8e.json");
      writeFileSync(file, JSON.stringify({ apiPrt: 8000 }));
      expect(() => loadNodeEnvConfig({ P8E_CONFIG: file })).toThrow(/apiPrt/);
      expect(() => loadNodeEnvConfig({ P8E_CONFIG: join(dir.path, "none.json") })).toThrow(/cannot read/);
    } finally {
      dir.remove();
    }
  });

  it("takes the approval policy for other parties' requests: hold or approve", () => {
    expect(loadNodeEnvConfig({ P8E_APPROVAL_POLICY: "approve" }).approvalPolicy).toBe("approve");
    expect(loadNodeEnvConfig({ P8E_APPROVAL_POLICY: "hold" }).approvalPolicy).toBe("hold");
  });

  it("reads peers as JSON and accounts to fund as a list, refusing what is not", () => {
    const key = `04${"ab".repeat(64)}`;
    const peer = { eosUrl: "http://127.0.0.1:7081", nodeKey: key, signingKey: key, encryptionKey: key };
    const config = loadNodeEnvConfig({
      P8E_PEERS: JSON.stringify([peer]),
      P8E_DEVNET_FUND: "tp1qy352eufqy352eufqy352eufqy352euf5tdqxa, ",
    });
    expect(config.peers).toEqual([peer]);
    expect(config.devnetFund).toEqual(["tp1qy352eufqy352eufqy352eufqy352euf5tdqxa"]);
    expect(() => loadNodeEnvConfig({ P8E_PEERS: "[{" })).toThrow(/P8E_PEERS/);
    expect(() => loadNodeEnvConfig({ P8E_PEERS: JSON.stringify([{ ...peer, nodeKey: "04zz" }]) })).toThrow(
      /P8E_PEERS\): .*hex/,
    );
    expect(() => loadNodeEnvConfig({ P8E_DEVNET_FUND: "alice" })).toThrow(/P8E_DEVNET_FUND/);
  });

  it("reads peers as store URLs, comma-separated or in JSON, beside pinned ones", () => {
    expect(loadNodeEnvConfig({ P8E_PEERS: "http://127.0.0.1:7081, https://eos.example:443" }).peers).toEqual([
      "http://127.0.0.1:7081",
      "https://eos.example:443",
    ]);
    expect(loadNodeEnvConfig({ P8E_PEERS: '["http://127.0.0.1:7081"]' }).peers).toEqual(["http://127.0.0.1:7081"]);
    expect(() => loadNodeEnvConfig({ P8E_PEERS: "127.0.0.1:7081" })).toThrow(/P8E_PEERS/);
    expect(() => loadNodeEnvConfig({ P8E_PEERS: "ftp://127.0.0.1:7081" })).toThrow(/P8E_PEERS/);
  });

  it("asks the node for fees by simulation unless told calculate-tx-fees, and refuses anything else", () => {
    expect(loadNodeEnvConfig({}).chainFee).toBe("simulate");
    expect(loadNodeEnvConfig({ P8E_CHAIN_FEE: "calculate-tx-fees" }).chainFee).toBe("calculate-tx-fees");
    expect(() => loadNodeEnvConfig({ P8E_CHAIN_FEE: "1905nhash" })).toThrow(/chainFee \(P8E_CHAIN_FEE\)/);
  });

  it("requires a passphrase of one's own with a real chain", () => {
    expect(() => loadNodeEnvConfig({ P8E_CHAIN_RPC_URL: "http://node:26657" })).toThrow(/P8E_PASSPHRASE/);
    const config = loadNodeEnvConfig({ P8E_CHAIN_RPC_URL: "http://node:26657", P8E_PASSPHRASE: "a long secret" });
    expect(keystorePassphrase(config)).toBe("a long secret");
  });
});
