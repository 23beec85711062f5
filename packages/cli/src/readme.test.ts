// The root README's walk-through, every line as written, as spawned processes against an environment.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { NodeEnv } from "@p8e/node-env";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PID_FILE } from "./env-commands.js";
import { cliDir, freePort, linkWorkspacePackages, p8e, runPackageTests, startEnvironment } from "./test-support.js";

const readme = readFileSync(join(cliDir, "..", "..", "README.md"), "utf8");
const dir = mkdtempSync(join(tmpdir(), "p8e-walk-"));
// The repository the walk-through's commands run in; `../greetings` lands beside it.
const repo = join(dir, "repo");
let env: NodeEnv;

/** The lines of every ```sh block after a walk-through marker, in order, comments dropped. */
function walkThrough(): string[] {
  const lines: string[] = [];
  for (const marker of readme.matchAll(/<!-- walk-through/g)) {
    const block = /```sh\n([\s\S]*?)```/.exec(readme.slice(marker.index))?.[1] ?? "";
    lines.push(
      ...block
        .split("\n")
        .map((line) => line.replace(/\s+#\s.*$/, "").trim())
        .filter((line) => line !== ""),
    );
  }
  return lines;
}

/** Splits a command line as sh does for the quoting the walk-through uses ('…' and "…"). */
function words(line: string): string[] {
  const out: string[] = [];
  for (const match of line.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)) out.push(match[1] ?? match[2] ?? match[3] ?? "");
  return out;
}

/** The README's ports (the defaults, and the second environment's) → the ports this run uses. */
let ports: Map<string, string>;

beforeAll(async () => {
  mkdirSync(repo);
  // `npm start`'s environment: the same node-env, on free ports, with its data folder.
  env = await startEnvironment(join(repo, ".p8e"));
  const portOf = (url: string) => new URL(url).port;
  ports = new Map([
    ["7070", portOf(env.apiUrl)],
    ["7071", portOf(env.eosUrl)],
    ["26657", portOf(env.rpcUrl)],
    ["7080", String(await freePort())],
    ["7081", String(await freePort())],
  ]);
});

afterAll(async () => {
  // A detached environment the walk-through started and, on failure, did not stop.
  const pidFile = join(dir, "servicer", PID_FILE);
  if (existsSync(pidFile)) {
    try {
      process.kill(Number(readFileSync(pidFile, "utf8").trim()), "SIGKILL");
    } catch {
      // already gone
    }
  }
  await env?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A README word with its ports mapped to this run's. */
function withPorts(word: string): string {
  if (ports.has(word)) return ports.get(word)!;
  return word.replace(/127\.0\.0\.1:(\d+)/g, (_match, port: string) => `127.0.0.1:${ports.get(port) ?? port}`);
}

describe("the README walk-through", { timeout: 240_000 }, () => {
  it("runs every line as written", async () => {
    const lines = walkThrough();
    expect(lines.length).toBeGreaterThan(5);
    let scope: string | undefined;
    let specHash: string | undefined;
    let scopeSpecUuid: string | undefined;
    const ran: string[] = [];
    const outputs: string[] = [];
    const aliases = new Map<string, string[]>();
    let address: string | undefined;
    let executionUuid: string | undefined;
    for (const line of lines) {
      if (line.startsWith("alias p8e=")) continue; // the test runs p8e from the same sources
      const alias = /^alias (\w+)='([^']*)'$/.exec(line);
      if (alias?.[1] !== undefined && alias[2] !== undefined) {
        aliases.set(alias[1], words(alias[2]));
        continue;
      }
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
      const typed = words(line);
      const args = aliases.has(typed[0]!) ? [...aliases.get(typed[0]!)!, ...typed.slice(1)] : typed;
      // Leading NAME=value words are the command's environment, as in sh.
      const variables: Record<string, string> = {};
      while (/^[A-Z_][A-Z0-9_]*=/.test(args[0] ?? "")) {
        const [name, ...value] = args.shift()!.split("=");
        variables[name!] = value.join("=");
      }
      expect(args[0], `a walk-through line this test does not know: ${line}`).toBe("p8e");
      const filled = args.slice(1).map((a) => {
        const placeholders: Record<string, string | undefined> = {
          SPEC_HASH: specHash,
          SCOPE_SPEC_UUID: scopeSpecUuid,
          SERVICER_ADDRESS: address,
          EXECUTION_UUID: executionUuid,
          "scope1…": scope,
        };
        if (a in placeholders) {
          expect(placeholders[a], `${line}: no ${a} printed before it`).toBeDefined();
          return placeholders[a] as string;
        }
        // SERVICER_ADDRESS also stands inside a word (--party SERVICER=SERVICER_ADDRESS).
        return withPorts(address === undefined ? a : a.replace("SERVICER_ADDRESS", address));
      });
      // As `npm start` leaves it: its data folder (.p8e), found from the working folder, names its API.
      const result = await p8e(filled, repo, variables);
      expect(result.code, `${line}\n${result.out}${result.err}`).toBe(0);
      scope = /^scope +(scope1\S+)/m.exec(result.out)?.[1] ?? scope;
      specHash = /^published .* spec (\S+)/m.exec(result.out)?.[1] ?? specHash;
      scopeSpecUuid = /^scope spec \S+ ([0-9a-f-]{36})$/m.exec(result.out)?.[1] ?? scopeSpecUuid;
      executionUuid = /^execution +([0-9a-f-]{36})$/m.exec(result.out)?.[1] ?? executionUuid;
      if (filled.includes("status") && filled.includes("env")) {
        address = /\b(tp1[02-9ac-hj-np-z]{38,})\b/.exec(result.out)?.[1] ?? address;
      }
      ran.push(line);
      outputs.push(result.out);
    }
    // The published contract ran in the environment: its scope holds the greeting.
    expect(outputs.join("\n")).toContain('"hello, Ada"');
    expect(ran.some((l) => l.includes("scope verify"))).toBe(true);
    expect(scope).toMatch(/^scope1/);
    expect(specHash).toBeDefined();
    // The two-party part: the servicer approved, the envelope completed, and its verify passed.
    const twoParty = outputs.join("\n");
    expect(twoParty).toMatch(/COMPLETE/);
    expect(twoParty).toContain('"loanId":"loan-1"');
    expect(ran.some((l) => l.startsWith("servicer scope verify"))).toBe(true);
  });
});
