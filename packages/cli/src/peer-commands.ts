// `p8e peer add|ls`: the other parties' environments this one deals with, found by their object
// store's URL through the party cards the stores list.
import type { Peer } from "@p8e/spec-model/api";
import { type Command, InvalidArgumentError } from "commander";
import { apiClient, type GlobalOptions } from "./connect.js";
import { CliError } from "./errors.js";
import { print } from "./output.js";

/** Adds `peer` and its verbs to `program`. */
export function registerPeerCommands(program: Command): void {
  const globals = (command: Command) => command.optsWithGlobals() as GlobalOptions;
  const peer = program
    .command("peer")
    .description("other parties' environments, found by their object store's URL: add, ls");

  peer
    .command("add")
    .description(
      "look up another party's environment by its object store's URL, and keep looking for it across restarts",
    )
    .argument("<eos-url>", "the other environment's object store, e.g. http://127.0.0.1:7081")
    .option("--wait <seconds>", "how long to wait for it to be found (default 10)", waitSeconds)
    .addHelpText("after", "\nExample:\n  p8e peer add http://127.0.0.1:7081")
    .action(async (eosUrl: string, options: { wait?: number }, command: Command) => {
      const { peer: found } = await apiClient(globals(command)).addPeer({
        eosUrl,
        waitMs: (options.wait ?? 10) * 1000,
      });
      print(globals(command), found, () => describePeer(found!));
      if (found?.state !== "found") {
        throw new CliError(
          "failed",
          `added, but not found within ${options.wait ?? 10} s (${found?.lastError || "no answer"}); the environment keeps looking: \`p8e peer ls\``,
        );
      }
    });

  peer
    .command("ls")
    .description("the peers this environment knows, and the parties found at each")
    .addHelpText("after", "\nExamples:\n  p8e peer ls\n  p8e peer ls --json")
    .action(async (_options: unknown, command: Command) => {
      const { peers } = await apiClient(globals(command), false).getInfo({});
      print(globals(command), peers, () =>
        peers.length === 0
          ? "no peers; add one with `p8e peer add URL` (another environment's object store)"
          : peers.map(describePeer).join("\n"),
      );
    });
}

/** One peer: its URL and state, then each party found at it. */
export function describePeer(peer: Peer): string {
  return [
    `peer       ${peer.eosUrl}  ${peer.state}${peer.state === "found" || peer.lastError === "" ? "" : ` (${peer.lastError})`}`,
    ...peer.parties.map((party) => `  party    ${party.address}`),
  ].join("\n");
}

function waitSeconds(value: string): number {
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds < 1 || seconds > 60) {
    throw new InvalidArgumentError("give seconds from 1 to 60");
  }
  return seconds;
}
