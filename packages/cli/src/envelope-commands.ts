// `p8e envelope ls|show|approve|reject|cancel|watch`: the envelopes of multi-party executions, through
// the environment's API.
import { envelopeStatuses } from "@p8e/node-env";
import type { EnvelopeState } from "@p8e/spec-model/api";
import { type Command, InvalidArgumentError, Option } from "commander";
import { apiClient, type GlobalOptions } from "./connect.js";
import { CliError } from "./errors.js";
import { print, toJson } from "./output.js";

const STATUSES = envelopeStatuses;

/** Adds `envelope` and its verbs to `program`. */
export function registerEnvelopeCommands(program: Command): void {
  const globals = (command: Command) => command.optsWithGlobals() as GlobalOptions;
  const envelope = program
    .command("envelope")
    .description("envelopes of multi-party executions: list, show, approve, reject, cancel, watch");

  envelope
    .command("ls")
    .description("list envelopes, newest first")
    .addOption(
      new Option("--status <status...>", `only these statuses (${STATUSES.join(", ")})`).argParser(collectStatus),
    )
    .option("--scope <scope>", "only this scope (scope1… or its UUID)")
    .addOption(new Option("--side <side>", "only one side of the flow").choices(["invoker", "counterparty"]))
    .addHelpText("after", "\nExamples:\n  p8e envelope ls --status INBOX\n  p8e envelope ls --side invoker --json")
    .action(async (options: { status?: string[]; scope?: string; side?: string }, command: Command) => {
      const { envelopes } = await apiClient(globals(command)).listEnvelopes({
        status: options.status ?? [],
        scope: options.scope ?? "",
        side: options.side ?? "",
      });
      print(globals(command), envelopes, () =>
        envelopes.length === 0
          ? "no envelopes; `p8e contract exec` with other parties starts one, and requests from others arrive here"
          : envelopes
              .map(
                (e) =>
                  `${e.executionUuid}  ${e.status.padEnd(9)}  ${e.side.padEnd(12)}  ${shortName(e.contract)}  ${e.scope}`,
              )
              .join("\n"),
      );
    });

  envelope
    .command("show")
    .description("one envelope's state: side, status, contract, scope, error, when it entered each status")
    .argument("<execution-uuid>", "the execution's UUID (from `p8e envelope ls`)", executionUuid)
    .addHelpText("after", "\nExample:\n  p8e envelope show 0b6e0a52-5c1d-4d36-a8b4-1f9d0f3c2e11")
    .action(async (uuid: string, _options: unknown, command: Command) => {
      const { envelope: state } = await apiClient(globals(command)).getEnvelope({ executionUuid: uuid });
      print(globals(command), state, () => describe(state!));
    });

  envelope
    .command("approve")
    .description("approve a request awaiting approval (INBOX): re-execute, sign and answer the invoker")
    .argument("<execution-uuid>", "the request's execution UUID (`p8e envelope ls --status INBOX`)", executionUuid)
    .addHelpText("after", "\nExample:\n  p8e envelope approve 0b6e0a52-5c1d-4d36-a8b4-1f9d0f3c2e11")
    .action(async (uuid: string, _options: unknown, command: Command) => {
      const { envelope: state } = await apiClient(globals(command)).approveEnvelope({ executionUuid: uuid });
      done(globals(command), state!, "approved");
    });

  envelope
    .command("reject")
    .description("reject a request, or end one's own execution; the other parties receive the message")
    .argument("<execution-uuid>", "the execution's UUID", executionUuid)
    .requiredOption("-m, --message <text>", "why (the other parties receive it)")
    .addHelpText(
      "after",
      "\nExample:\n  p8e envelope reject 0b6e0a52-5c1d-4d36-a8b4-1f9d0f3c2e11 -m 'fee above our limit'",
    )
    .action(async (uuid: string, options: { message: string }, command: Command) => {
      if (options.message.trim() === "") throw new CliError("usage", "give --message: the other parties receive it");
      const { envelope: state } = await apiClient(globals(command)).rejectEnvelope({
        executionUuid: uuid,
        message: options.message,
      });
      done(globals(command), state!, "rejected", true);
    });

  envelope
    .command("cancel")
    .description("cancel one's own execution before every party has signed")
    .argument(
      "<execution-uuid>",
      "the execution's UUID (`p8e envelope ls --side invoker --status FRAGMENT`)",
      executionUuid,
    )
    .option("-m, --message <text>", "why (the other parties receive it)")
    .addHelpText("after", "\nExample:\n  p8e envelope cancel 0b6e0a52-5c1d-4d36-a8b4-1f9d0f3c2e11 -m 'wrong loan'")
    .action(async (uuid: string, options: { message?: string }, command: Command) => {
      const { envelope: state } = await apiClient(globals(command)).cancelEnvelope({
        executionUuid: uuid,
        message: options.message ?? "",
      });
      done(globals(command), state!, "cancelled", true);
    });

  envelope
    .command("watch")
    .description(
      "print every state change as it happens; with an execution UUID, end when it is COMPLETE (exit 0) or ERROR (exit 1)",
    )
    .argument("[execution-uuid]", "only this execution", executionUuid)
    .option("--timeout <seconds>", "give up after this many seconds (exit 1)", seconds)
    .addHelpText(
      "after",
      "\nExamples:\n  p8e envelope watch\n  p8e envelope watch 0b6e0a52-5c1d-4d36-a8b4-1f9d0f3c2e11 --timeout 60 --json",
    )
    .action(async (uuid: string | undefined, options: { timeout?: number }, command: Command) => {
      const options_ = globals(command);
      const client = apiClient(options_);
      const stop = new AbortController();
      const timer =
        options.timeout === undefined ? undefined : setTimeout(() => stop.abort("timeout"), options.timeout * 1000);
      const onSignal = () => stop.abort("interrupted");
      process.once("SIGINT", onSignal);
      const line = (state: EnvelopeState) =>
        options_.json === true
          ? toJson(state)
          : `${new Date().toISOString()}  ${state.executionUuid}  ${state.status.padEnd(9)}  ${state.side}${state.errorType === "" ? "" : `  ${state.errorType}: ${state.errorMessage}`}`;
      try {
        // A watched execution may have ended already: say so rather than wait for a change that never comes.
        if (uuid !== undefined) {
          const { envelope: current } = await client.getEnvelope({ executionUuid: uuid });
          if (current !== undefined && isFinal(current)) {
            process.stdout.write(`${line(current)}\n`);
            if (current.status === "ERROR") process.exitCode = 1;
            return;
          }
        }
        for await (const { envelope: state } of client.watchEnvelopes(
          { executionUuid: uuid ?? "" },
          { signal: stop.signal, timeoutMs: 0 },
        )) {
          if (state === undefined) continue;
          process.stdout.write(`${line(state)}\n`);
          if (uuid !== undefined && isFinal(state)) {
            if (state.status === "ERROR") process.exitCode = 1;
            return;
          }
        }
      } catch (error) {
        if (stop.signal.reason === "interrupted") return;
        if (stop.signal.reason === "timeout") {
          throw new CliError(
            "failed",
            `no end within ${options.timeout} s; look again with \`p8e envelope show ${uuid ?? "UUID"}\``,
          );
        }
        throw error;
      } finally {
        // Leaving the loop does not end the response stream by itself: abort the call.
        if (!stop.signal.aborted) stop.abort("done");
        if (timer !== undefined) clearTimeout(timer);
        process.off("SIGINT", onSignal);
      }
    });
}

