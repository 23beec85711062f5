// The metadata module's stateless limits (provenance.metadata.v1 ValidateBasic), applied early so
// that a contract which could not be published is refused when it is declared. Go measures
// string lengths in UTF-8 bytes, so these do too.

/** Longest record, input, specification or description name the chain accepts. */
export const maxNameLength = 200;
/** Longest type or class name the chain accepts. */
export const maxTypeNameLength = 1000;
/** Longest description text the chain accepts. */
export const maxDescriptionLength = 5000;
/** Longest website or icon URL the chain accepts. */
export const maxUrlLength = 2048;

const encoder = new TextEncoder();

/** The length of `text` as the chain measures it (UTF-8 bytes). */
export function chainLength(text: string): number {
  return encoder.encode(text).length;
}

/** Why `name` is not a usable record, input or specification name, or undefined when it is. */
export function nameProblem(name: unknown, max = maxNameLength): string | undefined {
  if (typeof name !== "string") return `must be a string, got ${typeof name}`;
  if (name.trim().length === 0) return "must not be empty or blank";
  if (chainLength(name) > max) return `is ${chainLength(name)} bytes long; the chain accepts at most ${max}`;
  return undefined;
}

// The chain's URL check is unanchored: "http://" or "https://", or a data URL, anywhere in the text.
const urlPattern = /https?:\/\/|data:.*,/;

/** Why `url` is not a website or icon URL the chain accepts, or undefined when it is (empty is allowed). */
export function urlProblem(url: unknown): string | undefined {
  if (url === undefined || url === "") return undefined;
  if (typeof url !== "string") return `must be a string, got ${typeof url}`;
  if (chainLength(url) > maxUrlLength)
    return `is ${chainLength(url)} bytes long; the chain accepts at most ${maxUrlLength}`;
  if (!urlPattern.test(url)) return "must be an http(s) or data URL";
  return undefined;
}
