// Static checks of an unpacked package (a tarball extracted to a folder): what a stranger's
// `npm install` gets must be complete and self-describing. Each check returns problems as strings;
// an empty list means the package passed.
//
//   checkPackage(dir) → string[]
//
// What is checked: no dependency range uses a workspace-only protocol (`workspace:`, `catalog:`,
// `link:`, `file:`, `portal:`); every file `exports`, `bin`, `main`, `types` and `module` name is in
// the package; a bin starts with a shebang; no test file or test data ships; every source map's
// sources ship with it; every relative import in shipped code resolves to a shipped file; every bare
// import in shipped code is a Node.js builtin, the package itself, or a declared dependency.

import { readdirSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { join, posix, relative, sep } from "node:path";

const localProtocols = /^(workspace|catalog|link|file|portal):/;
const dependencyFields = ["dependencies", "peerDependencies", "optionalDependencies"];
const codeFile = /\.(?:[cm]?js|[cm]?ts|tsx)$/;
const testFile = /(?:^|\/)(?:[^/]+\.(?:test|spec)\.[cm]?[jt]sx?|__tests__\/.*|testdata\/.*|[^/]+\.tsbuildinfo)$/;

/** Every file below `dir`, as package-relative POSIX paths. */
export function listFiles(dir) {
  const out = [];
  const walk = (folder) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else out.push(relative(dir, path).split(sep).join("/"));
    }
  };
  walk(dir);
  return out.sort();
}

/** The file paths an `exports` value names, with the subpath and conditions that lead to each. */
export function exportTargets(exports, where = "exports") {
  if (typeof exports === "string") return [{ where, target: exports }];
  if (Array.isArray(exports)) return exports.flatMap((e, i) => exportTargets(e, `${where}[${i}]`));
  if (exports === null || typeof exports !== "object") return [];
  return Object.entries(exports).flatMap(([key, value]) => exportTargets(value, `${where}["${key}"]`));
}

/** The module specifiers a JS or TS file imports, exports from, requires or loads dynamically. */
export function importSpecifiers(text) {
  // Comments may quote imports (TSDoc examples); drop them first. Strings that look like comments
  // are rare enough in shipped code to accept the imprecision.
  const code = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'`\\])\/\/.*$/gm, "$1");
  const found = new Set();
  const patterns = [
    /\b(?:import|export)\s+(?:type\s+)?(?:[\w*${}\s,]+?\s+from\s+)?["']([^"']+)["']/g,
    /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g,
    /\brequire\s*\(\s*["']([^"']+)["']\s*\)/g,
    /\bfrom\s+["']([^"']+)["']/g,
  ];
  for (const pattern of patterns) for (const match of code.matchAll(pattern)) found.add(match[1]);
  return [...found];
}

/** `@scope/name/sub` → `@scope/name`; `name/sub` → `name`. */
export function packageNameOf(specifier) {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

function isBuiltin(specifier) {
  const bare = specifier.startsWith("node:") ? specifier.slice(5) : specifier;
  return builtinModules.includes(bare) || builtinModules.includes(packageNameOf(bare)) || specifier.startsWith("node:");
}

// A relative import resolves as Node or TypeScript would resolve it in shipped code: the file itself,
// or for a `.js` import from a declaration or TypeScript source, the `.d.ts` / `.ts` beside it.
function resolvesTo(files, fromFile, specifier) {
  const base = posix.normalize(posix.join(posix.dirname(fromFile), specifier));
  const candidates = [base];
  if (/\.[cm]?js$/.test(base)) {
    const stem = base.replace(/\.([cm]?)js$/, "");
    const m = /\.([cm]?)js$/.exec(base)[1];
    candidates.push(`${stem}.d.${m}ts`, `${stem}.${m}ts`, `${stem}.tsx`);
  }
  if (!/\.[a-z]+$/.test(base)) candidates.push(`${base}.js`, `${base}.d.ts`, `${base}.ts`, `${base}/index.js`);
  return candidates.some((c) => files.has(c));
}

/** All problems found in the unpacked package at `dir`. */
export function checkPackage(dir) {
  const problems = [];
  const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  const name = pkg.name ?? "(no name)";
  const files = new Set(listFiles(dir));
  const has = (target) => files.has(posix.normalize(target.replace(/^\.\//, "")));

  for (const field of [...dependencyFields, "devDependencies"]) {
    for (const [dep, range] of Object.entries(pkg[field] ?? {})) {
      if (localProtocols.test(String(range)))
        problems.push(`${field}.${dep} is "${range}", which only a workspace can resolve`);
    }
  }
  if (pkg.private === true) problems.push("package.json says private: true");
  for (const field of ["version", "license", "description"])
    if (!pkg[field]) problems.push(`package.json has no ${field}`);
  if (!pkg.engines?.node) problems.push("package.json has no engines.node");

  const targets = exportTargets(pkg.exports);
  for (const field of ["main", "module", "types", "typings"])
    if (pkg[field]) targets.push({ where: field, target: pkg[field] });
  const bins = typeof pkg.bin === "string" ? { [name]: pkg.bin } : (pkg.bin ?? {});
  for (const [bin, target] of Object.entries(bins)) targets.push({ where: `bin.${bin}`, target });
  for (const { where, target } of targets) {
    if (target.includes("*")) continue; // patterns: their files are checked through imports
    if (!target.startsWith("./") && !where.startsWith("bin.") && where.startsWith("exports")) {
      problems.push(`${where} is "${target}", which does not start with ./`);
    } else if (!has(target)) problems.push(`${where} names ${target}, which is not in the package`);
  }
  for (const [bin, target] of Object.entries(bins)) {
    if (has(target) && !readFileSync(join(dir, target), "utf8").startsWith("#!")) {
      problems.push(`bin.${bin} (${target}) does not start with a #! line`);
    }
  }

  const declared = new Set([name, ...dependencyFields.flatMap((f) => Object.keys(pkg[f] ?? {}))]);
  for (const file of files) {
    if (testFile.test(file)) problems.push(`${file} is a test or test data and should not ship`);
    if (file.endsWith(".map")) {
      const map = JSON.parse(readFileSync(join(dir, file), "utf8"));
      for (const source of map.sources ?? []) {
        const target = posix.normalize(posix.join(posix.dirname(file), map.sourceRoot ?? "", source));
        if (!files.has(target)) problems.push(`${file} maps to ${target}, which is not in the package`);
      }
    }
    if (!codeFile.test(file)) continue;
    for (const specifier of importSpecifiers(readFileSync(join(dir, file), "utf8"))) {
      if (specifier.includes("${")) continue; // a template that generates code, not an import
      if (specifier.startsWith(".")) {
        if (!resolvesTo(files, file, specifier))
          problems.push(`${file} imports ${specifier}, which is not in the package`);
      } else if (!isBuiltin(specifier) && !declared.has(packageNameOf(specifier))) {
        problems.push(`${file} imports ${specifier}, but ${packageNameOf(specifier)} is not a dependency`);
      }
    }
  }
  return problems;
}
