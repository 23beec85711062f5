#!/usr/bin/env node
// The release path. Run it through pnpm (`pnpm release [--dry-run]`), after `pnpm changeset version`
// has turned the pending changesets into versions and changelogs (and that is committed):
//
// 1. builds every package (turbo, dependencies first);
// 2. packs every publishable package with `pnpm pack`, which writes real versions where the
//    sources say `workspace:*` (a plain `npm pack` of a package folder would ship those ranges);
// 3. checks the tarballs: publint, arethetypeswrong, the package checks and the stranger test
//    (scripts/packaging/stranger.mjs), all on these very tarballs;
// 4. publishes the same tarballs in dependency order, each only if the registry lacks its version,
//    with `pnpm publish <tarball>` (`--dry-run`: everything but the upload; no login needed).
//
// After a real release, tag it: `pnpm changeset git-tag` and push the tags.

import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { packAll, publishablePackages } from "./packaging/workspace-packages.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dryRun = process.argv.includes("--dry-run");

function fail(message) {
  console.error(`release: ${message}`);
  process.exit(1);
}

function mustRun(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { cwd: root, stdio: "inherit", ...options });
  if (result.status !== 0) fail(`${cmd} ${args.join(" ")} exited with ${result.status ?? result.error?.message}`);
}

function published(name, version) {
  const result = spawnSync("npm", ["view", `${name}@${version}`, "version"], { cwd: root, encoding: "utf8" });
  if (result.status === 0) return result.stdout.trim() === version;
  if (/E404|is not in this registry/.test(result.stderr)) return false;
  fail(`cannot ask the registry about ${name}@${version}:\n${result.stderr}`);
}

const pending = readdirSync(join(root, ".changeset")).filter((f) => f.endsWith(".md") && f !== "README.md");
if (pending.length > 0) {
  const message = `${pending.length} changeset(s) not yet versioned (${pending.join(", ")}): run \`pnpm changeset version\` and commit first`;
  if (!dryRun) fail(message);
  console.log(`release: ${message} (going on: dry run)`);
}

mustRun("pnpm", ["exec", "turbo", "run", "build", "--output-logs=errors-only"]);

const outDir = join(root, ".tmp", "release");
if (existsSync(outDir)) rmSync(outDir, { recursive: true });
const packages = packAll(publishablePackages(root), outDir);
console.log(`release: packed ${packages.map((p) => `${p.name}@${p.version}`).join(", ")}`);

mustRun(process.execPath, [join(root, "scripts", "packaging", "stranger.mjs"), "--tarballs", outDir]);

for (const pkg of packages) {
  if (!dryRun && published(pkg.name, pkg.version)) {
    console.log(`release: ${pkg.name}@${pkg.version} is already on the registry`);
    continue;
  }
  const args = ["publish", pkg.tarball, "--access", "public", "--no-git-checks", ...(dryRun ? ["--dry-run"] : [])];
  const result = spawnSync("pnpm", args, { cwd: root, encoding: "utf8" });
  if (result.status !== 0)
    fail(`pnpm ${args.join(" ")} exited with ${result.status}:\n${result.stdout}${result.stderr}`);
  console.log(`release: ${dryRun ? "would publish" : "published"} ${pkg.name}@${pkg.version}`);
}
