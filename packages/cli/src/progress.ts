// Progress bars (cli-progress) for long transfers and publishing: on a terminal only, never with
// --json or when stderr is a file or a pipe, so scripts' and CI's output stays clean.
import cliProgress from "cli-progress";

/** Where bars are drawn: stderr, or a fake terminal in tests. */
export type ProgressStream = NodeJS.WritableStream & { readonly isTTY?: boolean; readonly columns?: number };

/** A bar that is drawn, or nothing happens: callers need not ask which. */
export interface Progress {
  /** Sets how far it is: bytes done, or steps done with the step now under way. */
  update(done: number, step?: string): void;
  /** Changes how many bytes or steps there are in all. */
  setTotal(total: number): void;
  /** Draws the last state and takes the bar off the screen. */
  stop(): void;
}

const none: Progress = { update() {}, setTotal() {}, stop() {} };

/** Whether bars are drawn: `stream` is a terminal and the output is not --json. */
export function showsProgress(options: { readonly json?: boolean | undefined }, stream: ProgressStream): boolean {
  return stream.isTTY === true && options.json !== true;
}

/** `n` bytes as people read them: 512 B, 1.5 KiB, 20.0 MiB. */
export function formatBytes(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

function start(stream: ProgressStream, format: cliProgress.GenericFormatter, total: number, label: string) {
  const bar = new cliProgress.SingleBar({
    stream,
    format,
    // Ctrl-C must still end p8e: no signal handlers of the bar's own.
    gracefulExit: false,
    clearOnComplete: true,
    barsize: 24,
    fps: 10,
  });
  bar.start(total, 0, { label, step: "" });
  return bar;
}

/**
 * A byte transfer's bar, "label [====----] 1.5 MiB / 4.0 MiB  3.2 MiB/s", or without a bar when
 * the total is unknown (a stream from stdin). Nothing is drawn unless {@link showsProgress}.
 */
export function transferProgress(
  label: string,
  total: number | undefined,
  options: { readonly json?: boolean | undefined },
  stream: ProgressStream = process.stderr,
): Progress {
  if (!showsProgress(options, stream)) return none;
  const format: cliProgress.GenericFormatter = (barOptions, params, payload: { label: string }) => {
    const seconds = (Date.now() - params.startTime) / 1000;
    const rate = seconds > 0 ? `  ${formatBytes(Math.round(params.value / seconds))}/s` : "";
    return total === undefined || total === 0
      ? `${payload.label} ${formatBytes(params.value)}${rate}`
      : `${payload.label} [${cliProgress.Format.BarFormat(params.progress, barOptions)}] ${formatBytes(params.value)} / ${formatBytes(params.total)}${rate}`;
  };
  const bar = start(stream, format, total ?? 0, label);
  return { update: (done) => bar.update(done), setTotal: (all) => bar.setTotal(all), stop: () => bar.stop() };
}

/**
 * A bar over the steps of a longer operation, "label [====----] 2/5 store bundle". Nothing is
 * drawn unless {@link showsProgress}.
 */
export function stepProgress(
  label: string,
  steps: number,
  options: { readonly json?: boolean | undefined },
  stream: ProgressStream = process.stderr,
): Progress {
  if (!showsProgress(options, stream)) return none;
  const format: cliProgress.GenericFormatter = (barOptions, params, payload: { label: string; step: string }) =>
    `${payload.label} [${cliProgress.Format.BarFormat(params.progress, barOptions)}] ${params.value}/${params.total} ${payload.step}`;
  const bar = start(stream, format, steps, label);
  return {
    update: (done, step = "") => bar.update(done, { step }),
    setTotal: (all) => bar.setTotal(all),
    stop: () => bar.stop(),
  };
}
