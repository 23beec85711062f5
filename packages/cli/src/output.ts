// Human text by default, JSON with --json.

/** Prints `value` as JSON (--json) or as the text `human()` makes. */
export function print(options: { readonly json?: boolean | undefined }, value: unknown, human: () => string): void {
  process.stdout.write(options.json === true ? `${toJson(value, 2)}\n` : `${human()}\n`);
}

/**
 * `value` as p8e's JSON: an API message without its `$typeName`, 64-bit integers as numbers (as
 * strings only beyond 2^53), public keys (`…PublicKey`) in hex as `p8e keys show` and P8E_PEERS
 * have them, other bytes as standard base64.
 */
export function toJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, jsonSafe, indent);
}

function jsonSafe(key: string, value: unknown): unknown {
  if (key === "$typeName") return undefined;
  if (typeof value === "bigint") return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString(/publicKey$/i.test(key) ? "hex" : "base64");
  return value;
}

/** The folder the user ran p8e in: relative paths are theirs (`pnpm --filter @p8e/cli p8e` runs in packages/cli). */
export function userCwd(): string {
  return process.env.INIT_CWD ?? process.cwd();
}
