// p8e eos put / get / stat and p8e mailbox ls: the party's encrypted object store, with its keys.
import { createReadStream, createWriteStream, renameSync, rmSync, statSync } from "node:fs";
import { basename, resolve } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createEosClient, type EosClient, isEosError, type PutResult } from "@p8e/eos-client";
import { type Command, Option } from "commander";
import { apiClient, type GlobalOptions, partyKeys } from "./connect.js";
import { CliError } from "./errors.js";
import { print, userCwd } from "./output.js";
import { showsProgress, transferProgress } from "./progress.js";

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

/** A file's size, or a failure that says what is wrong with the path. */
function fileSize(path: string, given: string): number {
  let stats: ReturnType<typeof statSync>;
  try {
    stats = statSync(path);
  } catch (error) {
    throw new CliError("failed", `cannot read ${given}: ${(error as Error).message} (give a file, or - for stdin)`, {
      cause: error,
    });
  }
  if (!stats.isFile()) throw new CliError("usage", `${given} is not a file (give a file, or - for stdin)`);
  return stats.size;
}

/**
 * Streams an object into `target` through a partial file beside it, renamed only once the
 * object's hash and signature verified, so that `target` never holds unverified bytes.
 */
async function getToFile(
  client: EosClient,
  hash: string,
  target: string,
  onProgress: (bytes: number) => void,
): Promise<void> {
  const partial = `${target}.partial`;
  try {
    const stream = await client.getStream(hash, { onProgress });
    // Observed now: it may reject while the plaintext is still being written.
    const verified = stream.verified.then(
      () => undefined,
      (error: unknown) => error,
    );
    await pipeline(Readable.from(stream.plaintext), createWriteStream(partial));
    const failure = await verified;
    if (failure !== undefined) throw failure;
    renameSync(partial, target);
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  }
}

/** A Put's answer for --json: the hash once (base64), sizes, and `createdAt`. */
function putJson(result: PutResult) {
  return {
    hash: result.hashBase64,
    uuid: result.uuid,
    dimeUuid: result.dimeUuid,
    uri: result.uri,
    contentLength: result.contentLength,
    dimeLength: result.dimeLength,
    createdAt: result.created?.toISOString() ?? "",
  };
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
      const options = command.optsWithGlobals() as EosOptions;
      const path = file === "-" ? undefined : resolve(userCwd(), file);
      const total = path === undefined ? undefined : fileSize(path, file);
      // Streamed from the file (or stdin): memory stays bounded whatever the size.
      const result = await withEos(command, async (client) => {
        const progress = transferProgress(`put ${file === "-" ? "stdin" : basename(file)}`, total, options);
        try {
          return await client.put(path === undefined ? process.stdin : createReadStream(path), {
            ...(total === undefined ? {} : { contentLength: total }),
            onProgress: (bytes) => progress.update(bytes),
          });
        } finally {
          progress.stop();
        }
      });
      print(options, putJson(result), () =>
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
    .action(async (hash: string, { out }: { out?: string }, command: Command) => {
      const options = command.optsWithGlobals() as EosOptions;
      const bytes = await withEos(command, async (client) => {
        // The total only for a bar: asking for it costs a call.
        const total = showsProgress(options, process.stderr) ? (await client.stat(hash))?.contentLength : undefined;
        const progress = transferProgress(`get ${out === undefined ? "" : basename(out)}`.trim(), total, options);
        const onProgress = (done: number) => progress.update(done);
        try {
          if (out === undefined) return await client.get(hash, { onProgress });
          await getToFile(client, hash, resolve(userCwd(), out), onProgress);
          return undefined;
        } finally {
          progress.stop();
        }
      });
      // Whole and verified before any of it reaches stdout: a pipe cannot take bytes back.
      if (bytes !== undefined) process.stdout.write(bytes);
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
      // Public keys in hex, as `p8e keys show` and P8E_PEERS have them.
      const stat = {
        hash: Buffer.from(info.hash).toString("base64"),
        uuid: info.uuid,
        dimeUuid: info.dimeUuid,
        contentLength: info.contentLength,
        dimeLength: info.dimeLength,
        createdAt: info.created?.toISOString() ?? "",
        owner: hex(info.owner),
        audience: info.audience.map(hex),
        ...(info.mailType === undefined ? {} : { mailType: info.mailType }),
      };
      print(command.optsWithGlobals(), stat, () =>
        [
          `hash       ${stat.hash}`,
          `uuid       ${stat.uuid}`,
          `size       ${stat.contentLength} bytes (${stat.dimeLength} encrypted)`,
          `created    ${stat.createdAt}`,
          `owner      ${stat.owner}`,
          ...stat.audience.map((a) => `audience   ${a}`),
          ...(stat.mailType === undefined ? [] : [`mail       ${stat.mailType}`]),
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
              deadAt: m.deadAt?.toISOString() ?? "",
            }))
          : (await client.fetchMail(max)).map((m) => ({
              uuid: m.uuid,
              type: m.type,
              hash: Buffer.from(m.hash).toString("base64"),
              sender: hex(m.sender),
              contentLength: m.plaintext.length,
              deliveries: m.deliveries ?? 0,
            })),
      );
      print(command.optsWithGlobals(), items, () =>
        items.length === 0
          ? `no ${options.dead === true ? "dead " : ""}mail`
          : items
              .map(
                (m) =>
                  `${m.uuid}  ${m.type.padEnd(17)} ${m.hash}  ${"reason" in m ? m.reason : `${m.contentLength} bytes`}`,
              )
              .join("\n"),
      );
    });
}
