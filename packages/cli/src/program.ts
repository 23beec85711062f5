// The p8e command tree (commander).

import { ConnectError } from "@connectrpc/connect";
import { createKeystore, isNodeEnvError } from "@p8e/node-env";
import { Command, Option } from "commander";
import { ADDRESS_KINDS, addressInfo } from "./address.js";
import { apiClient, type GlobalOptions, keystoreDir, passphrase } from "./connect.js";
import { registerContractCommands } from "./contract-commands.js";
import { registerEnvCommands } from "./env-commands.js";
import { registerEnvelopeCommands } from "./envelope-commands.js";
import { registerEosCommands } from "./eos-commands.js";
import { CliError } from "./errors.js";
import { registerInitCommand } from "./init-command.js";
import { print } from "./output.js";
import { registerPeerCommands } from "./peer-commands.js";

/** Builds the program; `write` receives stdout text (tests capture it). */
export function createProgram(): Command {
  const program = new Command("p8e")
    .description("P8e contracts, keys, scopes and environments")
    .addOption(
      new Option(
        "--api <url>",
        "the environment's API (default: the one running on the data folder, else http://127.0.0.1:7070)",
      ).env("P8E_API_URL"),
    )
    .option("--json", "print JSON for scripts")
    .addOption(new Option("--data-dir <dir>", "the environment's data folder (its node key)").env("P8E_DATA_DIR"))
    .addOption(new Option("--key <name>", "use this keystore key instead of the environment's node key"))
    .addOption(new Option("--keystore <dir>", "keystore folder (default ~/.p8e/keys)").env("P8E_KEYSTORE"))
    .showHelpAfterError("(add --help for usage)")
    .addHelpText("after", "\nExample:\n  p8e env status\n  p8e scope show scope1qz…");
  const globals = (command: Command) => command.optsWithGlobals() as GlobalOptions;

  program
    .command("address")
    .description("convert between UUIDs and metadata addresses (all six kinds)")
    .argument("<value>", "a bech32 address, or a UUID")
    .argument("[second]", "with a UUID: the session UUID (session) or record name (record, recspec)")
    .addOption(new Option("-k, --kind <kind>", "what to build from a UUID").choices(ADDRESS_KINDS).default("scope"))
    .addHelpText(
      "after",
      "\nExamples:\n  p8e address 1e6280b6-3544-40d2-b862-ddd2525620d3 --kind scopespec\n  p8e address scope1qz…",
    )
    .action((value: string, second: string | undefined, options: { kind: string }, command: Command) => {
      const info = addressInfo(value, options.kind, second);
      print(globals(command), info, () =>
        [`${info.kind.padEnd(12)} ${info.address}`, `uuid         ${info.uuid}`]
          .concat(info.secondary === undefined ? [] : [`secondary    ${info.secondary}`])
          .concat([`hex          ${info.hex}`])
          .join("\n"),
      );
    });

  const keys = program.command("keys").description("an encrypted keystore (P8E_PASSPHRASE seals and opens it)");
  keys
    .command("create")
    .description("create a key from a new mnemonic")
    .argument("<name>")
    .addOption(new Option("--network <network>").choices(["testnet", "mainnet"]).default("testnet"))
    .addHelpText("after", "\nExample:\n  P8E_PASSPHRASE=… p8e keys create alice")
    .action((name: string, options: { network: "testnet" | "mainnet" }, command: Command) => {
      const info = createKeystore(keystoreDir(globals(command))).create(name, passphrase(false), {
        network: options.network,
      });
      print(globals(command), info, () => `created ${info.name}: ${info.address}`);
    });
  keys
    .command("import")
    .description("import a mnemonic from P8E_MNEMONIC")
    .argument("<name>")
    .addOption(new Option("--network <network>").choices(["testnet", "mainnet"]).default("testnet"))
    .addHelpText("after", "\nExample:\n  P8E_MNEMONIC='…24 words…' P8E_PASSPHRASE=… p8e keys import alice")
    .action((name: string, options: { network: "testnet" | "mainnet" }, command: Command) => {
      const mnemonic = process.env.P8E_MNEMONIC;
      if (mnemonic === undefined || mnemonic.trim() === "") {
        throw new CliError(
          "usage",
          "set P8E_MNEMONIC to the mnemonic to import (it is not taken as an argument, which shells keep in history)",
        );
      }
      const info = createKeystore(keystoreDir(globals(command))).create(name, passphrase(false), {
        mnemonic: mnemonic.trim().split(/\s+/).join(" "),
        network: options.network,
      });
      print(globals(command), info, () => `imported ${info.name}: ${info.address}`);
    });
  keys
    .command("list")
    .description("list the keystore's keys")
    .addHelpText("after", "\nExample:\n  p8e keys list --json")
    .action((_options: unknown, command: Command) => {
      const list = createKeystore(keystoreDir(globals(command))).list();
      print(globals(command), list, () =>
        list.length === 0
          ? `no keys in ${keystoreDir(globals(command))}; create one with \`p8e keys create NAME\``
          : list.map((k) => `${k.name.padEnd(16)} ${k.address}  ${k.network}`).join("\n"),
      );
    });
  keys
    .command("show")
    .description("show a key's address and public keys (never its secret)")
    .argument("<name>")
    .addHelpText("after", "\nExample:\n  p8e keys show alice")
    .action((name: string, _options: unknown, command: Command) => {
      const info = createKeystore(keystoreDir(globals(command))).info(name);
      print(globals(command), info, () =>
        [
          `name        ${info.name}`,
          `address     ${info.address}`,
          `network     ${info.network}`,
          `signing     ${info.signingPublicKey}`,
          `encryption  ${info.encryptionPublicKey}`,
          `created     ${info.createdAt}`,
        ].join("\n"),
      );
    });

  registerEnvCommands(program);
  registerPeerCommands(program);

  const contract = program.command("contract").description("contracts");
  contract
    .command("exec")
    .description("execute a contract published in the environment, and memorialize it")
    .argument("<contract>", "its name (hello-world), class name, or spec hash (base64)")
    .option("--scope-spec <uuid>", "a new scope of this scope specification")
    .option("--scope <address>", "an existing scope")
    .option("--input <name=json...>", 'a proposed input as protobuf JSON, e.g. name=\'{"firstName":"Ada"}\'')
    .option(
      "--party <role=address...>",
      "another party in a role, by its address (a peer found: `p8e peer ls`); roles not named are yours",
    )
    .addHelpText(
      "after",
      `\nExamples:\n  p8e contract exec hello-world --scope-spec 1e6280b6-3544-40d2-b862-ddd2525620d3 --input 'name={"firstName":"Ada","lastName":"Lovelace"}'\n  p8e contract exec onboarding --scope-spec e6d091d6-4df0-449a-95c1-e35ce30a4509 --input 'application={"loanId":"l-1","borrowerName":"Ada","amountMinor":"5000","currency":"usd"}' --party SERVICER=tp1…`,
    )
    .action(
      async (
        which: string,
        options: { scopeSpec?: string; scope?: string; input?: string[]; party?: string[] },
        command: Command,
      ) => {
        if ((options.scopeSpec === undefined) === (options.scope === undefined)) {
          throw new CliError(
            "usage",
            "give exactly one of --scope-spec UUID (a new scope) or --scope ADDRESS (an existing one)",
          );
        }
        const inputs = Object.fromEntries(
          (options.input ?? []).map((pair) => {
            const at = pair.indexOf("=");
            if (at < 1) throw new CliError("usage", `--input ${pair}: write it as name=JSON`);
            return [pair.slice(0, at), { value: { case: "json" as const, value: pair.slice(at + 1) } }];
          }),
        );
        const participants = (options.party ?? []).map((pair) => {
          const at = pair.indexOf("=");
          if (at < 1) throw new CliError("usage", `--party ${pair}: write it as ROLE=ADDRESS, e.g. SERVICER=tp1…`);
          return { role: pair.slice(0, at), address: pair.slice(at + 1) };
        });
        const isHash = /^[A-Za-z0-9+/]{22}==$/.test(which);
        const result = await apiClient(globals(command)).execute({
          contract: isHash ? { case: "specHash", value: which } : { case: "name", value: which },
          scopeSpecUuid: options.scopeSpec ?? "",
          scope: options.scope ?? "",
          inputs,
          participants,
        });
        print(globals(command), result, () =>
          [
            `status     ${result.status}${result.chainStatus === "" ? "" : ` (${result.chainStatus})`}`,
            ...(result.status === "needs-signatures"
              ? [
                  `execution  ${result.executionUuid}`,
                  `waiting    for ${result.missing.join(", ")}: \`p8e envelope watch ${result.executionUuid}\``,
                ]
              : []),
            ...(result.scope === "" ? [] : [`scope      ${result.scope}`, `session    ${result.session}`]),
            ...result.outcomes.map(
              (o) => `function   ${o.function}: ${o.result}${o.reason === "" ? "" : ` (${o.reason})`}`,
            ),
            ...(result.error === "" ? [] : [`error      ${result.error}`]),
          ].join("\n"),
        );
        if (result.status === "failed" || result.chainStatus === "failed") process.exitCode = 1;
      },
    );

  const scope = program.command("scope").description("scopes on chain and their records");
  scope
    .command("show")
    .description("a scope's current records")
    .argument("<scope>", "scope1… or the scope's UUID")
    .addHelpText("after", "\nExample:\n  p8e scope show scope1qz…")
    .action(async (address: string, _options: unknown, command: Command) => {
      const view = await apiClient(globals(command)).getScope({ scope: address });
      print(globals(command), view, () =>
        [
          `scope      ${view.scope} (${view.scopeUuid})`,
          `spec       ${view.scopeSpec}`,
          ...view.owners.map((o) => `owner      ${o}`),
          ...view.records.map(
            (r) => `record     ${r.name} (${r.typeName}) = ${r.json === "" ? `<${r.binary.length} bytes>` : r.json}`,
          ),
        ].join("\n"),
      );
    });
  scope
    .command("history")
    .description("every version of a scope's records")
    .argument("<scope>")
    .option("--record <name>", "only this record")
    .addHelpText("after", "\nExample:\n  p8e scope history scope1qz… --record name")
    .action(async (address: string, options: { record?: string }, command: Command) => {
      const { versions } = await apiClient(globals(command)).getHistory({
        scope: address,
        recordName: options.record ?? "",
      });
      print(globals(command), versions, () =>
        versions
          .map((v) => `${String(v.height).padStart(6)}  ${v.name}  by ${v.function}  ${v.hash}  tx ${v.txHash}`)
          .join("\n"),
      );
    });
  scope
    .command("verify")
    .description("re-execute every session and compare with the chain")
    .argument("<scope>")
    .addHelpText("after", "\nExample:\n  p8e scope verify scope1qz…")
    .action(async (address: string, _options: unknown, command: Command) => {
      const report = await apiClient(globals(command)).verifyScope({ scope: address });
      print(globals(command), report, () =>
        [
          `${report.verified ? "verified" : "NOT verified"}: ${report.scope}`,
          ...report.sessions.map((s) => `session    ${s.session} ${s.status}${s.reason === "" ? "" : `: ${s.reason}`}`),
        ].join("\n"),
      );
      if (!report.verified) process.exitCode = 1;
    });
  registerInitCommand(program);
  registerContractCommands(contract);
  registerEosCommands(program);
  registerEnvelopeCommands(program);
  return program;
}

/** A message for an error a command ended with, saying what to do next. */
export function describeError(error: unknown): string {
  if (error instanceof ConnectError) {
    const hint =
      error.message.includes("fetch failed") || error.code === 14
        ? " (is the environment running? `npm start`, or give --api)"
        : "";
    return `${error.rawMessage}${hint}`;
  }
  if (isNodeEnvError(error) || error instanceof CliError) return error.message;
  return (error as Error).message;
}
