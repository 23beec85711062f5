import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { eosServerConfigSchema, eosServerUsage, loadEosServerConfig, serverOptionsFromConfig } from "./config.js";
import { isEosServerError } from "./errors.js";

describe("loadEosServerConfig()", () => {
  it("reads EOS_* variables with defaults, and flags override them", () => {
    const config = loadEosServerConfig({ EOS_DATA_DIR: "/var/eos", EOS_PORT: "7000" }, [
      "--port",
      "7001",
      "--allow-unauthenticated",
      "true",
    ]);
    expect(config.EOS_PORT).toBe(7001);
    expect(config.EOS_HOST).toBe("127.0.0.1");
    expect(config.EOS_ALLOW_UNAUTHENTICATED).toBe(true);
    expect(config.EOS_MAX_OBJECT_BYTES).toBe(4 * 1024 ** 3);
    const options = serverOptionsFromConfig(config);
    expect(options).toMatchObject({ dataDir: "/var/eos", port: 7001, allowUnauthenticated: true, tokenTtlMs: 900_000 });
  });

  it("parses key lists as hex", () => {
    const key = `02${"11".repeat(32)}`;
    const config = loadEosServerConfig({ EOS_DATA_DIR: "d", EOS_ADMIN_KEYS: `${key}, 0x${key}` });
    expect(config.EOS_ADMIN_KEYS.map((k) => k.length)).toEqual([33, 33]);
  });

  it("lists every problem, naming the variable and the flag", () => {
    let error: unknown;
    try {
      loadEosServerConfig({ EOS_PORT: "99999", EOS_ADMIN_KEYS: "zz", EOS_LOG_LEVEL: "loud" });
    } catch (e) {
      error = e;
    }
    expect(isEosServerError(error) && error.code).toBe("invalid-config");
    const message = (error as Error).message;
    expect(message).toMatch(/EOS_DATA_DIR \(--data-dir\)/);
    expect(message).toMatch(/EOS_PORT \(--port\)/);
    expect(message).toMatch(/EOS_ADMIN_KEYS/);
    expect(message).toMatch(/EOS_LOG_LEVEL/);
  });

  it("refuses unknown flags", () => {
    expect(() => loadEosServerConfig({ EOS_DATA_DIR: "d" }, ["--colour", "blue"])).toThrow(/bad command line/);
  });

  it("says what to pass when the data folder is missing, in words, not a schema message", () => {
    expect(() => loadEosServerConfig({})).toThrow(
      /EOS_DATA_DIR \(--data-dir\): is required: pass --data-dir <folder> or set EOS_DATA_DIR/,
    );
    expect(() => loadEosServerConfig({})).toThrow(/--help lists every option/);
  });

  it("takes flags after pnpm's -- separator", () => {
    expect(loadEosServerConfig({}, ["--", "--data-dir", "x"]).EOS_DATA_DIR).toBe("x");
  });

  it("maps the connection limits and the replication probe to server options", () => {
    const config = loadEosServerConfig({ EOS_DATA_DIR: "d", EOS_MAX_CONNECTIONS_PER_KEY: "3" }, [
      "--stream-idle-timeout-ms",
      "1234",
      "--replication-probe-ms",
      "500",
    ]);
    expect(serverOptionsFromConfig(config)).toMatchObject({
      limits: { maxConnectionsPerKey: 3, streamIdleTimeoutMs: 1234, maxStreamsPerConnection: 100 },
      replication: { probeIntervalMs: 500 },
    });
  });
});

describe("p8e-eos-server --help", () => {
  it("lists every option with its flag, its variable and what it means", () => {
    const usage = eosServerUsage();
    for (const name of Object.keys(eosServerConfigSchema.shape)) {
      const flag = name.replace(/^EOS_/, "").toLowerCase().replaceAll("_", "-");
      expect(usage).toMatch(new RegExp(`--${flag} <value>\\s+${name}\\n\\s+\\S`));
    }
  });

  it("prints the usage from the real entry point and exits 0", async () => {
    const { stdout } = await run(["--help"]);
    expect(stdout).toContain("Usage: p8e-eos-server");
    expect(stdout).toContain("EOS_URI_HOST");
  });

  it("exits 1 with the missing-folder message when started without a data folder", async () => {
    const result = await run([]).catch((error: { code: number; stderr: string }) => error);
    expect((result as { code: number }).code).toBe(1);
    expect((result as { stderr: string }).stderr).toMatch(/pass --data-dir <folder>/);
  });
});

function run(args: string[]): Promise<{ stdout: string; stderr: string }> {
  const main = fileURLToPath(new URL("./main.ts", import.meta.url));
  const env = { ...process.env };
  delete env.EOS_DATA_DIR;
  return promisify(execFile)(process.execPath, ["--conditions", "@p8e/source", "--import", "tsx", main, ...args], {
    env,
    timeout: 20_000,
  });
}
