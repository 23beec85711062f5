// A contract package's entry, bundled as the engine will load it, and checked.
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { ContractSpec } from "@p8e/spec-model";
import { CliError } from "./errors.js";
import { userCwd } from "./output.js";

type Annotations = typeof import("@p8e/contract-annotations");
type BundleModule = typeof import("@p8e/contract-annotations/bundle");
type ContractClass = Parameters<Annotations["dehydrate"]>[0];
type ScopeSpecificationClass = Parameters<Annotations["checkContracts"]>[1][number];

/** What `contract check` found: the bundle's hash, and each contract's spec. */
export interface CheckedPackage {
  readonly entry: string;
  readonly bundleHash: string;
  readonly bundleLength: number;
  readonly modules: readonly string[];
  readonly contracts: readonly { readonly name: string; readonly className: string; readonly functions: string[] }[];
  readonly scopeSpecifications: readonly { readonly name: string; readonly uuid: string }[];
}

/** A checked package: what it exports, loaded with its own annotations, and its bundle. */
export interface LoadedPackage {
  readonly checked: CheckedPackage;
  readonly code: Uint8Array;
  readonly contracts: readonly ContractClass[];
  readonly scopeSpecifications: readonly ScopeSpecificationClass[];
  readonly specs: readonly ContractSpec[];
  /** Imports a module as the contract package resolves it (its own copies of the host packages). */
  load<T>(specifier: string): Promise<T>;
}

/** The nearest folder above `file` with a package.json: the contract package's root. */
function projectRoot(file: string): string {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json"))) return dir;
    if (dirname(dir) === dir) return dirname(file);
  }
}

/**
 * Bundles `entry`, loads the bundle with the package's own `@p8e/contract-annotations` (the
 * decorators register classes per module instance), and runs the publishing checks on every
 * exported contract and scope specification.
 */
export async function checkPackage(entry: string): Promise<LoadedPackage> {
  const file = resolve(userCwd(), entry);
  if (!existsSync(file)) {
    throw new CliError("usage", `${entry} does not exist: give the contract package's entry, e.g. src/contract.ts`);
  }
  const root = projectRoot(file);
  const require = createRequire(file);
  const load = async <T>(specifier: string): Promise<T> => {
    let path: string;
    try {
      path = require.resolve(specifier);
    } catch {
      throw new CliError(
        "failed",
        `${specifier} is not installed: run \`npm install\` in ${root} (a contract package depends on @p8e/contract-annotations)`,
      );
    }
    return (await import(pathToFileURL(path).href)) as T;
  };
  const annotations = await load<Annotations>("@p8e/contract-annotations");
  const { bundleContract } = await load<BundleModule>("@p8e/contract-annotations/bundle");
  const bundle = await bundleContract(file);

  // The bundle's host imports resolve from the package's node_modules, as the entry's would.
  const cache = join(root, "node_modules", ".cache", "p8e");
  mkdirSync(cache, { recursive: true });
  const bundleFile = join(cache, `${Buffer.from(bundle.hash, "base64").toString("hex")}.mjs`);
  writeFileSync(bundleFile, bundle.code);
  const module = await import(pathToFileURL(bundleFile).href).catch((error: unknown) => {
    if ((error as { code?: unknown }).code !== "ERR_MODULE_NOT_FOUND") throw error;
    throw new CliError("failed", `${(error as Error).message.split("\n")[0]}: run \`npm install\` in ${root}`, {
      cause: error,
    });
  });
  const exported = Object.values(module as Record<string, unknown>);
  const isSubclass = (value: unknown, base: unknown): value is new (...args: never[]) => unknown =>
    typeof value === "function" && typeof base === "function" && value.prototype instanceof base;
  const contracts = exported.filter((v) => isSubclass(v, annotations.P8eContract));
  const scopeSpecs = exported.filter((v) => isSubclass(v, annotations.P8eScopeSpecification));
  if (contracts.length === 0) {
    throw new CliError("failed", `${entry} exports no class extending P8eContract: export the contract from the entry`);
  }
  let result: ReturnType<Annotations["checkContracts"]>;
  try {
    result = annotations.checkContracts(contracts as never, scopeSpecs as never);
  } catch (error) {
    if (annotations.isContractAnnotationsError(error)) {
      throw new CliError(
        "failed",
        `the contracts do not pass the checks:\n  ${error.issues.map((i) => i.message).join("\n  ")}`,
      );
    }
    throw error;
  }
  const specs = contracts.map((c) => annotations.dehydrate(c as never, { bundleHash: bundle.hash }));
  return {
    code: bundle.code,
    contracts: contracts as unknown as ContractClass[],
    scopeSpecifications: scopeSpecs as unknown as ScopeSpecificationClass[],
    specs,
    load,
    checked: {
      entry: relative(userCwd(), file).startsWith("..") ? file : relative(userCwd(), file),
      bundleHash: bundle.hash,
      bundleLength: bundle.code.length,
      modules: bundle.modules,
      contracts: specs.map((s) => ({
        name: s.definition?.name ?? "",
        className: s.definition?.resourceLocation?.classname ?? "",
        functions: s.functionSpecs.map((f) => f.funcName),
      })),
      scopeSpecifications: result.scopeSpecifications.map((s) => ({ name: s.name, uuid: s.uuid })),
    },
  };
}
