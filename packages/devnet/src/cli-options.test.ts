import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { devnetOptionsFromArgs } from "./cli-options.js";
import { DEV_MNEMONICS } from "./dev-accounts.js";

describe("devnetOptionsFromArgs()", () => {
  it("defaults to a persistent ledger in .p8e-devnet on 127.0.0.1:26657 with one-second blocks", () => {
    expect(devnetOptionsFromArgs([], {}).options).toEqual({
      dataDir: ".p8e-devnet",
      chainId: "testing",
      bech32Prefix: "tp",
      host: "127.0.0.1",
      port: 26657,
      instant: false,
      fees: { msgCosts: {} },
    });
  });

  it("reads flags before environment variables", () => {
    const { options } = devnetOptionsFromArgs(
      [
        "--chain-id",
        "local",
        "--port",
        "0",
        "--instant",
        "--fee",
        "/provenance.metadata.v1.MsgWriteRecordRequest=7",
        "--memory",
      ],
      { P8E_DEVNET_CHAIN_ID: "ignored", P8E_DEVNET_BLOCK_INTERVAL_MS: "250", P8E_DEVNET_DEFAULT_FEE: "3" },
    );
    expect(options).toMatchObject({
      chainId: "local",
      port: 0,
      instant: true,
      blockIntervalMs: 250,
      fees: { defaultCost: "3", msgCosts: { "/provenance.metadata.v1.MsgWriteRecordRequest": "7" } },
    });
    expect(options.dataDir).toBeUndefined();
  });

  it('asks for help with -h or --help, also after the "--" that pnpm passes along', () => {
    expect(devnetOptionsFromArgs(["-h"], {}).help).toBe(true);
    expect(devnetOptionsFromArgs(["--", "--help"], {}).help).toBe(true);
    expect(devnetOptionsFromArgs([], {}).help).toBe(false);
  });

  it("refuses unknown flags, bad numbers and malformed fees with the usage text", () => {
    expect(() => devnetOptionsFromArgs(["--colour"], {})).toThrow(/Usage: p8e-devnet/);
    expect(() => devnetOptionsFromArgs(["--port", "70000"], {})).toThrow(
      '--port must be an integer from 0 to 65535, got "70000"',
    );
    expect(() => devnetOptionsFromArgs(["--fee", "MsgSend=1"], {})).toThrow(/--fee must look like/);
    expect(() => devnetOptionsFromArgs(["--memory", "--data-dir", "x"], {})).toThrow(/either --memory or --data-dir/);
  });

  it("reads a genesis file of mnemonics and addresses", async () => {
    const dir = await mkdtemp(join(tmpdir(), "p8e-devnet-genesis-"));
    try {
      const file = join(dir, "genesis.json");
      await writeFile(
        file,
        JSON.stringify({
          time: "2024-01-02T03:04:05Z",
          accounts: [
            { mnemonic: DEV_MNEMONICS.bob, nhash: "5" },
            { address: "tp1ckpj8frd8kraytcehwxw80tqqnuc7msfp87cfm", nhash: 6 },
          ],
        }),
      );
      const { options } = devnetOptionsFromArgs(["--genesis", file], {});
      expect(options.genesis).toEqual({
        time: new Date("2024-01-02T03:04:05Z"),
        accounts: [
          { mnemonic: DEV_MNEMONICS.bob, nhash: "5" },
          { address: "tp1ckpj8frd8kraytcehwxw80tqqnuc7msfp87cfm", nhash: 6 },
        ],
      });
      await writeFile(file, JSON.stringify({ accounts: [{ nhash: 1 }] }));
      expect(() => devnetOptionsFromArgs(["--genesis", file], {})).toThrow(
        'genesis account 0: give a "mnemonic" or an "address"',
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("p8e-devnet (src/main.ts)", () => {
  it("serves the RPC until SIGTERM, then stops cleanly", async () => {
    const main = fileURLToPath(new URL("./main.ts", import.meta.url));
    const child = spawn(
      process.execPath,
      ["--conditions", "@p8e/source", "--import", "tsx", main, "--memory", "--port", "0", "--instant"],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let output = "";
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on("data", (chunk: Buffer) => {
        output += chunk.toString();
        const match = /CometBFT RPC at (http:\/\/\S+)/.exec(output);
        if (match !== null) resolve(match[1]!);
      });
      child.on("exit", (code) => reject(new Error(`exited with ${code}: ${output}`)));
    });
    const status = (await (await fetch(`${url}/status`)).json()) as { result: { node_info: { network: string } } };
    expect(status.result.node_info.network).toBe("testing");
    expect(output).toMatch(/dev account alice tp1\w+ \(DEV_MNEMONICS\.alice; development only\)/);
    const exit = new Promise<number | null>((resolve) => child.on("exit", resolve));
    child.kill("SIGTERM");
    expect(await exit).toBe(0);
    expect(output).toMatch(/p8e-devnet: stopped/);
  }, 20_000);
});
