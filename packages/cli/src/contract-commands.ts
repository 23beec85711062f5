// p8e contract check / bundle / publish.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { Command } from "commander";
import { type CheckedPackage, checkPackage } from "./contract-package.js";
import { registerContractPublish } from "./contract-publish.js";
import { print, userCwd } from "./output.js";

function describeChecked(checked: CheckedPackage): string[] {
  return [
    ...checked.contracts.map((c) => `contract   ${c.className} (${c.functions.join(", ")})`),
    ...checked.scopeSpecifications.map((s) => `scope spec ${s.name} ${s.uuid}`),
  ];
}

/** Adds `check`, `bundle` and `publish` to the `contract` command. */
export function registerContractCommands(contract: Command): void {
  contract
    .command("check")
    .description("bundle a contract package and run the publishing checks on what it exports")
    .argument("<entry>", "the package's entry, e.g. src/contract.ts")
    .addHelpText("after", "\nExample:\n  p8e contract check src/contract.ts")
    .action(async (entry: string, _options: unknown, command: Command) => {
      const { checked } = await checkPackage(entry);
      print(command.optsWithGlobals(), checked, () => [`ok: ${checked.entry}`, ...describeChecked(checked)].join("\n"));
    });
  contract
    .command("bundle")
    .description("bundle a contract package into one deterministic ESM file; prints its hash")
    .argument("<entry>", "the package's entry, e.g. src/contract.ts")
    .option("-o, --out <file>", "where to write the bundle", "dist/contract.bundle.mjs")
    .addHelpText("after", "\nExample:\n  p8e contract bundle src/contract.ts --out dist/contract.bundle.mjs")
    .action(async (entry: string, options: { out: string }, command: Command) => {
      const { checked, code } = await checkPackage(entry);
      const out = resolve(userCwd(), options.out);
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, code);
      print(command.optsWithGlobals(), { ...checked, bundleFile: out }, () =>
        [
          `hash       ${checked.bundleHash}`,
          `bundle     ${out} (${checked.bundleLength} bytes)`,
          ...describeChecked(checked),
        ].join("\n"),
      );
    });
  registerContractPublish(contract);
}
