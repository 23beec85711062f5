// p8e env up / down / status: one party's environment (@p8e/node-env), in the foreground or detached.
import { spawn } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import {
  closeOnSignals,
  createApiRoutes,
  createLogger,
  createNodeClient,
  describeNodeEnv,
  isNodeEnvError,
  loadNodeEnvConfig,
  type NodeEnvConfig,
  readRuntimeInfo,
  startNodeEnv,
} from "@p8e/node-env";
import { type Command, InvalidArgumentError, Option } from "commander";
import { apiClient, type GlobalOptions } from "./connect.js";
import { CliError } from "./errors.js";
import { print, userCwd } from "./output.js";

/** The detached environment's process id, in its data folder. */
export const PID_FILE = "node-env.pid";
/** The detached environment's stdout and stderr, in its data folder. */
export const LOG_FILE = "node-env.log";

/** What `p8e env up` takes besides the global options. */
export interface UpOptions {
  readonly apiPort?: number;
  readonly eosPort?: number;
  readonly devnetPort?: number;
  readonly chainRpcUrl?: string;
  readonly approve?: boolean;
  readonly peer?: readonly string[];
  readonly config?: string;
  readonly detach?: boolean;
  readonly timeout: number;
}

/**
 * The P8E_* variables `p8e env up`'s flags stand for, laid over `env` (the variables still apply
 * where no flag is given). `dataDir` is the global --data-dir (or P8E_DATA_DIR).
 */
export function upVariables(
  env: Readonly<Record<string, string | undefined>>,
  options: UpOptions & { readonly dataDir?: string | undefined },
): Record<string, string | undefined> {
  const flags: Record<string, string | undefined> = {
    P8E_DATA_DIR: options.dataDir,
    P8E_API_PORT: options.apiPort?.toString(),
    P8E_EOS_PORT: options.eosPort?.toString(),
    P8E_DEVNET_PORT: options.devnetPort?.toString(),
    P8E_CHAIN_RPC_URL: options.chainRpcUrl,
    P8E_APPROVAL_POLICY: options.approve === true ? "approve" : undefined,
    P8E_PEERS: options.peer === undefined ? undefined : JSON.stringify(options.peer),
    P8E_CONFIG: options.config === undefined ? undefined : resolve(userCwd(), options.config),
  };
  const given = Object.entries(flags).filter((entry): entry is [string, string] => entry[1] !== undefined);
  return { ...env, ...Object.fromEntries(given) };
}

/** The configuration `up` would start with; a wrong setting is a usage error. */
function upConfig(variables: Readonly<Record<string, string | undefined>>): NodeEnvConfig {
  try {
    return loadNodeEnvConfig(variables, { cwd: userCwd() });
  } catch (error) {
    if (isNodeEnvError(error) && error.code === "invalid-config") {
      throw new CliError("usage", `${error.message}\n(flags: \`p8e env up --help\`)`, { cause: error });
    }
    throw error;
  }
}

/** The pid in `dataDir`'s pid file if that process still runs, else undefined. */
export function runningPid(dataDir: string): number | undefined {
  const pid = readPid(dataDir);
  return pid !== undefined && isRunning(pid) ? pid : undefined;
}

function readPid(dataDir: string): number | undefined {
  const file = join(dataDir, PID_FILE);
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, "utf8").trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/**
 * Whether `pid` runs and, where the system tells (Linux's /proc), is an environment: a pid file
 * left by a crash must not make p8e signal an unrelated process that got the number since.
 */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  const cmdline = `/proc/${pid}/cmdline`;
  if (!existsSync("/proc/self/cmdline")) return true;
  try {
    return readFileSync(cmdline, "utf8").includes("node-env");
  } catch {
    return false;
  }
}

/**
 * node-env's process entry (its `p8e-node-env` bin), found through the package as this process
 * resolves it: from the sources (the @p8e/source condition) its `src/main.ts`, else the built one.
 */
