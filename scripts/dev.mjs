#!/usr/bin/env node
// Bootstrap and task runner for a machine that has only Node.js and npm.
//
//   node scripts/dev.mjs test [--ci]   install everything, build, typecheck, lint, run every test;
//                                      --ci: also the release path as a dry run (scripts/release.mjs)
//   node scripts/dev.mjs start [...]   install everything, boot the environment (apps/node-env)
//   node scripts/dev.mjs pnpm [...]    run the pinned pnpm
//
// pnpm comes from the npm registry and is checked against the sha512 pinned in the root
// package.json `packageManager` field before it is used. Node.js 24 comes from the root
// devDependency `node`, whose binary lands in node_modules/.bin, so every script that pnpm runs
// uses it even when the machine's own Node.js is older. This file itself must run on Node 18+.

import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const toolsDir = join(root, ".tools");
const isCi = process.env.CI === "true" || process.env.CI === "1";

function fail(message) {
  console.error(`dev: ${message}`);
  process.exit(1);
}

function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { cwd: root, stdio: "inherit", ...options });
  if (result.error) fail(`${cmd} ${args.join(" ")}: ${result.error.message}`);
  return result.status ?? 1;
}

function mustRun(cmd, args, options) {
  const status = run(cmd, args, options);
  if (status !== 0) fail(`${cmd} ${args.join(" ")} exited with ${status}`);
}

function pinnedPnpm() {
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  const match = /^pnpm@([0-9.]+)\+sha512\.([0-9a-f]{128})$/.exec(pkg.packageManager ?? "");
  if (!match) fail(`package.json packageManager must be "pnpm@<version>+sha512.<hex>", got ${pkg.packageManager}`);
  return { version: match[1], sha512: match[2] };
}

// Returns the path of pnpm's JS entry, fetching and verifying the pinned release if needed.
function ensurePnpm() {
  const { version, sha512 } = pinnedPnpm();
  const prefix = join(toolsDir, `pnpm-${version}`);
  const entry = join(prefix, "node_modules", "pnpm", "bin", "pnpm.cjs");
  if (existsSync(entry)) return entry;

  mkdirSync(toolsDir, { recursive: true });
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const tarball = join(toolsDir, `pnpm-${version}.tgz`);
  rmSync(tarball, { force: true });
  mustRun(npm, ["pack", `pnpm@${version}`, "--pack-destination", toolsDir, "--silent"], {
    stdio: ["ignore", "ignore", "inherit"],
  });
  if (!existsSync(tarball)) fail(`npm pack did not produce ${tarball}`);
  const actual = createHash("sha512").update(readFileSync(tarball)).digest("hex");
  if (actual !== sha512) {
    rmSync(tarball, { force: true });
    fail(`pnpm ${version} tarball sha512 ${actual} does not match the pin in package.json`);
  }
  mustRun(npm, ["install", "--prefix", prefix, "--no-save", "--no-audit", "--no-fund", "--silent", tarball]);
  rmSync(tarball, { force: true });
  if (!existsSync(entry)) fail(`pnpm was not installed at ${entry}`);
  return entry;
}

function pnpm(args, options) {
  const entry = ensurePnpm();
  // turbo looks for a `pnpm` binary on PATH; the verified one lives next to its entry.
  const pnpmBin = join(dirname(entry), "..", "..", ".bin");
  return run(process.execPath, [entry, ...args], {
    ...options,
    env: {
      ...process.env,
      PATH: `${pnpmBin}${process.platform === "win32" ? ";" : ":"}${process.env.PATH ?? ""}`,
      TURBO_TELEMETRY_DISABLED: "1",
      DO_NOT_TRACK: "1",
      // pnpm must not try to switch itself to another version: the pin is already verified.
      npm_config_manage_package_manager_versions: "false",
      ...options?.env,
    },
  });
}

function mustPnpm(args, options) {
  const status = pnpm(args, options);
  if (status !== 0) fail(`pnpm ${args.join(" ")} exited with ${status}`);
}

function install() {
  const frozen = existsSync(join(root, "pnpm-lock.yaml")) ? ["--frozen-lockfile"] : [];
  mustPnpm(["install", ...frozen, "--reporter=append-only"]);
}

