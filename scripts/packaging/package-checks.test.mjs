import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { checkPackage, exportTargets, importSpecifiers, packageNameOf } from "./package-checks.mjs";
import { dependencyOrder, engineFloor } from "./workspace-packages.mjs";

const folders = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

const goodManifest = () => ({
  name: "@p8e/fixture",
  version: "1.0.0",
  description: "a fixture",
  license: "Apache-2.0",
  type: "module",
  engines: { node: ">=22.13" },
  exports: { ".": { "@p8e/source": "./src/index.ts", types: "./dist/index.d.ts", default: "./dist/index.js" } },
  bin: { fixture: "./dist/main.js" },
  dependencies: { "@noble/hashes": "^2.4.0" },
  peerDependencies: { "@bufbuild/protobuf": "^2.17.0" },
});

const goodFiles = () => ({
  "src/index.ts": 'export { sha256 } from "@noble/hashes/sha2.js";\n',
  "dist/index.js": [
    '// import { nothing } from "commented-out";',
    'import { sha256 } from "@noble/hashes/sha2.js";',
    'import { readFile } from "node:fs/promises";',
    'import "./setup.js";',
    'export * from "./util.js";',
    'export const load = () => import("./lazy.js");',
    "export { sha256, readFile };",
    "//# sourceMappingURL=index.js.map",
  ].join("\n"),
  "dist/index.js.map": JSON.stringify({ version: 3, file: "index.js", sources: ["../src/index.ts"], mappings: "" }),
  "dist/index.d.ts": 'import type { DescMessage } from "@bufbuild/protobuf";\nexport type D = DescMessage;\n',
  "dist/util.js": 'import self from "@p8e/fixture";\nexport const util = self;\n',
  "dist/setup.js": "",
  "dist/lazy.js": "export default 1;\n",
  "dist/main.js": '#!/usr/bin/env node\nimport "./index.js";\n',
  "README.md": "# fixture\n",
});

