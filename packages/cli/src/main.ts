#!/usr/bin/env node
// The p8e command. Exit codes: 0 ok, 1 failure, 2 usage.
import { type Command, CommanderError } from "commander";
import { CliError } from "./errors.js";
import { createProgram, describeError } from "./program.js";

const program = createProgram();
const throwInstead = (command: Command): void => {
  command.exitOverride();
  for (const sub of command.commands) throwInstead(sub);
};
throwInstead(program);

try {
  const argv = process.argv.slice(2);
  await program.parseAsync(argv[0] === "--" ? argv.slice(1) : argv, { from: "user" });
} catch (error) {
  if (error instanceof CommanderError) {
    // Help and version end with code 0; every other commander error is a usage error.
    process.exitCode = error.exitCode === 0 ? 0 : 2;
  } else {
    console.error(`p8e: ${describeError(error)}`);
    process.exitCode = error instanceof CliError ? error.exitCode : 1;
  }
}
