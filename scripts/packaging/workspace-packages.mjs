// The publishable packages of the workspace, in dependency order, and packing them the way a
// release does: `pnpm pack`, which replaces `workspace:` ranges with the real versions (a plain
// `npm pack` of the source folder would not).

import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const groups = ["packages", "examples", "apps"];
const runtimeFields = ["dependencies", "peerDependencies", "optionalDependencies"];

/** Every package under packages/, examples/ and apps/ that is not private. */
export function publishablePackages(root) {
  const found = [];
  for (const group of groups) {
    const base = join(root, group);
    if (!existsSync(base)) continue;
    for (const entry of readdirSync(base).sort()) {
      const file = join(base, entry, "package.json");
      if (!existsSync(file)) continue;
      const manifest = JSON.parse(readFileSync(file, "utf8"));
      if (manifest.private === true) continue;
      found.push({ name: manifest.name, version: manifest.version, dir: join(base, entry), manifest });
    }
  }
  return dependencyOrder(found);
}

/**
 * Orders packages so that each comes after the workspace packages it needs at run time
 * (dependencies, peers, optional ones; dev dependencies may form cycles and do not count).
 */
export function dependencyOrder(packages) {
  const byName = new Map(packages.map((p) => [p.name, p]));
  const ordered = [];
  const state = new Map();
  const visit = (pkg, path) => {
    if (state.get(pkg.name) === "done") return;
    if (state.get(pkg.name) === "visiting") {
      throw new Error(`dependency cycle: ${[...path, pkg.name].join(" → ")}`);
    }
    state.set(pkg.name, "visiting");
    for (const field of runtimeFields) {
      for (const dep of Object.keys(pkg.manifest[field] ?? {}).sort()) {
        const target = byName.get(dep);
        if (target) visit(target, [...path, pkg.name]);
      }
    }
    state.set(pkg.name, "done");
    ordered.push(pkg);
  };
  for (const pkg of packages) visit(pkg, []);
  return ordered;
}

/** `pnpm pack`s each package into `outDir`; returns the packages with their `tarball` paths. */
export function packAll(packages, outDir) {
  mkdirSync(outDir, { recursive: true });
  return packages.map((pkg) => {
    const result = spawnSync("pnpm", ["pack", "--pack-destination", outDir], { cwd: pkg.dir, encoding: "utf8" });
    if (result.status !== 0) {
      throw new Error(`pnpm pack of ${pkg.name} failed (${result.status}):\n${result.stderr}${result.stdout}`);
    }
    const tarball = result.stdout
      .trim()
      .split("\n")
      .map((line) => line.trim())
      .findLast((line) => line.endsWith(".tgz"));
    if (!tarball || !existsSync(tarball))
      throw new Error(`pnpm pack of ${pkg.name} named no tarball:\n${result.stdout}`);
    return { ...pkg, tarball };
  });
}

/** The lowest version an `engines.node` range of the form ">=X.Y[.Z]" allows, or undefined. */
export function engineFloor(range) {
  const match = /^>=\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(range?.trim() ?? "");
  return match ? `${match[1]}.${match[2] ?? "0"}.${match[3] ?? "0"}` : undefined;
}
