#!/usr/bin/env node
// p8e-node-env: boots one party's environment and runs until SIGINT/SIGTERM.
import { parseArgs } from "node:util";
import { createApiRoutes } from "./api/service.js";
import { CONFIG_FILE_VARIABLE, CONFIG_VARIABLES, loadNodeEnvConfig } from "./config.js";
import { isNodeEnvError } from "./errors.js";
import { closeOnSignals, describeNodeEnv } from "./foreground.js";
import { describeHelloWorld, runHelloWorld } from "./hello-world.js";
import { createLogger } from "./logger.js";
import { startNodeEnv } from "./node-env.js";

const usage = `Usage: p8e-node-env [--config FILE] [--hello-world]

Boots one party's P8e environment: object store, devnet (or a Provenance node), memorializer,
engine and the application API with /healthz, /readyz and /metrics on one port.

Options:
  --config FILE    a JSON file with the settings below (also ${CONFIG_FILE_VARIABLE}); variables win over it
  --hello-world    run the hello-world contract once started and print its scope
  --help           print this and exit

Settings (file key, environment variable):
${Object.entries(CONFIG_VARIABLES)
  .map(([key, { env, help }]) => `  ${key.padEnd(22)} ${env.padEnd(30)} ${help}`)
  .join("\n")}

Example: P8E_DATA_DIR=./party-a P8E_API_PORT=7070 p8e-node-env --hello-world
`;

async function main(): Promise<number> {
  let args: ReturnType<typeof parseArgs<{ options: typeof options }>>;
  const options = {
    config: { type: "string" },
    "hello-world": { type: "boolean" },
    help: { type: "boolean" },
  } as const;
  try {
    const argv = process.argv.slice(2);
    args = parseArgs({ args: argv[0] === "--" ? argv.slice(1) : argv, options, strict: true });
  } catch (error) {
    console.error(`p8e-node-env: ${(error as Error).message}\n\n${usage}`);
    return 2;
  }
  if (args.values.help === true) {
    process.stdout.write(usage);
    return 0;
  }
  let config: ReturnType<typeof loadNodeEnvConfig>;
  try {
    config = loadNodeEnvConfig(process.env, args.values.config === undefined ? {} : { file: args.values.config });
  } catch (error) {
    console.error(`p8e-node-env: ${(error as Error).message}`);
    return 2;
  }
  const logger = createLogger(config.logLevel);
  const env = await startNodeEnv(config, { logger, routes: createApiRoutes });
  const stopped = closeOnSignals(env, (line) => console.log(line));
  console.log(describeNodeEnv(env));
  if (args.values["hello-world"] === true) {
    const run = await runHelloWorld(env);
    console.log(describeHelloWorld(run, env));
  }
  await stopped;
  console.log("stopped");
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`p8e-node-env: ${isNodeEnvError(error) ? error.message : (error as Error).stack}`);
    process.exitCode = 1;
  },
);
