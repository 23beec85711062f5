import { describe, expect, it } from "vitest";
import { loadEosServerConfig, serverOptionsFromConfig } from "./config.js";
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
});
