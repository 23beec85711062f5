// Human text by default, JSON with --json.

/** Prints `value` as JSON (--json) or as the text `human()` makes. */
export function print(options: { readonly json?: boolean | undefined }, value: unknown, human: () => string): void {
  process.stdout.write(options.json === true ? `${JSON.stringify(value, jsonSafe, 2)}\n` : `${human()}\n`);
}

function jsonSafe(key: string, value: unknown): unknown {
  if (key === "$typeName") return undefined;
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString("base64");
  return value;
}

/** The folder the user ran p8e in: relative paths are theirs (`pnpm --filter @p8e/cli p8e` runs in packages/cli). */
export function userCwd(): string {
  return process.env.INIT_CWD ?? process.cwd();
}
