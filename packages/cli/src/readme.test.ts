// The root README's walk-through, every line as written, as spawned processes against an environment.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { NodeEnv } from "@p8e/node-env";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliDir, linkWorkspacePackages, p8e, runPackageTests, startEnvironment } from "./test-support.js";

const readme = readFileSync(join(cliDir, "..", "..", "README.md"), "utf8");
const dir = mkdtempSync(join(tmpdir(), "p8e-walk-"));
// The repository the walk-through's commands run in; `../greetings` lands beside it.
const repo = join(dir, "repo");
let env: NodeEnv;

/** The lines of the ```sh block after the walk-through marker, comments dropped. */
function walkThrough(): string[] {
  const at = readme.indexOf("<!-- walk-through:");
  expect(at, "the README has a walk-through marker").toBeGreaterThan(0);
  const block = /```sh\n([\s\S]*?)```/.exec(readme.slice(at))?.[1] ?? "";
  return block
    .split("\n")
    .map((line) => line.replace(/\s+#\s.*$/, "").trim())
    .filter((line) => line !== "");
}

/** Splits a command line as sh does for the quoting the walk-through uses ('…' and "…"). */
function words(line: string): string[] {
  const out: string[] = [];
  for (const match of line.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)) out.push(match[1] ?? match[2] ?? match[3] ?? "");
  return out;
}

beforeAll(async () => {
  mkdirSync(repo);
  // `npm start`'s environment: the same node-env, on free ports, with its data folder.
  env = await startEnvironment(join(repo, ".p8e"));
});

afterAll(async () => {
  await env?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("the README walk-through", { timeout: 120_000 }, () => {
  it("runs every line as written", async () => {
    const lines = walkThrough();
    expect(lines.length).toBeGreaterThan(5);
    let scope: string | undefined;
    let specHash: string | undefined;
    let scopeSpecUuid: string | undefined;
    const ran: string[] = [];
    const outputs: string[] = [];
    for (const line of lines) {
      if (line.startsWith("alias p8e=")) continue; // the test runs p8e from the same sources
      const sub = /^\(cd (\S+) && npm install && npm test\)$/.exec(line);
      if (sub?.[1] !== undefined) {
        // Offline: the workspace's packages stand in for `npm install`; then the package's own test.
        const pkg = resolve(repo, sub[1]);
        linkWorkspacePackages(pkg);
        const test = await runPackageTests(pkg);
        expect(test.code, `${line}\n${test.out}${test.err}`).toBe(0);
        ran.push(line);
        continue;
      }
      const args = words(line);
      expect(args[0], `a walk-through line this test does not know: ${line}`).toBe("p8e");
      const filled = args.slice(1).map((a) => {
        if (a === "SPEC_HASH" || a === "SCOPE_SPEC_UUID") {
          const value = a === "SPEC_HASH" ? specHash : scopeSpecUuid;
          expect(value, `${line}: no ${a} printed before it`).toBeDefined();
          return value as string;
        }
        if (a !== "scope1…") return a;
        expect(scope, `${line}: no scope printed before it`).toBeDefined();
        return scope as string;
      });
      // As `npm start` leaves it: the API at its URL, its data folder (.p8e) found from the working folder.
      const result = await p8e(filled, repo, { P8E_API_URL: env.apiUrl });
      expect(result.code, `${line}\n${result.out}${result.err}`).toBe(0);
      scope = /^scope +(scope1\S+)/m.exec(result.out)?.[1] ?? scope;
      specHash = /^published .* spec (\S+)/m.exec(result.out)?.[1] ?? specHash;
      scopeSpecUuid = /^scope spec \S+ ([0-9a-f-]{36})$/m.exec(result.out)?.[1] ?? scopeSpecUuid;
      ran.push(line);
      outputs.push(result.out);
    }
    // The published contract ran in the environment: its scope holds the greeting.
    expect(outputs.join("\n")).toContain('"hello, Ada"');
    expect(ran.some((l) => l.includes("scope verify"))).toBe(true);
    expect(scope).toMatch(/^scope1/);
    expect(specHash).toBeDefined();
  });
});
