// p8e eos put / get / stat and p8e mailbox ls: the party's encrypted object store, with its keys.
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { createEosClient, type EosClient, isEosError } from "@p8e/eos-client";
import { type Command, Option } from "commander";
import { apiClient, type GlobalOptions, partyKeys } from "./connect.js";
import { CliError } from "./errors.js";
import { print, userCwd } from "./output.js";

interface EosOptions extends GlobalOptions {
  readonly eos?: string;
}

const hex = (bytes: Uint8Array | undefined) => (bytes === undefined ? "" : Buffer.from(bytes).toString("hex"));

/** The store's URL: --eos, P8E_EOS_URL, or the one the running environment reports. */
async function eosUrl(options: EosOptions): Promise<string> {
  if (options.eos !== undefined) return options.eos;
  const info = await apiClient(options, false).getInfo({});
  return info.eosUrl;
}

/** Runs `use` with a client of the party's store, closing it after; store errors say what to do. */
async function withEos<T>(command: Command, use: (eos: EosClient, options: EosOptions) => Promise<T>): Promise<T> {
  const options = command.optsWithGlobals() as EosOptions;
  const keys = partyKeys(options);
  const baseUrl = await eosUrl(options);
  const eos = createEosClient({ baseUrl, keys: { encryption: keys.encryption, signing: keys.signing }, retries: 1 });
  try {
    return await use(eos, options);
  } catch (error) {
    if (isEosError(error) && error.code === "unavailable") {
      throw new CliError(
        "failed",
        `the object store at ${baseUrl} is unreachable: is the environment running? (or give --eos URL)`,
        {
          cause: error,
        },
      );
    }
    if (isEosError(error) && error.code === "invalid-argument") {
      throw new CliError("usage", `${error.message} (give the hash \`p8e eos put\` printed, base64)`, { cause: error });
    }
    if (isEosError(error) && error.code === "not-found") {
      throw new CliError("failed", `${error.message} (is the hash right, and readable by this party's key?)`, {
        cause: error,
      });
    }
    throw error;
  } finally {
    eos.close();
  }
}

/** Adds `eos put|get|stat` and `mailbox ls`. */
export function registerEosCommands(program: Command): void {
  const eosOption = () => new Option("--eos <url>", "the object store (default: the environment's)").env("P8E_EOS_URL");
  const eos = program.command("eos").description("objects in the party's encrypted object store");
  eos
    .command("put")
    .description("encrypt, sign and store a file; prints its hash")
    .argument("<file>", "the file to store ('-' for stdin)")
    .addOption(eosOption())
    .addHelpText("after", "\nExample:\n  p8e eos put report.pdf")
    .action(async (file: string, _options: unknown, command: Command) => {
      const bytes = readFileSync(file === "-" ? 0 : resolve(userCwd(), file));
      const result = await withEos(command, (client) => client.put(bytes));
      print(command.optsWithGlobals(), result, () =>
        [
          `hash       ${result.hashBase64}`,
          `uri        ${result.uri}`,
          `size       ${result.contentLength} bytes`,
        ].join("\n"),
      );
    });
  eos
    .command("get")
    .description("fetch, decrypt and verify an object (hash and signature)")
    .argument("<hash>", "its hash (base64) or object:// URI")
    .option("-o, --out <file>", "write it here instead of stdout")
    .addOption(eosOption())
    .addHelpText("after", "\nExample:\n  p8e eos get 47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU= --out copy.pdf")
    .action(async (hash: string, options: { out?: string }, command: Command) => {
      const bytes = await withEos(command, (client) => client.get(hash));
      if (options.out !== undefined) writeFileSync(resolve(userCwd(), options.out), bytes);
      else process.stdout.write(bytes);
    });
  eos
    .command("stat")
    .description("describe an object this party can read")
    .argument("<hash>", "its hash (base64) or object:// URI")
    .addOption(eosOption())
    .addHelpText("after", "\nExample:\n  p8e eos stat 47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU= --json")
    .action(async (hash: string, _options: unknown, command: Command) => {
      const info = await withEos(command, (client) => client.stat(hash));
      if (info === undefined) {
        throw new CliError("failed", `no object ${hash} readable by this party (check the hash, and the key: --key)`);
      }
      print(command.optsWithGlobals(), info, () =>
        [
          `hash       ${Buffer.from(info.hash).toString("base64")}`,
          `uuid       ${info.uuid}`,
          `size       ${info.contentLength} bytes (${info.dimeLength} encrypted)`,
          `created    ${info.created?.toISOString() ?? ""}`,
          `owner      ${hex(info.owner)}`,
          ...info.audience.map((a) => `audience   ${hex(a)}`),
          ...(info.mailType === undefined ? [] : [`mail       ${info.mailType}`]),
        ].join("\n"),
      );
    });

  const mailbox = program.command("mailbox").description("the party's mailbox in its object store");
  mailbox
    .command("ls")
    .description("list unacknowledged mail (left in place), or dead mail with --dead")
    .option("--dead", "mail set aside as dead, with the reason")
    .option("--max <n>", "at most this many", "50")
    .addOption(eosOption())
    .addHelpText("after", "\nExample:\n  p8e mailbox ls --dead")
    .action(async (options: { dead?: boolean; max: string }, command: Command) => {
      const max = Number(options.max);
      if (!Number.isInteger(max) || max < 1)
        throw new CliError("usage", `--max ${options.max}: give a whole number ≥ 1`);
      const items = await withEos(command, async (client) =>
        options.dead === true
          ? (await client.deadMail(max)).map((m) => ({
              uuid: m.uuid,
              type: m.type,
              hash: Buffer.from(m.hash).toString("base64"),
              reason: m.reason,
              at: m.deadAt?.toISOString() ?? "",
            }))
          : (await client.fetchMail(max)).map((m) => ({
              uuid: m.uuid,
              type: m.type,
              hash: Buffer.from(m.hash).toString("base64"),
              sender: hex(m.sender),
              bytes: m.plaintext.length,
              deliveries: m.deliveries ?? 0,
            })),
      );
      print(command.optsWithGlobals(), items, () =>
        items.length === 0
          ? `no ${options.dead === true ? "dead " : ""}mail`
          : items
              .map((m) => `${m.uuid}  ${m.type.padEnd(17)} ${m.hash}  ${"reason" in m ? m.reason : `${m.bytes} bytes`}`)
              .join("\n"),
      );
    });
}
