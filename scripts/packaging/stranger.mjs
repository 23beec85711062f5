#!/usr/bin/env node
// The stranger test: install the packed packages as someone outside this repository would, and use
// them. Run through pnpm (it needs pnpm and npm on PATH):
//
//   node scripts/packaging/stranger.mjs [--tarballs DIR] [--keep]
//
// 1. Packs every publishable package with the release path (`pnpm pack`), unless --tarballs names
//    a folder the release already packed into.
// 2. Checks each tarball: publint, arethetypeswrong (ESM-only profile), and package-checks.mjs
//    (workspace ranges, files that exports/bin name, tests shipped, maps without sources, imports
//    of undeclared dependencies).
// 3. Creates a scratch project in the system temp folder, outside the repository, and installs the
//    tarballs there with plain npm.
// 4. Under the lowest Node.js each package claims (`engines.node`, fetched from the npm registry
//    into .tools/) and under the current one: imports every entry point and runs every bin
//    (stranger/imports.mjs), and runs stranger/program.mjs: the devnet and an object store started
//    from their installed bins, a put and get, the hello-world specifications published.
// 5. Type-checks stranger/types.ts with tsc, strict, under moduleResolution nodenext and bundler.
// 6. Checks the check: breaks a package in each way the check must catch (a workspace: range, a
//    missing file, an undeclared dependency, a wrong exports entry) and fails if any goes unnoticed.

import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { checkPackage } from "./package-checks.mjs";
import { engineFloor, packAll, publishablePackages } from "./workspace-packages.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const fixtures = join(dirname(fileURLToPath(import.meta.url)), "stranger");
const bin = (name) => join(root, "node_modules", ".bin", name);

class CheckFailed extends Error {}

function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { encoding: "utf8", ...options });
  if (result.error) throw result.error;
  return { status: result.status ?? 1, output: `${result.stdout ?? ""}${result.stderr ?? ""}` };
}

function mustRun(what, cmd, args, options) {
  const result = run(cmd, args, options);
  if (result.status !== 0) throw new CheckFailed(`${what} failed (exit ${result.status}):\n${result.output}`);
  return result.output;
}