export function nodeEnvEntry(): string {
  const index = fileURLToPath(import.meta.resolve("@p8e/node-env"));
  let root = dirname(index);
  while (!existsSync(join(root, "package.json"))) {
    if (dirname(root) === root) throw new CliError("failed", `no package.json above ${index}`);
    root = dirname(root);
  }
  const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { bin: Record<string, string> };
  const bin = manifest.bin["p8e-node-env"];
  if (bin === undefined) throw new CliError("failed", `@p8e/node-env at ${root} has no p8e-node-env bin`);
  // The source condition maps dist/*.js to src/*.ts; the bin follows the same layout.
  const entry = index.endsWith(".ts") ? bin.replace(/^(\.\/)?dist\//, "src/").replace(/\.js$/, ".ts") : bin;
  return join(root, entry);
}

/** The last `lines` lines of the log written since `offset`. */
function logTail(file: string, offset: number, lines = 20): string {
  if (!existsSync(file)) return "(no log)";
  const text = readFileSync(file).subarray(offset).toString("utf8").trimEnd();
  return text === "" ? "(the log is empty)" : text.split("\n").slice(-lines).join("\n");
}

/** Adds `env up`, `env down` and `env status` to `program`. */
export function registerEnvCommands(program: Command): void {
  const globals = (command: Command) => command.optsWithGlobals() as GlobalOptions & UpOptions;
  const env = program.command("env").description("one party's environment: start it, stop it, ask it");

  env
    .command("up")
    .description(
      "start one party's environment (object store, devnet or a Provenance node, engine, API); Ctrl-C stops it, --detach runs it in the background",
    )
    .addOption(new Option("--api-port <port>", "the API's port (P8E_API_PORT, default 7070)").argParser(port))
    .addOption(new Option("--eos-port <port>", "the object store's port (P8E_EOS_PORT, default 7071)").argParser(port))
    .addOption(
      new Option("--devnet-port <port>", "the devnet's RPC port (P8E_DEVNET_PORT, default 26657)").argParser(port),
    )
    .option("--chain-rpc-url <url>", "a Provenance node's CometBFT RPC instead of the devnet (P8E_CHAIN_RPC_URL)")
    .option("--approve", "approve other parties' requests at once (P8E_APPROVAL_POLICY=approve; default: hold them)")
    .option("--peer <url...>", "other parties' environments, by their object store's URL (P8E_PEERS)")
    .option("--config <file>", "a JSON configuration file (P8E_CONFIG); variables and flags win over it")
    .option("-d, --detach", `run in the background: its output goes to <data-dir>/${LOG_FILE}`)
    .addOption(
      new Option("--timeout <seconds>", "with --detach: how long to wait for it to be ready")
        .argParser(seconds)
        .default(120),
    )
    .addHelpText(
      "after",
      [
        "",
        "Every P8E_* variable of the node-env README still applies; a flag wins over its variable.",
        "The global --data-dir is the environment's data folder (default ./.p8e).",
        "",
        "Examples:",
        "  p8e env up                                        # foreground; Ctrl-C stops it",
        "  p8e env up --detach --data-dir ./alice --api-port 7080 --eos-port 7081",
        "  p8e env down --data-dir ./alice",
      ].join("\n"),
    )
    .action(async (_options: unknown, command: Command) => {
      const options = globals(command);
      const variables = upVariables(process.env, options);
      const config = upConfig(variables);
      const pid = runningPid(config.dataDir);
      if (pid !== undefined) {
        throw new CliError(
          "failed",
          `an environment already runs on ${config.dataDir} (pid ${pid}): stop it with \`p8e env down --data-dir ${config.dataDir}\`, or give another --data-dir`,
        );
      }
      if (options.detach === true) await upDetached(options, config, variables);
      else await upForeground(options, config);
    });

  env
    .command("down")
    .description("stop the environment `p8e env up --detach` started on a data folder, and wait until it has")
    .addOption(
      new Option("--timeout <seconds>", "how long to wait for it to finish in-flight work")
        .argParser(seconds)
        .default(60),
    )
    .addHelpText("after", "\nExamples:\n  p8e env down\n  p8e env down --data-dir ./alice")
    .action(async (options: { timeout: number }, command: Command) => {
      const dataDir = resolve(userCwd(), globals(command).dataDir ?? ".p8e");
      const pidFile = join(dataDir, PID_FILE);
      const pid = readPid(dataDir);
      if (pid === undefined || !isRunning(pid)) {
        const stale = existsSync(pidFile);
        rmSync(pidFile, { force: true });
        print(globals(command), { stopped: false, dataDir }, () =>
          stale
            ? `no environment runs on ${dataDir} (removed the pid file it left)`
            : `no detached environment runs on ${dataDir} (no ${PID_FILE}); one in the foreground stops with Ctrl-C, another folder: --data-dir`,
        );
        return;
      }
      process.kill(pid, "SIGTERM");
      const until = Date.now() + options.timeout * 1000;
      while (isRunning(pid)) {
        if (Date.now() > until) {
          throw new CliError(
            "failed",
            `the environment (pid ${pid}) is still finishing after ${options.timeout} s; wait and run \`p8e env down\` again, or end it at once with \`kill -9 ${pid}\``,
          );
        }
        await delay(100);
      }
      rmSync(pidFile, { force: true });
      print(
        globals(command),
        { stopped: true, pid, dataDir },
        () => `stopped the environment on ${dataDir} (pid ${pid})`,
      );
    });

  env
    .command("status")
    .description("whether the environment is up and ready, and what it publishes")
    .addHelpText("after", "\nExample:\n  p8e env status --api http://127.0.0.1:7070")
    .action(async (_options: unknown, command: Command) => {
      const info = await apiClient(globals(command), false).getInfo({});
      // As the API answers it (public keys in hex, as every verb's JSON has them).
      print(globals(command), info, () =>
        [
          `ready      ${info.ready}`,
          `party      ${info.address}`,
          `chain      ${info.chainId} at ${info.rpcUrl}`,
          `eos        ${info.eosUrl}`,
          ...info.contracts.map((c) => `contract   ${c.name} (${c.className}) spec ${c.specHash}`),
          ...info.peers.map((p) => `peer       ${p.eosUrl} ${p.state}${p.lastError === "" ? "" : ` (${p.lastError})`}`),
        ].join("\n"),
      );
    });
}

/** Runs the environment in this process until SIGINT or SIGTERM; a second one exits at once. */
async function upForeground(options: GlobalOptions, config: NodeEnvConfig): Promise<void> {
  const env = await startNodeEnv(config, { logger: createLogger(config.logLevel), routes: createApiRoutes });
  const stopped = closeOnSignals(env, (line) => process.stderr.write(`${line}\n`), "p8e");
  const summary = {
    address: env.address,
    apiUrl: env.apiUrl,
    eosUrl: env.eosUrl,
    rpcUrl: env.rpcUrl,
    chainId: env.chainId,
    dataDir: config.dataDir,
  };
  print(options, summary, () => describeNodeEnv(env, "p8e environment ready (Ctrl-C stops it)"));
  await stopped;
  if (options.json !== true) process.stdout.write("stopped\n");
}

/**
 * Starts node-env's own process in the background (its output in the data folder's log, its pid
 * in the pid file), waits for /readyz, and reports. If it ends before, the log's tail says why.
 */
async function upDetached(
  options: GlobalOptions & UpOptions,
  config: NodeEnvConfig,
  variables: Readonly<Record<string, string | undefined>>,
): Promise<void> {
  mkdirSync(config.dataDir, { recursive: true });
  const logFile = join(config.dataDir, LOG_FILE);
  const pidFile = join(config.dataDir, PID_FILE);
  const offset = existsSync(logFile) ? statSync(logFile).size : 0;
  const log = openSync(logFile, "a");
  const child = spawn(process.execPath, [...process.execArgv, nodeEnvEntry()], {
    cwd: userCwd(),
    env: { ...variables, P8E_DATA_DIR: config.dataDir },
    detached: true,
    stdio: ["ignore", log, log],
  });
  closeSync(log);
  let exit: string | undefined;
  child.on("exit", (code, signal) => {
    exit = signal === null ? `exit code ${code}` : `signal ${signal}`;
  });
  const spawned = await new Promise<Error | undefined>((done) => {
    child.once("spawn", () => done(undefined));
    child.once("error", done);
  });
  if (spawned !== undefined || child.pid === undefined) {
    throw new CliError("failed", `cannot start node-env: ${spawned?.message ?? "no process id"}`, { cause: spawned });
  }
  const pid = child.pid;
  writeFileSync(pidFile, `${pid}\n`);
  const failed = (why: string) => {
    rmSync(pidFile, { force: true });
    const tail = logTail(logFile, offset);
    // node-env's last word (its own error line) leads, then the log's tail.
    const reason = /^p8e-node-env: (.*)$/m.exec(tail)?.[1];
    return new CliError(
      "failed",
      `${why}${reason === undefined ? "" : `: ${reason}`}\nthe end of ${logFile}:\n${tail}`,
    );
  };

  // The environment names its API (on whatever port it got) in the data folder once it is ready.
  const until = Date.now() + options.timeout * 1000;
  let apiUrl: string | undefined;
  for (;;) {
    if (exit !== undefined) throw failed(`the environment ended before it was ready (${exit})`);
    if (Date.now() > until) {
      process.kill(pid, "SIGTERM");
      throw failed(`the environment was not ready within ${options.timeout} s, so it was stopped (--timeout)`);
    }
    const running = readRuntimeInfo(config.dataDir);
    if (running?.pid === pid) apiUrl = running.apiUrl;
    if (apiUrl !== undefined && (await isReady(apiUrl))) break;
    await delay(200);
  }
  child.unref();
  const info = await createNodeClient({ baseUrl: apiUrl }).getInfo({});
  const dataFlag = config.dataDir === resolve(userCwd(), ".p8e") ? "" : ` --data-dir ${config.dataDir}`;
  const summary = {
    pid,
    address: info.address,
    apiUrl,
    eosUrl: info.eosUrl,
    rpcUrl: info.rpcUrl,
    chainId: info.chainId,
    dataDir: config.dataDir,
    logFile,
    pidFile,
  };
  print(options, summary, () =>
    [
      `p8e environment ready in the background (pid ${pid})`,
      `  party    ${summary.address}`,
      `  api      ${summary.apiUrl}`,
      `  eos      ${summary.eosUrl}`,
      `  chain    ${summary.rpcUrl} (${summary.chainId})`,
      `  data     ${summary.dataDir}`,
      `  log      ${logFile}`,
      `status: p8e env status${dataFlag}`,
      `stop:   p8e env down${dataFlag}`,
    ].join("\n"),
  );
}

async function isReady(apiUrl: string): Promise<boolean> {
  try {
    const response = await fetch(`${apiUrl}/readyz`, { signal: AbortSignal.timeout(2000) });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

function port(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65535) {
    throw new InvalidArgumentError("give a port number from 0 to 65535 (0 picks a free one)");
  }
  return parsed;
}

function seconds(value: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) throw new InvalidArgumentError("give a positive number of seconds");
  return parsed;
}
