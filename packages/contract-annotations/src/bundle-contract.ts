import { createHash } from "node:crypto";
import { readFile, realpath, stat } from "node:fs/promises";
import { builtinModules } from "node:module";
import { dirname, extname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { build, type Loader, type Message, type Plugin } from "esbuild";
import { ContractAnnotationsError } from "./errors.js";
import { hostModules, isHostModule } from "./host-modules.js";

/** Options of `bundleContract()`. */
export interface BundleContractOptions {
  /**
   * The contract package's folder: module names in the bundle are relative to it. Defaults to the
   * nearest folder above `entry` that holds a package.json.
   */
  readonly projectRoot?: string;
}

/** A contract bundle: one ESM file holding the contract and its protobuf types. */
export interface ContractBundle {
  /** The file's bytes (UTF-8 JavaScript). */
  readonly code: Uint8Array;
  /** Standard padded base64 of SHA-256(code): the hash `dehydrate()` puts into the spec. */
  readonly hash: string;
  /** The inlined modules by their stable names (`src/x.ts`, `name@version/file.js`), sorted. */
  readonly modules: readonly string[];
  /** The host modules (see `hostModules`) the bundle imports, sorted. */
  readonly hostImports: readonly string[];
}

/** Standard padded base64 of the SHA-256 of a bundle's bytes, as upstream hashes jars. */
export function bundleHash(code: Uint8Array): string {
  return createHash("sha256").update(code).digest("base64");
}

const namespace = "contract";
const resolving = Symbol("p8e-resolving");

const loaders: Readonly<Record<string, Loader>> = {
  ".ts": "ts",
  ".mts": "ts",
  ".cts": "ts",
  ".tsx": "tsx",
  ".js": "js",
  ".mjs": "js",
  ".cjs": "js",
  ".jsx": "jsx",
  ".json": "json",
};

const builtins = new Set(builtinModules);

function isBuiltin(specifier: string): boolean {
  return specifier.startsWith("node:") || builtins.has(specifier) || builtins.has(specifier.split("/")[0]!);
}

function toPosix(path: string): string {
  return path.split(sep).join("/");
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

async function findProjectRoot(from: string): Promise<string | undefined> {
  for (let dir = from; ; dir = dirname(dir)) {
    if (await exists(join(dir, "package.json"))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

interface PackageInfo {
  readonly dir: string;
  readonly id: string;
}

// The nearest package.json with a name above a file in a dependency, as "name@version".
async function findPackage(
  from: string,
  cache: Map<string, PackageInfo | undefined>,
): Promise<PackageInfo | undefined> {
  const cached = cache.get(from);
  if (cached !== undefined || cache.has(from)) return cached;
  let found: PackageInfo | undefined;
  try {
    const manifest = JSON.parse(await readFile(join(from, "package.json"), "utf8")) as {
      name?: unknown;
      version?: unknown;
    };
    if (typeof manifest.name === "string" && manifest.name !== "") {
      found = {
        dir: from,
        id: `${manifest.name}@${typeof manifest.version === "string" ? manifest.version : "0.0.0"}`,
      };
    }
  } catch {
    // no (readable) package.json here
  }
  if (found === undefined && dirname(from) !== from) found = await findPackage(dirname(from), cache);
  cache.set(from, found);
  return found;
}

function entryPath(entry: string | URL): string {
  if (entry instanceof URL) return fileURLToPath(entry);
  if (typeof entry === "string" && entry.startsWith("file:")) return fileURLToPath(entry);
  if (typeof entry !== "string" || entry === "") {
    throw new ContractAnnotationsError("bundle-failed", "bundleContract needs an entry file path or file URL");
  }
  return resolve(entry);
}

function forbidden(specifier: string, why: string): { errors: { text: string; detail: string }[] } {
  return { errors: [{ text: `forbidden import "${specifier}": ${why}`, detail: "p8e-forbidden-import" }] };
}

function formatMessage(message: Message): string {
  const at =
    message.location === null ? "" : `${message.location.file}:${message.location.line}:${message.location.column}: `;
  return `${at}${message.text}`;
}

/**
 * Bundles a contract package into one ESM file with esbuild: the entry and everything it imports
 * are inlined, except the host modules (`@bufbuild/protobuf` and its subpaths,
 * `@p8e/contract-annotations`), which stay imports. Node builtins and any other subpath of those
 * packages are refused, and so are files other than JavaScript, TypeScript and JSON. The output
 * is deterministic: module names are relative to the project root (or `name@version/path` for
 * dependencies), nothing absolute and no timestamps or source maps are written, so the same
 * sources in any folder give the same bytes and the same hash. Decorators compile with
 * `experimentalDecorators` whatever the project's tsconfig says.
 * @throws {ContractAnnotationsError} code "forbidden-import" or "bundle-failed" with every esbuild
 *   message, each naming the file and line.
 */
export async function bundleContract(
  entry: string | URL,
  options: BundleContractOptions = {},
): Promise<ContractBundle> {
  const given = entryPath(entry);
  if (!(await exists(given))) {
    throw new ContractAnnotationsError("bundle-failed", `contract entry ${given} does not exist`);
  }
  // Real paths throughout: esbuild resolves imports to real paths, and module names are relative.
  const entryFile = await realpath(given);
  const rootOption = options.projectRoot === undefined ? undefined : resolve(options.projectRoot);
  const projectRoot =
    rootOption === undefined
      ? await findProjectRoot(dirname(entryFile))
      : await realpath(rootOption).catch(() => rootOption);
  if (projectRoot === undefined) {
    throw new ContractAnnotationsError(
      "bundle-failed",
      `no package.json above ${entryFile}: cannot tell the contract's project root`,
    );
  }
  const entryInRoot = relative(projectRoot, entryFile);
  if (entryInRoot.startsWith("..") || isAbsolute(entryInRoot)) {
    throw new ContractAnnotationsError(
      "bundle-failed",
      `contract entry ${entryFile} is outside the project root ${projectRoot}`,
    );
  }

  const packages = new Map<string, PackageInfo | undefined>();
  const files = new Set<string>();
  const moduleName = async (file: string): Promise<string> => {
    const local = relative(projectRoot, file);
    if (!local.startsWith("..") && !isAbsolute(local) && !local.split(sep).includes("node_modules"))
      return toPosix(local);
    const pkg = await findPackage(dirname(file), packages);
    if (pkg !== undefined) return `${pkg.id}/${toPosix(relative(pkg.dir, file))}`;
    return toPosix(local);
  };

  const plugin: Plugin = {
    name: "p8e-contract",
    setup(b) {
      b.onResolve({ filter: /.*/ }, async (args) => {
        if ((args.pluginData as { [resolving]?: boolean } | undefined)?.[resolving] === true) return undefined;
        if (args.kind === "entry-point") {
          files.add(entryFile);
          return { path: await moduleName(entryFile), namespace, pluginData: { file: entryFile } };
        }
        const specifier = args.path;
        if (isHostModule(specifier)) return { path: specifier, external: true };
        if (specifier.startsWith("@p8e/contract-annotations/")) {
          return forbidden(
            specifier,
            "a contract may import only the root of @p8e/contract-annotations, which the host provides",
          );
        }
        if (specifier === "@bufbuild/protobuf" || specifier.startsWith("@bufbuild/protobuf/")) {
          return forbidden(
            specifier,
            `the host provides only ${hostModules.filter((m) => m.startsWith("@bufbuild")).join(", ")}`,
          );
        }
        if (isBuiltin(specifier)) {
          return forbidden(specifier, "contracts run in a sandbox without Node.js builtins or I/O");
        }
        const importer = (args.pluginData as { file?: string } | undefined)?.file;
        const result = await b.resolve(specifier, {
          kind: args.kind,
          resolveDir: args.resolveDir,
          ...(importer === undefined ? {} : { importer }),
          pluginData: { [resolving]: true },
        });
        if (result.errors.length > 0) return { errors: result.errors };
        if (result.external || result.namespace !== "file") {
          return forbidden(specifier, "it does not resolve to a file that can be inlined");
        }
        files.add(result.path);
        return {
          path: await moduleName(result.path),
          namespace,
          pluginData: { file: result.path },
          sideEffects: result.sideEffects,
        };
      });
      b.onLoad({ filter: /.*/, namespace }, async (args) => {
        const file = (args.pluginData as { file: string }).file;
        const loader = loaders[extname(file)];
        if (loader === undefined) {
          return {
            errors: [
              {
                text: `cannot inline ${args.path}: a contract may import JavaScript, TypeScript and JSON modules only`,
                detail: "p8e-forbidden-import",
              },
            ],
          };
        }
        return { contents: await readFile(file), loader, resolveDir: dirname(file) };
      });
    },
  };

  let result: Awaited<ReturnType<typeof build<{ write: false; metafile: true }>>>;
  try {
    result = await build({
      entryPoints: [entryFile],
      absWorkingDir: projectRoot,
      bundle: true,
      write: false,
      metafile: true,
      format: "esm",
      platform: "neutral",
      mainFields: ["module", "main"],
      target: "es2023",
      charset: "utf8",
      keepNames: true,
      legalComments: "inline",
      sourcemap: false,
      treeShaking: true,
      logLevel: "silent",
      tsconfigRaw: { compilerOptions: { experimentalDecorators: true, useDefineForClassFields: true } },
      plugins: [plugin],
    });
  } catch (cause) {
    const errors = (cause as { errors?: Message[] }).errors ?? [];
    if (errors.length === 0) throw ContractAnnotationsError.from(cause, "bundle-failed");
    const isForbidden = errors.some((e) => e.detail === "p8e-forbidden-import");
    const lines = errors.map(formatMessage);
    throw new ContractAnnotationsError(
      isForbidden ? "forbidden-import" : "bundle-failed",
      `cannot bundle contract ${relative(projectRoot, entryFile)}:\n${lines.map((l) => `  ${l}`).join("\n")}`,
      { cause },
    );
  }

  const output = result.outputFiles[0];
  if (output === undefined) throw new ContractAnnotationsError("bundle-failed", "esbuild produced no output");
  const code = output.contents.slice();
  const text = output.text;
  // A safety net: module names are relative, so no absolute folder of the build may appear.
  // Folders with fewer than two segments ("/", "/tmp") are too short to tell from ordinary text.
  const leaked = [projectRoot, ...[...files].map(dirname)]
    .filter((path) => path.split(sep).filter(Boolean).length >= 2)
    .find((path) => text.includes(path));
  if (leaked !== undefined) {
    throw new ContractAnnotationsError(
      "bundle-failed",
      `the bundle of ${relative(projectRoot, entryFile)} would contain the absolute path ${leaked}, which would make its hash depend on where it was built`,
    );
  }
  const modules = Object.keys(result.metafile.inputs)
    .map((input) => (input.startsWith(`${namespace}:`) ? input.slice(namespace.length + 1) : input))
    .sort();
  const hostImports = [
    ...new Set(
      Object.values(result.metafile.outputs)
        .flatMap((o) => o.imports)
        .filter((i) => i.external)
        .map((i) => i.path),
    ),
  ].sort();
  return { code, hash: bundleHash(code), modules, hostImports };
}