function step(title, fn) {
  const started = performance.now();
  const value = fn();
  console.log(`stranger: ${title} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  return value;
}

function compareVersions(a, b) {
  const [x, y] = [a, b].map((v) => v.replace(/^v/, "").split(".").map(Number));
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return 0;
}

/** A Node.js binary of exactly `version`: the current one, or the registry's `node-<os>-<arch>`. */
function nodeBinary(version) {
  if (process.version === `v${version}`) return process.execPath;
  const prefix = join(root, ".tools", `node-${version}`);
  const pkg = `node-${process.platform}-${process.arch}`;
  const binary = join(prefix, "node_modules", pkg, "bin", "node");
  if (!existsSync(binary)) {
    mustRun(`fetching Node.js ${version}`, "npm", [
      "install",
      "--prefix",
      prefix,
      "--no-audit",
      "--no-fund",
      "--silent",
      `${pkg}@${version}`,
    ]);
  }
  return binary;
}

function checkTarballs(packages, unpackDir) {
  const problems = [];
  for (const pkg of packages) {
    const dir = join(unpackDir, pkg.name.replace("/", "+"));
    mkdirSync(dir, { recursive: true });
    mustRun(`unpacking ${pkg.tarball}`, "tar", ["xzf", pkg.tarball, "-C", dir]);
    pkg.unpacked = join(dir, "package");
    for (const problem of checkPackage(pkg.unpacked)) problems.push(`${pkg.name}: ${problem}`);
    const publint = run(bin("publint"), ["run", "--strict", pkg.tarball]);
    if (publint.status !== 0 || !/All good/.test(publint.output))
      problems.push(`${pkg.name}: publint:\n${publint.output}`);
    const attw = run(bin("attw"), [pkg.tarball, "--profile", "esm-only", "--format", "ascii"]);
    if (attw.status !== 0) problems.push(`${pkg.name}: arethetypeswrong:\n${attw.output}`);
  }
  if (problems.length > 0) throw new CheckFailed(`tarball checks found:\n  ${problems.join("\n  ")}`);
}

function createProject(dir, packages) {
  const typescript = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).devDependencies.typescript;
  const lowest = packages.map((p) => p.floor).sort(compareVersions)[0];
  writeFileSync(join(dir, "package.json"), `${JSON.stringify({ name: "stranger", private: true, type: "module" })}\n`);
  for (const file of ["imports.mjs", "program.mjs", "types.ts", "tsconfig.nodenext.json", "tsconfig.bundler.json"]) {
    cpSync(join(fixtures, file), join(dir, file));
  }
  // What the root README tells a stranger to install: the packages, @bufbuild/protobuf for record
  // types, TypeScript and Node's types (protobufjs only for @cosmjs/proto-signing's declarations).
  mustRun(
    "npm install of the tarballs",
    "npm",
    [
      "install",
      "--no-audit",
      "--no-fund",
      "--prefer-offline",
      ...packages.map((p) => p.tarball),
      "@bufbuild/protobuf@^2.17.0",
      `typescript@${typescript}`,
      `@types/node@^${lowest.split(".")[0]}`,
      "protobufjs@^7",
    ],
    { cwd: dir },
  );
}

function useUnder(dir, packages, versions) {
  for (const version of versions) {
    const node = nodeBinary(version);
    const claimed = packages.filter((p) => compareVersions(p.floor, version) <= 0);
    step(`node ${version}: imports of ${claimed.length} packages`, () =>
      mustRun(`imports under node ${version}`, node, ["imports.mjs", ...claimed.map((p) => p.name)], { cwd: dir }),
    );
    // Each bin runs under the lowest tested Node.js its package claims, at least this one.
    const binNodes = {};
    for (const pkg of packages) {
      const binVersion = compareVersions(pkg.floor, version) <= 0 ? version : pkg.floor;
      for (const name of Object.keys(pkg.manifest.bin ?? {})) binNodes[name] = nodeBinary(binVersion);
    }
    const output = step(`node ${version}: program`, () =>
      mustRun(`program under node ${version}`, node, ["program.mjs", JSON.stringify(binNodes)], { cwd: dir }),
    );
    console.log(output.trim().split("\n").at(-1));
  }
}

function typeCheck(dir) {
  for (const config of ["tsconfig.nodenext.json", "tsconfig.bundler.json"]) {
    step(`tsc -p ${config}`, () =>
      mustRun(`tsc -p ${config}`, join(dir, "node_modules", ".bin", "tsc"), ["-p", config], { cwd: dir }),
    );
  }
}

// The check must catch each of these; a control that passes means the check has gone blind.
function checkTheCheck(dir, packages, current) {
  const node = nodeBinary(current);
  const unnoticed = [];
  const victim = packages.find((p) => p.name === "@p8e/hashing-crypto") ?? packages[0];
  const scratch = mkdtempSync(join(dir, "control-"));

  // Each broken copy sits in <name>/package, the layout of an npm tarball.
  const broken = (name, mutate) => {
    const copy = join(scratch, name, "package");
    cpSync(victim.unpacked, copy, { recursive: true });
    const manifestPath = join(copy, "package.json");
    const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
    mutate(copy, manifest);
    writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
    return copy;
  };
  const depName = Object.keys(victim.manifest.dependencies ?? {})[0];
  const controls = {
    "a workspace: range": broken("workspace", (_dir, m) => {
      m.dependencies = { ...m.dependencies, [depName]: "workspace:*" };
    }),
    "a missing file": broken("missing-file", (copy) => rmSync(join(copy, "dist", "index.js"))),
    "an undeclared dependency": broken("undeclared", (_dir, m) => {
      delete m.dependencies[depName];
    }),
    "a wrong exports entry": broken("wrong-exports", (_dir, m) => {
      m.exports["."].default = "./dist/index.mjs";
    }),
  };
  for (const [what, copy] of Object.entries(controls)) {
    if (checkPackage(copy).length === 0) unnoticed.push(`package-checks.mjs did not notice ${what}`);
  }

  // The installed project notices too: npm refuses the workspace range, and a missing file or a
  // wrong exports entry fails the import.
  const leak = join(scratch, "leak");
  mkdirSync(leak);
  writeFileSync(join(leak, "package.json"), '{"name":"leak","private":true}\n');
  const tarball = join(scratch, "workspace.tgz");
  mustRun("packing the workspace-range control", "tar", ["czf", tarball, "-C", join(scratch, "workspace"), "package"]);
  // --loglevel error: under `npm --silent test` the inherited loglevel would hide npm's reason.
  const install = run(
    "npm",
    ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel", "error", tarball],
    {
      cwd: leak,
    },
  );
  if (install.status === 0 || !/workspace:|EUNSUPPORTEDPROTOCOL/.test(install.output)) {
    unnoticed.push(`npm did not refuse a package with a workspace: range:\n${install.output}`);
  }
  const installed = join(dir, "node_modules", ...victim.name.split("/"));
  const saved = join(scratch, "saved");
  cpSync(installed, saved, { recursive: true });
  for (const what of ["a missing file", "a wrong exports entry"]) {
    rmSync(installed, { recursive: true });
    cpSync(controls[what], installed, { recursive: true });
    if (run(node, ["imports.mjs", victim.name], { cwd: dir }).status === 0) {
      unnoticed.push(`importing ${victim.name} with ${what} succeeded`);
    }
  }
  rmSync(installed, { recursive: true });
  cpSync(saved, installed, { recursive: true });
  if (unnoticed.length > 0) throw new CheckFailed(`the check is blind:\n  ${unnoticed.join("\n  ")}`);
  console.log(`stranger: ${Object.keys(controls).length} broken copies of ${victim.name} caught`);
}

function main(args) {
  const started = performance.now();
  const keep = args.includes("--keep");
  const tarballIndex = args.indexOf("--tarballs");
  const work = mkdtempSync(join(tmpdir(), "p8e-stranger-"));
  let ok = false;
  try {
    const packages = publishablePackages(root).map((p) => {
      const floor = engineFloor(p.manifest.engines?.node);
      if (floor === undefined)
        throw new CheckFailed(`${p.name}: engines.node must read ">=X.Y" (it is "${p.manifest.engines?.node}")`);
      return { ...p, floor };
    });
    // A package cannot run on an older Node.js than the workspace packages it always loads.
    const floors = new Map(packages.map((p) => [p.name, p.floor]));
    for (const pkg of packages) {
      const optional = pkg.manifest.peerDependenciesMeta ?? {};
      const needed = [
        ...Object.keys(pkg.manifest.dependencies ?? {}),
        ...Object.keys(pkg.manifest.peerDependencies ?? {}).filter((d) => optional[d]?.optional !== true),
      ];
      for (const dep of needed.filter((d) => floors.has(d))) {
        if (compareVersions(floors.get(dep), pkg.floor) > 0) {
          throw new CheckFailed(
            `${pkg.name} claims node >=${pkg.floor} but depends on ${dep}, which needs ${floors.get(dep)}`,
          );
        }
      }
    }
    const tarballDir = tarballIndex >= 0 ? args[tarballIndex + 1] : join(work, "tarballs");
    const packed =
      tarballIndex >= 0
        ? packages.map((p) => ({
            ...p,
            tarball: join(tarballDir, `${p.name.slice(1).replace("/", "-")}-${p.version}.tgz`),
          }))
        : step(`pnpm pack of ${packages.length} packages`, () => packAll(packages, tarballDir));
    step("publint, arethetypeswrong and package checks", () => checkTarballs(packed, join(work, "unpacked")));
    const project = join(work, "project");
    mkdirSync(project);
    step("npm install of the tarballs in a scratch project", () => createProject(project, packed));
    const current = process.version.slice(1);
    const versions = [...new Set([...packed.map((p) => p.floor), current])].sort(compareVersions);
    useUnder(project, packed, versions);
    typeCheck(project);
    step("checking the check", () => checkTheCheck(project, packed, current));
    ok = true;
    const seconds = ((performance.now() - started) / 1000).toFixed(0);
    console.log(
      `stranger: ${packed.length} packages installed and used from ${project} under node ${versions.join(", ")} in ${seconds} s`,
    );
  } finally {
    if (ok && !keep) rmSync(work, { recursive: true, force: true });
    else console.log(`stranger: scratch folder kept at ${work}`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    main(process.argv.slice(2));
  } catch (error) {
    console.error(error instanceof CheckFailed ? `stranger: ${error.message}` : error);
    process.exit(1);
  }
}
