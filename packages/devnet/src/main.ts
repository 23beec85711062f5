#!/usr/bin/env node
// The `p8e-devnet` command: runs a devnet until SIGINT or SIGTERM.
import { devnetOptionsFromArgs, USAGE } from "./cli-options.js";
import { DEV_MNEMONICS, deriveAccount } from "./dev-accounts.js";
import { createDevnet } from "./devnet.js";
import { isDevnetError } from "./errors.js";

async function main(): Promise<number> {
  const { options, help } = devnetOptionsFromArgs(process.argv.slice(2), process.env);
  if (help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const devnet = createDevnet(options);
  await devnet.start();
  const mode = options.instant === true ? "instant blocks" : `a block every ${options.blockIntervalMs ?? 1000} ms`;
  const where = options.dataDir === undefined ? "in memory" : `in ${options.dataDir}`;
  process.stdout.write(`p8e-devnet: chain ${devnet.chainId} at height ${devnet.height}, ${mode}, ledger ${where}\n`);
  process.stdout.write(`p8e-devnet: CometBFT RPC at ${devnet.url}\n`);
  if (options.genesis === undefined) {
    const prefix = options.bech32Prefix ?? "tp";
    for (const [name, mnemonic] of Object.entries(DEV_MNEMONICS)) {
      process.stdout.write(
        `p8e-devnet: dev account ${name} ${deriveAccount(mnemonic, { prefix }).address} (DEV_MNEMONICS.${name}; development only)\n`,
      );
    }
  }
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  await devnet.stop();
  process.stdout.write("p8e-devnet: stopped\n");
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`p8e-devnet: ${isDevnetError(error) || error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