/** Writes a package folder; `change` edits the manifest and file map before they are written. */
function fixture(change = () => {}) {
  const dir = mkdtempSync(join(tmpdir(), "p8e-package-check-"));
  folders.push(dir);
  const manifest = goodManifest();
  const files = goodFiles();
  change(manifest, files);
  writeFileSync(join(dir, "package.json"), JSON.stringify(manifest));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

describe("checkPackage()", () => {
  it("passes a complete package", () => {
    expect(checkPackage(fixture())).toEqual([]);
  });

  it("catches a workspace: range in any dependency field", () => {
    const dir = fixture((m) => {
      m.dependencies["@p8e/spec-model"] = "workspace:*";
      m.peerDependencies["@p8e/devnet"] = "workspace:^";
      m.devDependencies = { "@p8e/engine": "catalog:" };
    });
    expect(checkPackage(dir)).toEqual([
      'dependencies.@p8e/spec-model is "workspace:*", which only a workspace can resolve',
      'peerDependencies.@p8e/devnet is "workspace:^", which only a workspace can resolve',
      'devDependencies.@p8e/engine is "catalog:", which only a workspace can resolve',
    ]);
  });

  it("catches a file that exports, bin or an import names but the package lacks", () => {
    const dir = fixture((_m, files) => {
      delete files["dist/index.d.ts"];
      delete files["dist/lazy.js"];
      delete files["dist/main.js"];
    });
    expect(checkPackage(dir)).toEqual([
      'exports["."]["types"] names ./dist/index.d.ts, which is not in the package',
      "bin.fixture names ./dist/main.js, which is not in the package",
      "dist/index.js imports ./lazy.js, which is not in the package",
    ]);
  });

  it("catches an undeclared dependency in code and in declarations", () => {
    const dir = fixture((m, files) => {
      delete m.dependencies["@noble/hashes"];
      delete m.peerDependencies;
      files["dist/util.js"] += 'export { z } from "zod/mini";\n';
    });
    expect(checkPackage(dir)).toEqual([
      "dist/index.d.ts imports @bufbuild/protobuf, but @bufbuild/protobuf is not a dependency",
      "dist/index.js imports @noble/hashes/sha2.js, but @noble/hashes is not a dependency",
      "dist/util.js imports zod/mini, but zod is not a dependency",
      "src/index.ts imports @noble/hashes/sha2.js, but @noble/hashes is not a dependency",
    ]);
  });

  it("catches a wrong exports entry", () => {
    const dir = fixture((m) => {
      m.exports["."].default = "./dist/index.mjs";
      m.exports["./extra"] = "dist/extra.js";
    });
    expect(checkPackage(dir)).toEqual([
      'exports["."]["default"] names ./dist/index.mjs, which is not in the package',
      'exports["./extra"] is "dist/extra.js", which does not start with ./',
    ]);
  });

  it("catches tests, test data, maps without their sources and a bin without #!", () => {
    const dir = fixture((_m, files) => {
      files["src/index.test.ts"] = "";
      files["src/testdata/vector.ts"] = "";
      files["dist/main.js"] = 'import "./index.js";\n';
      delete files["src/index.ts"];
    });
    expect(checkPackage(dir)).toEqual([
      'exports["."]["@p8e/source"] names ./src/index.ts, which is not in the package',
      "bin.fixture (./dist/main.js) does not start with a #! line",
      "dist/index.js.map maps to src/index.ts, which is not in the package",
      "src/index.test.ts is a test or test data and should not ship",
      "src/testdata/vector.ts is a test or test data and should not ship",
    ]);
  });

  it("catches missing metadata and private: true", () => {
    const dir = fixture((m) => {
      m.private = true;
      delete m.license;
      delete m.engines;
    });
    expect(checkPackage(dir)).toEqual([
      "package.json says private: true",
      "package.json has no license",
      "package.json has no engines.node",
    ]);
  });
});

describe("importSpecifiers()", () => {
  it("finds static, side-effect, re-export, type, dynamic and require imports, not commented ones", () => {
    const code = [
      'import a from "a";',
      'import "b";',
      'import type { C } from "c";',
      'export { d } from "d";',
      'export * as e from "e";',
      'const f = await import("f");',
      'const g = require("g");',
      "import {",
      "  h,",
      '} from "h";',
      '/* import x from "x"; */',
      '// import y from "y";',
      'const url = "http://example.com"; // import z from "z";',
    ].join("\n");
    expect(importSpecifiers(code).sort()).toEqual(["a", "b", "c", "d", "e", "f", "g", "h"]);
  });
});

describe("packageNameOf()", () => {
  it("keeps the scope of a scoped package and drops subpaths", () => {
    expect([packageNameOf("@noble/hashes/sha2.js"), packageNameOf("zod/mini"), packageNameOf("zod")]).toEqual([
      "@noble/hashes",
      "zod",
      "zod",
    ]);
  });
});

describe("exportTargets()", () => {
  it("lists every target under every condition", () => {
    expect(exportTargets({ ".": { types: "./a.d.ts", default: "./a.js" }, "./b": ["./b.js"] })).toEqual([
      { where: 'exports["."]["types"]', target: "./a.d.ts" },
      { where: 'exports["."]["default"]', target: "./a.js" },
      { where: 'exports["./b"][0]', target: "./b.js" },
    ]);
  });
});

describe("dependencyOrder()", () => {
  const pkg = (name, manifest) => ({ name, manifest: { name, ...manifest } });

  it("puts each package after the workspace packages it needs at run time", () => {
    const ordered = dependencyOrder([
      pkg("engine", { dependencies: { "spec-model": "workspace:*" }, peerDependencies: { devnet: "workspace:*" } }),
      pkg("devnet", { dependencies: { "spec-model": "workspace:*" }, devDependencies: { engine: "workspace:*" } }),
      pkg("spec-model", { dependencies: { "hashing-crypto": "workspace:*", zod: "^4" } }),
      pkg("hashing-crypto", {}),
    ]);
    expect(ordered.map((p) => p.name)).toEqual(["hashing-crypto", "spec-model", "devnet", "engine"]);
  });

  it("refuses a cycle of run-time dependencies", () => {
    expect(() =>
      dependencyOrder([pkg("a", { dependencies: { b: "1" } }), pkg("b", { optionalDependencies: { a: "1" } })]),
    ).toThrow("dependency cycle: a → b → a");
  });
});

describe("engineFloor()", () => {
  it("reads the lowest version of a >= range", () => {
    expect([engineFloor(">=22.13"), engineFloor(">= 24"), engineFloor(">=20.19.1")]).toEqual([
      "22.13.0",
      "24.0.0",
      "20.19.1",
    ]);
  });

  it("gives up on other ranges", () => {
    expect([engineFloor("^22 || >=24"), engineFloor(undefined)]).toEqual([undefined, undefined]);
  });
});
