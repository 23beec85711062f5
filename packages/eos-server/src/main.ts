#!/usr/bin/env node
// Runs one object store from EOS_* environment variables and --flags; stops cleanly on SIGINT/SIGTERM.
import { eosServerUsage, loadEosServerConfig, serverOptionsFromConfig } from "./config.js";
import { startEosServer } from "./eos-server.js";
import { isEosServerError } from "./errors.js";

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes("--help") || args.includes("-h")) {
    process.stdout.write(eosServerUsage());
    return;
  }
  const config = loadEosServerConfig(process.env, args);
  const server = await startEosServer(serverOptionsFromConfig(config));
  // The line a supervisor (or a test) waits for.
  process.stdout.write(`${JSON.stringify({ event: "listening", url: server.url, port: server.port })}\n`);
  const stop = () => {
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((error: unknown) => {
  console.error(isEosServerError(error) ? error.message : error);
  process.exit(1);
});
