import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as lib from "./index.js";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");

/** The README's first TypeScript block, with its package import turned into a destructuring of `lib`. */
function example(): string {
  const block = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  if (block === undefined) throw new Error("README has no ```ts block");
  const code = block.replace(/import \{([^}]*)\} from "@p8e\/hashing-crypto";/, "const {$1} = lib;");
  if (/\bimport\b/.test(code)) throw new Error("README example imports something other than @p8e/hashing-crypto");
  return code;
}

describe("README example", () => {
  it("runs and prints what its comments say", async () => {
    const logs: string[] = [];
    const console = { log: (...values: unknown[]) => logs.push(values.map(String).join(" ")) };
    const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (
      ...args: string[]
    ) => (...values: unknown[]) => Promise<void>;
    await new AsyncFunction("lib", "console", example())(lib, console);
    expect(logs[0]).toBe("hello, p8e");
    expect(lib.isAddress(logs[1]!, "tp")).toBe(true);
  });

  it("only uses names the package exports", () => {
    const names = /import \{([^}]*)\} from "@p8e\/hashing-crypto";/
      .exec(readme)![1]!
      .split(",")
      .map((name) => name.trim())
      .filter(Boolean);
    for (const name of names) expect(lib).toHaveProperty(name);
  });
});
