// Test helpers: p8e spawned as a user runs it, and a contract package linked to the workspace's packages.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, realpathSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createApiRoutes, createLogger, loadNodeEnvConfig, type NodeEnv, startNodeEnv } from "@p8e/node-env";

export const cliDir = fileURLToPath(new URL("..", import.meta.url));
const workspace = join(cliDir, "..", "..");
/** tsx's loader by URL, so that p8e runs from its sources in any working folder. */
const tsxLoader = pathToFileURL(join(cliDir, "node_modules", "tsx", "dist", "loader.mjs")).href;

export interface Run {
  readonly code: number | null;
  readonly out: string;
  readonly err: string;
}

/** Runs `command args` (a spawned process) in `cwd`, collecting its output. */
export function run(command: string, args: readonly string[], cwd: string, env: Record<string, string> = {}) {
  const child = spawn(command, args, { cwd, env: { ...process.env, ...env } });
  let out = "";
  let err = "";
  child.stdout.on("data", (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    err += chunk.toString();
  });
  return new Promise<Run>((resolve) => child.on("close", (code) => resolve({ code, out, err })));
}

/** The command line and variables that run p8e as the repository runs it (from its sources), in `cwd`. */
function p8eCommand(args: readonly string[], cwd: string, env: Record<string, string>) {
  return {
    args: ["--conditions", "@p8e/source", "--import", tsxLoader, join(cliDir, "src", "main.ts"), ...args],
    // tsx compiles the sources with the CLI's tsconfig (legacy decorators) from any working folder.
    // INIT_CWD: the folder relative paths are the user's in (pnpm sets it for scripts, and the
    // pnpm that runs the tests would pass on its own).
    env: { TSX_TSCONFIG_PATH: join(cliDir, "tsconfig.json"), INIT_CWD: cwd, ...env },
  };
}

/** p8e as the repository runs it (from its sources), in `cwd`. */
export function p8e(args: readonly string[], cwd: string, env: Record<string, string> = {}): Promise<Run> {
  const command = p8eCommand(args, cwd, env);
  return run(process.execPath, command.args, cwd, command.env);
}

/** p8e started in `cwd`, for a test that talks to it while it runs (a foreground `env up`). */
export function startP8e(args: readonly string[], cwd: string, env: Record<string, string> = {}): ChildProcess {
  const command = p8eCommand(args, cwd, env);
  return spawn(process.execPath, command.args, { cwd, env: { ...process.env, ...command.env } });
}

/**
 * Links what `npm install` would put into a contract package made by `p8e init` to the
 * workspace's packages (tests run offline, against the sources they test).
 */
export function linkWorkspacePackages(dir: string): void {
  const links: Record<string, string> = {
    "@p8e/contract-annotations": join(workspace, "packages", "contract-annotations"),
    "@p8e/engine": join(workspace, "packages", "engine"),
    "@p8e/devnet": join(workspace, "packages", "devnet"),
    "@p8e/eos-server": join(workspace, "packages", "eos-server"),
    "@bufbuild/protobuf": realpathSync(join(workspace, "packages", "engine", "node_modules", "@bufbuild", "protobuf")),
    vitest: realpathSync(join(workspace, "node_modules", "vitest")),
    // The engine's sandbox worker loads its sources through tsx when run from them.
    tsx: realpathSync(join(cliDir, "node_modules", "tsx")),
  };
  for (const [name, target] of Object.entries(links)) {
    const link = join(dir, "node_modules", name);
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(target, link, "dir");
  }
}

/** A port free on 127.0.0.1 right now (for a process that starts listening on it soon). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Starts `npm start`'s environment in this process, on free ports, with its data in `dataDir`. */
export function startEnvironment(dataDir: string): Promise<NodeEnv> {
  const config = loadNodeEnvConfig({
    P8E_DATA_DIR: dataDir,
    P8E_API_PORT: "0",
    P8E_EOS_PORT: "0",
    P8E_DEVNET_PORT: "0",
  });
  return startNodeEnv(config, { logger: createLogger("silent"), routes: createApiRoutes });
}

/**
 * Runs a package's own tests (made by `p8e init`, linked by `linkWorkspacePackages`) with vitest,
 * on the workspace packages' sources (the @p8e/source condition) as the workspace's tests run.
 */
export function runPackageTests(pkg: string): Promise<Run> {
  const config = join(pkg, "..", "vitest.source.config.mjs");
  const conditions = '{ conditions: ["@p8e/source"] }';
  writeFileSync(config, `export default { resolve: ${conditions}, ssr: { resolve: ${conditions} } };\n`);
  return run(
    process.execPath,
    [join(pkg, "node_modules", "vitest", "vitest.mjs"), "run", "--config", config, "--root", pkg],
    pkg,
  );
}
