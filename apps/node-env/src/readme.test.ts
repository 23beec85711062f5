import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CONFIG_VARIABLES, createLogger, loadNodeEnvConfig, runHelloWorld, startNodeEnv } from "./index.js";
import { tempDir } from "./testdata/temp-dir.js";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");

describe("README", { timeout: 120_000 }, () => {
  it("runs the example", async () => {
    expect(readme).toContain("const run = await runHelloWorld(env);");
    const dir = tempDir();
    try {
      const dataDir = dir.path;
      const config = loadNodeEnvConfig({
        P8E_DATA_DIR: dataDir,
        P8E_API_PORT: "0",
        P8E_EOS_PORT: "0",
        P8E_DEVNET_PORT: "0",
      });
      const env = await startNodeEnv(config, { logger: createLogger("silent") });
      const run = await runHelloWorld(env);
      await env.close();
      expect(run.scope).toMatch(/^scope1/);
      expect(run.record).toMatchObject({ firstName: "Grace-hello" });
    } finally {
      dir.remove();
    }
  });

  it("documents every setting in the configuration table", () => {
    for (const [key, { env, help }] of Object.entries(CONFIG_VARIABLES)) {
      expect(readme.replace(/ {2,}/g, " ")).toContain(`| \`${env}\` | \`${key}\` | ${help} |`);
    }
  });
});
