import { cp, mkdir, mkdtemp, rm, rmdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { create, equals } from "@bufbuild/protobuf";
import { dehydrate, isContractClass } from "@p8e/contract-annotations";
import { bundleContract } from "@p8e/contract-annotations/bundle";
import { ContractSpecSchema } from "@p8e/spec-model";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleHelloWorld } from "./bundle.js";
import { ExampleNameSchema, HelloWorldContract } from "./index.js";

const packageRoot = fileURLToPath(new URL("..", import.meta.url));
const sources = ["package.json", "src/contract.ts", "src/gen"];
let temp: string;

beforeAll(async () => {
  temp = await mkdtemp(join(tmpdir(), "p8e-hello-world-"));
});
afterAll(async () => {
  await rm(temp, { recursive: true, force: true });
});

async function copySources(to: string): Promise<string> {
  for (const source of sources) await cp(join(packageRoot, source), join(to, source), { recursive: true });
  return join(to, "src/contract.ts");
}

describe("bundleHelloWorld()", () => {
  it("gives the same bytes and hash for the same sources in two other folders", async () => {
    const here = await bundleHelloWorld();
    const a = await bundleContract(await copySources(join(temp, "a")));
    const b = await bundleContract(await copySources(join(temp, "b", "somewhere", "deeper")));
    expect(a.code).toEqual(here.code);
    expect(b.code).toEqual(here.code);
    expect([a.hash, b.hash]).toEqual([here.hash, here.hash]);
    expect(here.modules).toEqual(["src/contract.ts", "src/gen/io/p8e/proto/example/hello_world_pb.ts"]);
    expect(here.hostImports).toEqual([
      "@bufbuild/protobuf",
      "@bufbuild/protobuf/codegenv2",
      "@p8e/contract-annotations",
    ]);
  });

  it("holds a contract that behaves and dehydrates as the source does", async () => {
    const bundle = await bundleHelloWorld();
    // Loaded from inside the package so its host imports resolve to the same modules as ours.
    const dir = join(packageRoot, ".tmp", `bundle-${process.pid}-${Date.now()}`);
    await mkdir(dir, { recursive: true });
    try {
      const file = join(dir, "contract.mjs");
      await writeFile(file, bundle.code);
      const loaded = (await import(pathToFileURL(file).href)) as typeof import("./contract.js");
      expect(loaded.HelloWorldContract).not.toBe(HelloWorldContract);
      expect(isContractClass(loaded.HelloWorldContract)).toBe(true);
      const fromBundle = dehydrate(loaded.HelloWorldContract, { bundleHash: bundle.hash });
      const fromSource = dehydrate(HelloWorldContract, { bundleHash: bundle.hash });
      expect(equals(ContractSpecSchema, fromBundle, fromSource)).toBe(true);
      const input = create(loaded.ExampleNameSchema, { firstName: "Grace", lastName: "Hopper" });
      const output = new loaded.HelloWorldContract().name(input);
      expect(equals(ExampleNameSchema, output, new HelloWorldContract().name(input))).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
      await rmdir(join(packageRoot, ".tmp")).catch(() => undefined);
    }
  });
});
