// p8e init, contract check and contract bundle, spawned as a user runs them, on a package p8e init made.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { linkWorkspacePackages, p8e, runPackageTests } from "./test-support.js";

const dir = mkdtempSync(join(tmpdir(), "p8e-init-"));
const pkg = join(dir, "greetings");

beforeAll(async () => {
  const init = await p8e(["init", "greetings"], dir);
  expect(init.code, init.err).toBe(0);
  linkWorkspacePackages(pkg);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("p8e init", { timeout: 60_000 }, () => {
  it("writes a contract package with decorators on and a test on the engine's harness", () => {
    const tsconfig = JSON.parse(readFileSync(join(pkg, "tsconfig.json"), "utf8"));
    expect(tsconfig.compilerOptions.experimentalDecorators).toBe(true);
    const manifest = JSON.parse(readFileSync(join(pkg, "package.json"), "utf8"));
    expect(manifest).toMatchObject({ name: "greetings", type: "module", scripts: { test: "vitest run" } });
    expect(manifest.dependencies).toHaveProperty("@p8e/contract-annotations");
    expect(readFileSync(join(pkg, "src", "contract.test.ts"), "utf8")).toContain("createTestEnvironment");
  });

  it("makes a package whose own test passes at once (vitest, real engine, store and devnet)", async () => {
    const test = await runPackageTests(pkg);
    expect(test.code, test.out + test.err).toBe(0);
    expect(test.out).toContain("1 passed");
  });

  it("refuses a folder that is not empty, with exit code 2", async () => {
    const again = await p8e(["init", "greetings"], dir);
    expect(again.code).toBe(2);
    expect(again.err).toContain("is not empty");
  });
});

describe("p8e contract check and bundle", { timeout: 60_000 }, () => {
  it("checks the generated contract and names its scope specification", async () => {
    const check = await p8e(["contract", "check", "src/contract.ts"], pkg);
    expect(check.code, check.err).toBe(0);
    expect(check.out).toContain("contract   com.example.GreetingsContract (greet)");
    expect(check.out).toMatch(/scope spec com\.example\.greetings [0-9a-f-]{36}/);
  });

  it("writes the bundle whose hash it prints, the same on every run", async () => {
    const first = await p8e(["contract", "bundle", "src/contract.ts", "--json"], pkg);
    expect(first.code, first.err).toBe(0);
    const { bundleHash, bundleFile } = JSON.parse(first.out) as { bundleHash: string; bundleFile: string };
    const { createHash } = await import("node:crypto");
    expect(createHash("sha256").update(readFileSync(bundleFile)).digest("base64")).toBe(bundleHash);
    const second = JSON.parse((await p8e(["contract", "bundle", "src/contract.ts", "--json", "-o", "b.mjs"], pkg)).out);
    expect(second.bundleHash).toBe(bundleHash);
  });

  it("reports every failed check, and a missing entry, with non-zero exits", async () => {
    writeFileSync(
      join(pkg, "src", "broken.ts"),
      readFileSync(join(pkg, "src", "contract.ts"), "utf8").replace(
        "invokedBy: p8e.PartyType.OWNER",
        "invokedBy: p8e.PartyType.AFFILIATE",
      ),
    );
    const broken = await p8e(["contract", "check", "src/broken.ts"], pkg);
    expect(broken.code).toBe(1);
    expect(broken.err).toContain("do not pass the checks");
    expect(broken.err).toContain("GreetingsContract.greet");
    const missing = await p8e(["contract", "check", "src/nope.ts"], pkg);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain("give the contract package's entry");
    expect(existsSync(join(pkg, "dist", "contract.bundle.mjs"))).toBe(true);
    expect((await p8e(["init", "bare", "--package", "com.acme"], dir)).code).toBe(0);
    const uninstalled = await p8e(["contract", "check", "bare/src/contract.ts"], dir);
    expect(uninstalled.code).toBe(1);
    expect(uninstalled.err).toContain(`run \`npm install\` in ${join(dir, "bare")}`);
    expect((await p8e(["init", "bad", "--package", "Com.Acme"], dir)).code).toBe(2);
  });
});
