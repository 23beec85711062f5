// p8e init: a new contract package that tests, checks and bundles at once.
import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import type { Command } from "commander";
import { CliError } from "./errors.js";
import { print, userCwd } from "./output.js";

/** The version of the @p8e packages a new contract package depends on: this CLI's own. */
function p8eVersion(): string {
  const own = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };
  return `^${own.version}`;
}

const pascal = (name: string) =>
  name
    .split(/[^A-Za-z0-9]+/)
    .filter((part) => part !== "")
    .map((part) => part[0]?.toUpperCase() + part.slice(1))
    .join("");

/**
 * A source file of the template (in `templates/`, shipped with the package) with its `{{name}}`
 * placeholders filled. Kept out of this module's own source so that its imports are not ours.
 */
function template(file: string, values: Readonly<Record<string, string>>): string {
  const text = readFileSync(new URL(`../templates/${file}`, import.meta.url), "utf8");
  return text.replace(/\{\{(\w+)\}\}/g, (whole, key: string) => values[key] ?? whole);
}

/** The files of a new contract package named `name`, by path. */
export function contractTemplate(name: string, options: { javaPackage: string; uuid: string }): Record<string, string> {
  const base = pascal(name.replace(/^@[^/]+\//, "")) || "My";
  const className = `${base}Contract`;
  const specClass = `${base}ScopeSpecification`;
  const scopeSpecName = `${options.javaPackage}.${base.toLowerCase()}`;
  const version = p8eVersion();
  const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
  const values = { uuid: options.uuid, scopeSpecName, specClass, className, javaPackage: options.javaPackage };
  return {
    "package.json": json({
      name,
      version: "0.1.0",
      private: true,
      type: "module",
      engines: { node: ">=24.15" },
      scripts: {
        test: "vitest run",
        typecheck: "tsc --noEmit",
        check: "p8e contract check src/contract.ts",
        bundle: "p8e contract bundle src/contract.ts",
      },
      dependencies: { "@bufbuild/protobuf": "^2.17.0", "@p8e/contract-annotations": version },
      devDependencies: {
        "@p8e/cli": version,
        "@p8e/devnet": version,
        "@p8e/engine": version,
        "@p8e/eos-server": version,
        "@types/node": "^24.10.0",
        typescript: "^6.0.3",
        vitest: "^5.1.1",
      },
    }),
    "tsconfig.json": json({
      compilerOptions: {
        target: "ES2023",
        module: "NodeNext",
        moduleResolution: "NodeNext",
        strict: true,
        experimentalDecorators: true,
        types: ["node"],
        noEmit: true,
      },
      include: ["src"],
    }),
    ".gitignore": "node_modules/\ndist/\n",
    "src/contract.ts": template("contract.ts.txt", values),
    "src/contract.test.ts": template("contract.test.ts.txt", values),
    "README.md": `# ${name}

A P8e contract package made by \`p8e init\`.

\`\`\`sh
npm install
npm test                                # the contract on an in-process engine, object store and devnet
npx p8e contract check src/contract.ts  # the publishing checks
npx p8e contract bundle src/contract.ts # the deterministic bundle and its hash
\`\`\`
`,
  };
}

/** Adds `init` to the program. */
export function registerInitCommand(program: Command): void {
  program
    .command("init")
    .description("create a contract package: a contract, its test on the engine's harness, tsconfig and package.json")
    .argument("<dir>", "a new or empty folder")
    .option("--name <name>", "the npm package name (default: the folder's name)")
    .option("--package <name>", "the contract's package, as upstream's Java package", "com.example")
    .addHelpText("after", "\nExample:\n  p8e init greetings && cd greetings && npm install && npm test")
    .action((dir: string, options: { name?: string; package: string }, command: Command) => {
      const target = resolve(userCwd(), dir);
      if (existsSync(target) && readdirSync(target).length > 0) {
        throw new CliError("usage", `${dir} is not empty: give a new folder, or empty this one`);
      }
      if (!/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/.test(options.package)) {
        throw new CliError("usage", `--package ${options.package}: write it like com.example (lowercase, dotted)`);
      }
      const name =
        options.name ??
        basename(target)
          .toLowerCase()
          .replace(/[^a-z0-9._-]+/g, "-");
      const files = contractTemplate(name, { javaPackage: options.package, uuid: randomUUID() });
      for (const [path, text] of Object.entries(files)) {
        mkdirSync(join(target, path, ".."), { recursive: true });
        writeFileSync(join(target, path), text);
      }
      print(command.optsWithGlobals(), { dir: target, name, files: Object.keys(files) }, () =>
        [
          `created ${name} in ${target}:`,
          ...Object.keys(files).map((f) => `  ${f}`),
          "next:",
          `  cd ${dir} && npm install && npm test`,
          "  npx p8e contract check src/contract.ts",
        ].join("\n"),
      );
    });
}
