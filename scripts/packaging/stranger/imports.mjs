// Imports every entry point (`exports` subpath) of every installed @p8e package, and runs every
// bin with --help. Run from the scratch project: `node imports.mjs [@p8e/name …]` (default: all the
// project's @p8e dependencies). Exits non-zero and names each entry point that failed.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(join(process.cwd(), "package.json"));
const project = JSON.parse(readFileSync("package.json", "utf8"));
const names =
  process.argv.length > 2
    ? process.argv.slice(2)
    : Object.keys(project.dependencies ?? {}).filter((n) => n.startsWith("@p8e/"));

let failures = 0;
let imported = 0;
for (const name of names) {
  const manifestPath = join("node_modules", name, "package.json");
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
  const subpaths = typeof manifest.exports === "object" ? Object.keys(manifest.exports) : ["."];
  for (const subpath of subpaths) {
    if (subpath.endsWith(".json")) {
      require(`${name}${subpath.slice(1)}`);
      continue;
    }
    const specifier = `${name}${subpath.slice(1)}`;
    try {
      const module = await import(specifier);
      if (Object.keys(module).length === 0) throw new Error("exports nothing");
      imported += 1;
    } catch (error) {
      failures += 1;
      console.error(`FAIL import ${specifier}: ${String(error?.message ?? error).split("\n")[0]}`);
    }
  }
  for (const [bin, target] of Object.entries(manifest.bin ?? {})) {
    // Through the link npm made, so its #! line picks the node first on PATH (the one under test).
    const link = join("node_modules", ".bin", bin);
    const result = spawnSync(link, ["--help"], {
      encoding: "utf8",
      env: { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH}` },
    });
    if (result.status !== 0 || !/usage/i.test(result.stdout)) {
      failures += 1;
      console.error(
        `FAIL ${bin} --help (${target}) exited ${result.status}: ${(result.stderr || result.stdout).split("\n")[0]}`,
      );
    } else imported += 1;
  }
}
console.log(`node ${process.version}: ${imported} entry points and bins loaded, ${failures} failed`);
process.exit(failures === 0 ? 0 : 1);