function isFinal(state: EnvelopeState): boolean {
  return state.status === "COMPLETE" || state.status === "ERROR";
}

/** Prints what an operation left, and exits 1 when it ended in ERROR against what the verb meant. */
function done(options: GlobalOptions, state: EnvelopeState, verb: string, errorExpected = false): void {
  print(options, state, () => `${verb} ${state.executionUuid}: now ${state.status}\n${describe(state)}`);
  if (state.status === "ERROR" && !errorExpected) process.exitCode = 1;
}

function describe(state: EnvelopeState): string {
  const times = Object.entries(state.timesMs)
    .sort(([, a], [, b]) => Number(a - b))
    .map(([status, at]) => `  ${status.padEnd(9)}  ${new Date(Number(at)).toISOString()}`);
  return [
    `execution  ${state.executionUuid}`,
    `status     ${state.status} (${state.side})`,
    `contract   ${state.contract}`,
    `scope      ${state.scope}`,
    `session    ${state.session}`,
    ...(state.errorType === "" ? [] : [`error      ${state.errorType}: ${state.errorMessage}`]),
    ...(state.expiresAtMs === 0n ? [] : [`expires    ${new Date(Number(state.expiresAtMs)).toISOString()}`]),
    ...state.txHashes.map((tx) => `tx         ${tx}`),
    "entered",
    ...times,
    ...(state.status === "INBOX"
      ? [`next: p8e envelope approve ${state.executionUuid}  (or reject it with -m REASON)`]
      : []),
  ].join("\n");
}

/** The class name without its package. */
function shortName(contract: string): string {
  return contract.slice(contract.lastIndexOf(".") + 1);
}

function executionUuid(value: string): string {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)) {
    throw new InvalidArgumentError(`"${value}" is not an execution UUID; \`p8e envelope ls\` lists them`);
  }
  return value.toLowerCase();
}

function collectStatus(value: string, previous: string[] | undefined): string[] {
  const status = value.toUpperCase();
  if (!(STATUSES as readonly string[]).includes(status)) {
    throw new InvalidArgumentError(`"${value}" is not a status; one of ${STATUSES.join(", ")}`);
  }
  return [...(previous ?? []), status];
}

function seconds(value: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) throw new InvalidArgumentError("give a positive number of seconds");
  return parsed;
}
