/**
 * Argument checks in the noble style: `TypeError` for a wrong type, `RangeError` for a wrong
 * length or value, each message labelled with the argument's name. Internal to the package.
 * @module
 */

/** Whether `value` is a Uint8Array (Node's Buffer included). */
export function isBytes(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array || (ArrayBuffer.isView(value) && value.constructor.name === "Uint8Array");
}

/** Asserts that `value` is a Uint8Array, optionally of one of the allowed lengths, and returns it. */
export function abytes(value: unknown, title: string, ...lengths: number[]): Uint8Array {
  if (!isBytes(value)) {
    throw new TypeError(`"${title}" expected Uint8Array, got ${describeType(value)}`);
  }
  if (lengths.length > 0 && !lengths.includes(value.length)) {
    throw new RangeError(
      `"${title}" expected Uint8Array of length ${lengths.join(" or ")}, got length=${value.length}`,
    );
  }
  return value;
}

/** Asserts that `value` is a string and returns it. */
export function astring(value: unknown, title: string): string {
  if (typeof value !== "string") {
    throw new TypeError(`"${title}" expected string, got ${describeType(value)}`);
  }
  return value;
}

/** Asserts that `value` is a safe integer within `[min, max]` and returns it. */
export function ainteger(value: unknown, title: string, min: number, max: number): number {
  if (typeof value !== "number") {
    throw new TypeError(`"${title}" expected number, got ${describeType(value)}`);
  }
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new RangeError(`"${title}" expected an integer in ${min}..${max}, got ${value}`);
  }
  return value;
}

/** Asserts that `value` is a plain record of string values and returns it. */
export function astringRecord(value: unknown, title: string): Readonly<Record<string, string>> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new TypeError(`"${title}" expected a record of strings, got ${describeType(value)}`);
  }
  for (const [key, item] of Object.entries(value)) {
    if (typeof item !== "string") {
      throw new TypeError(`"${title}" expected a record of strings, but key "${key}" holds ${describeType(item)}`);
    }
  }
  return value as Record<string, string>;
}

/** A short description of a value's type for error messages; never prints the value itself. */
export function describeType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (isBytes(value)) return `Uint8Array(${value.length})`;
  if (typeof value === "object") return value.constructor?.name ?? "object";
  return typeof value;
}
