import { createHash } from "node:crypto";
import { cp, mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleContract, bundleHash } from "./bundle.js";
import { isContractAnnotationsError } from "./index.js";

const fixture = new URL("./testdata/bundle-fixture/", import.meta.url);
let temp: string;

beforeAll(async () => {
  temp = await mkdtemp(join(tmpdir(), "p8e-bundle-"));
});
afterAll(async () => {
  await rm(temp, { recursive: true, force: true });
});

// A fresh copy of the fixture project at `path` (under the temp folder), plus extra files.
async function project(path: string, extra: Record<string, string> = {}): Promise<string> {
  const root = join(temp, path);
  await cp(fixture, root, { recursive: true });
  for (const [file, content] of Object.entries(extra)) {
    await mkdir(join(root, file, ".."), { recursive: true });
    await writeFile(join(root, file), content);
  }
  return root;
}

// A contract module that imports `specifier` (and uses it, so nothing is tree-shaken away).
function importing(specifier: string): Record<string, string> {
  return {
    "src/entry.ts": `import * as imported from "${specifier}";\nexport { GreetingContract } from "./contract.js";\nexport const used = imported;\n`,
  };
}

async function failure(run: Promise<unknown>) {
  try {
    await run;
  } catch (error) {
    if (isContractAnnotationsError(error)) return error;
    throw error;
  }
  throw new Error("bundling succeeded");
}

const dependency = {
  "node_modules/left-pad-fixture/package.json": JSON.stringify({
    name: "left-pad-fixture",
    version: "1.2.3",
    main: "index.js",
  }),
  "node_modules/left-pad-fixture/index.js": "module.exports = (s, n) => ' '.repeat(Math.max(0, n - s.length)) + s;\n",
  "src/settings.json": '{ "width": 12 }\n',
  "src/entry.ts": [
    'import leftPad from "left-pad-fixture";',
    'import settings from "./settings.json";',
    'export { GreetingContract } from "./contract.js";',
    "export const pad = (s: string): string => leftPad(s, settings.width);",
    "",
  ].join("\n"),
};

describe("bundleContract()", () => {
  it("bundles a contract into one ESM file that imports only host modules", async () => {
    const root = await project("single");
    const bundle = await bundleContract(join(root, "src/contract.ts"));
    const text = new TextDecoder().decode(bundle.code);
    expect(bundle.hash).toBe(createHash("sha256").update(bundle.code).digest("base64"));
    expect(bundleHash(bundle.code)).toBe(bundle.hash);
    expect(bundle.modules).toEqual(["src/contract.ts", "src/greeting.ts"]);
    expect(bundle.hostImports).toEqual(["@bufbuild/protobuf", "@bufbuild/protobuf/wkt", "@p8e/contract-annotations"]);
    expect(text).toContain("__decorateParam(0, p8e.Input(");
    expect(text).toContain('__name(GreetingContract, "GreetingContract")');
    expect(text).toMatch(/export \{\s+GreetingContract\s+\};\s*$/);
    expect(text).not.toContain(temp);
  });

  it("gives the same bytes in two folders and on every run", async () => {
    const a = await project("a", dependency);
    const b = await project("b/deeper/still", dependency);
    const first = await bundleContract(join(a, "src/entry.ts"));
    const second = await bundleContract(join(b, "src/entry.ts"));
    const again = await bundleContract(new URL(`file://${join(a, "src/entry.ts")}`));
    expect(second.code).toEqual(first.code);
    expect(second.hash).toBe(first.hash);
    expect(again.hash).toBe(first.hash);
    expect(first.modules).toEqual([
      "left-pad-fixture@1.2.3/index.js",
      "src/contract.ts",
      "src/entry.ts",
      "src/greeting.ts",
      "src/settings.json",
    ]);
  });

  it("gives the same bytes through a symlinked folder", async () => {
    const real = await project("real");
    await symlink(real, join(temp, "linked"), "dir");
    const direct = await bundleContract(join(real, "src/contract.ts"));
    const linked = await bundleContract(join(temp, "linked", "src/contract.ts"));
    expect(linked.hash).toBe(direct.hash);
    expect(linked.modules).toEqual(["src/contract.ts", "src/greeting.ts"]);
  });

  it("changes the hash when a source changes", async () => {
    const before = await bundleContract(join(await project("before"), "src/contract.ts"));
    const after = await bundleContract(
      join(
        await project("after", {
          "src/greeting.ts": 'export const greet = (name: string): string => "hi, " + name;\n',
        }),
        "src/contract.ts",
      ),
    );
    expect(after.hash).not.toBe(before.hash);
  });

  it("refuses Node.js builtins and non-host subpaths of host packages", async () => {
    for (const specifier of [
      "node:fs",
      "fs",
      "path/posix",
      "@p8e/contract-annotations/bundle",
      "@bufbuild/protobuf/unknown",
    ]) {
      const root = await project(`forbidden-${specifier.replaceAll(/[^a-z]/g, "-")}`, importing(specifier));
      const error = await failure(bundleContract(join(root, "src/entry.ts")));
      expect(error.code).toBe("forbidden-import");
      expect(error.message).toContain(`src/entry.ts:1:`);
      expect(error.message).toContain(`forbidden import "${specifier}"`);
    }
  });

  it("refuses files that are not JavaScript, TypeScript or JSON", async () => {
    const root = await project("text", { ...importing("./notes.txt"), "src/notes.txt": "notes\n" });
    const error = await failure(bundleContract(join(root, "src/entry.ts")));
    expect(error.code).toBe("forbidden-import");
    expect(error.message).toContain(
      "cannot inline src/notes.txt: a contract may import JavaScript, TypeScript and JSON modules only",
    );
  });

  it("reports imports that do not resolve, with file and line", async () => {
    const root = await project("missing", importing("./nowhere.js"));
    const error = await failure(bundleContract(join(root, "src/entry.ts")));
    expect(error.code).toBe("bundle-failed");
    expect(error.message).toMatch(/src\/entry\.ts:1:\d+: Could not resolve "\.\/nowhere\.js"/);
  });

  it("refuses an entry that does not exist or lies outside the project", async () => {
    expect((await failure(bundleContract(join(temp, "absent.ts")))).message).toMatch(/absent\.ts does not exist$/);
    const root = await project("outside");
    await writeFile(join(temp, "outside.ts"), "export {};\n");
    const outside = await failure(bundleContract(join(temp, "outside.ts"), { projectRoot: root }));
    expect(outside.code).toBe("bundle-failed");
    expect(outside.message).toMatch(/outside\.ts is outside the project root/);
  });
});