// Regenerating protobuf code and formatting must leave the tree as committed.
function checkClean() {
  mustPnpm(["exec", "buf", "lint"]);
  mustPnpm(["exec", "turbo", "run", "generate", "--force", "--output-logs=errors-only"]);
  mustPnpm(["exec", "biome", "format", "--write", "."]);
  const status = spawnSync("git", ["status", "--porcelain", "--untracked-files=all"], { cwd: root, encoding: "utf8" });
  if (status.status !== 0) fail("git status failed");
  if (status.stdout.trim() !== "") {
    run("git", ["--no-pager", "diff", "--stat"]);
    fail(`regenerating or formatting changed the tree:\n${status.stdout}`);
  }
}

function test(ci) {
  install();
  if (ci) checkClean();
  const tasks = pnpm(["exec", "turbo", "run", "build", "typecheck", "--output-logs=errors-only"]);
  const lint = pnpm(["exec", "biome", "ci", "."]);
  const reportDir = join(root, ".tmp");
  mkdirSync(reportDir, { recursive: true });
  const report = join(reportDir, "vitest-report.json");
  rmSync(report, { force: true });
  const vitest = pnpm([
    "exec",
    "vitest",
    "run",
    "--reporter=default",
    "--reporter=json",
    `--outputFile.json=${report}`,
  ]);

  // CI also runs the release path up to `pnpm publish --dry-run`: pack, publint, arethetypeswrong
  // and the stranger test (the packages installed from their tarballs outside the repository).
  const release = ci ? pnpm(["exec", "node", "scripts/release.mjs", "--dry-run"]) : 0;

  let passed = 0;
  let failed = 0;
  if (existsSync(report)) {
    const summary = JSON.parse(readFileSync(report, "utf8"));
    passed = summary.numPassedTests ?? 0;
    failed = (summary.numFailedTests ?? 0) + (summary.numFailedTestSuites ?? 0);
  }
  // A failing build, typecheck or lint counts as a failed test so it cannot pass unnoticed.
  if (tasks !== 0) failed += 1;
  if (lint !== 0) failed += 1;
  if (release !== 0) failed += 1;
  if (vitest !== 0 && failed === 0) failed = 1;
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}

// Boots one party's environment on its embedded defaults (data in .p8e/ at the repository root, which
// ignores itself), runs hello-world once and prints its scope; runs until Ctrl-C. P8E_* variables
// and node-env's flags (`npm start -- --help`) change that.
function start(args) {
  install();
  const app = join(root, "apps", "node-env");
  if (!existsSync(join(app, "package.json"))) fail("apps/node-env is missing from this checkout");
  const passed = args[0] === "--" ? args.slice(1) : args;
  const wanted = passed.includes("--help") ? passed : ["--hello-world", ...passed];
  // Node.js 24 itself (the root devDependency `node`), not its shell wrapper, so signals reach it.
  const node = join(root, "node_modules", "node", "bin", process.platform === "win32" ? "node.exe" : "node");
  const main = ["--conditions", "@p8e/source", "--import", "tsx", "src/main.ts"];
  const child = spawn(existsSync(node) ? node : process.execPath, [...main, ...wanted], {
    cwd: app,
    stdio: "inherit",
    env: { P8E_DATA_DIR: join(root, ".p8e"), ...process.env },
  });
  // Ctrl-C reaches every process of the terminal's group, node-env included: wait for it to stop.
  // A SIGTERM sent to this process alone is passed on.
  process.on("SIGINT", () => {});
  process.on("SIGTERM", () => child.kill("SIGTERM"));
  child.on("exit", (code, signal) => process.exit(code ?? (signal === null ? 1 : 128)));
}

const [command, ...rest] = process.argv.slice(2);
switch (command) {
  case "test":
    test(rest.includes("--ci") || isCi);
    break;
  case "start":
    start(rest);
    break;
  case "pnpm":
    process.exit(pnpm(rest));
    break;
  default:
    fail(`unknown command ${command ?? "(none)"}; use test, start or pnpm`);
}
