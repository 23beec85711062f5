// Checks and conversions behind the client: arguments refused before anything is sent, hashes and
// owners in their wire forms, and the stream adapters of Put and Get.
import { decompressPublicKey, type KeyPair, keyPairFromPrivateKey, type PrivateKeyInput } from "@p8e/hashing-crypto";
import type { ChunkBidi } from "@p8e/spec-model/objectstore";
import type { MailType, SendMailOptions } from "./client-types.js";
import { EosError } from "./eos-error.js";

/** The three mail types the store delivers. */
export const MAIL_TYPES: readonly MailType[] = ["FRAGMENT_REQUEST", "FRAGMENT_RESPONSE", "ERROR_RESPONSE"];

/** Refuses mail that the store would deliver to nobody. */
export function checkMail(mail: SendMailOptions, own: Uint8Array): void {
  if (!MAIL_TYPES.includes(mail.type))
    throw new EosError(
      "invalid-argument",
      `sendMail: type ${JSON.stringify(mail.type)} is not a mail type; use one of ${MAIL_TYPES.join(", ")}`,
    );
  if (mail.to === undefined || mail.to.length === 0)
    throw new EosError("invalid-argument", "sendMail: no recipient; pass their encryption public keys in `to`");
  for (const [i, key] of mail.to.entries()) {
    let full: Uint8Array;
    try {
      full = key.length === 33 ? decompressPublicKey(key) : key;
    } catch (cause) {
      throw new EosError("invalid-argument", `sendMail: to[${i}] is not a secp256k1 public key`, { cause });
    }
    if (full.length !== 65)
      throw new EosError(
        "invalid-argument",
        `sendMail: to[${i}] must be a 33- or 65-byte public key, got ${key.length}`,
      );
    if (Buffer.from(full).equals(own))
      throw new EosError(
        "invalid-argument",
        `sendMail: to[${i}] is this client's own key; the store delivers mail to the audience besides its owner, so mail to oneself never arrives`,
      );
  }
}

/** Refuses a base URL the HTTP/2 transport cannot use, saying what to pass instead. */
export function checkBaseUrl(baseUrl: string): void {
  if (/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d+$/.test(baseUrl))
    throw new EosError(
      "invalid-argument",
      `baseUrl ${JSON.stringify(baseUrl)} has no scheme; pass http://${baseUrl} (plain HTTP/2) or https://${baseUrl} (TLS)`,
    );
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new EosError(
      "invalid-argument",
      `baseUrl ${JSON.stringify(baseUrl)} is not a URL; pass http://host:port (plain HTTP/2) or https://host:port (TLS)`,
    );
  }
  if (url.protocol === "http:" || url.protocol === "https:") return;
  const hint =
    url.protocol === "grpc:" || url.protocol === "tcp:"
      ? ` (for ${url.protocol}// pass http://${url.host})`
      : url.protocol === "grpcs:"
        ? ` (for grpcs:// pass https://${url.host})`
        : "";
  throw new EosError(
    "invalid-argument",
    `baseUrl ${JSON.stringify(baseUrl)} has scheme ${url.protocol.slice(0, -1)}; the client speaks http:// (plain HTTP/2) or https:// (TLS)${hint}`,
  );
}

export function keyPairOf(input: PrivateKeyInput, title: string): KeyPair {
  try {
    return keyPairFromPrivateKey(input instanceof Uint8Array ? input : input.privateKey);
  } catch (cause) {
    throw new EosError("invalid-argument", `${title} is not a secp256k1 private key`, { cause });
  }
}

/** An object's owner as the DIME names it (UTF-8 base64 text of the point), as raw key bytes. */
export function ownerOf(text: Uint8Array | undefined): Uint8Array | undefined {
  return text === undefined ? undefined : new Uint8Array(Buffer.from(Buffer.from(text).toString(), "base64"));
}

export function shortOwner(owner: Uint8Array | undefined): string {
  if (owner === undefined) return "an unnamed owner";
  const text = Buffer.from(owner).toString("base64");
  return `owner ${text.slice(0, 12)}…${text.slice(-6)}`;
}

export function ownerHeaderValue(owner: Uint8Array): string {
  if (!(owner.length === 65 || owner.length === 33))
    throw new EosError("invalid-argument", `owner must be a 33- or 65-byte public key, got ${owner.length} bytes`);
  return Buffer.from(owner).toString("base64");
}

const objectUriPrefix = "object://";

/**
 * The hash bytes of a hash given as bytes, standard base64, or the `object://host/<base64 hash>` URI
 * a put returned (its host is not checked: the hash names the object on any store).
 */
export function hashBytes(hash: Uint8Array | string): Uint8Array {
  let text = hash;
  if (typeof text === "string" && text.startsWith(objectUriPrefix)) {
    const slash = text.indexOf("/", objectUriPrefix.length);
    if (slash < 0) throw new EosError("invalid-argument", `${text} is not an object://host/<base64 hash> URI`);
    text = decodeURIComponent(text.slice(slash + 1));
  }
  if (typeof text === "string" && !/^[A-Za-z0-9+/_-]*={0,2}$/.test(text))
    throw new EosError(
      "invalid-argument",
      `${JSON.stringify(text)} is not an object hash: pass the hash bytes, its base64, or the object:// URI put() returned`,
    );
  const bytes = typeof text === "string" ? new Uint8Array(Buffer.from(text, "base64")) : text;
  if (bytes.length < 16 || bytes.length > 64)
    throw new EosError("invalid-argument", `an object hash is 16 to 64 bytes, got ${bytes.length}`);
  return bytes;
}

export async function* dimeBytes(
  iterator: AsyncIterator<ChunkBidi>,
  first: IteratorResult<ChunkBidi>,
): AsyncGenerator<Uint8Array> {
  let ended = false;
  let pending: IteratorResult<ChunkBidi> | undefined = first;
  try {
    for (;;) {
      const next = pending ?? (await iterator.next());
      pending = undefined;
      if (next.done === true) break;
      const message = next.value;
      if (message.impl.case !== "chunk")
        throw new EosError("protocol-violation", "Get stream sent a second MultiStreamHeader");
      const chunk = message.impl.value;
      if (ended) throw new EosError("protocol-violation", "Get stream continued after its end chunk");
      if (chunk.impl.case === "data") yield chunk.impl.value;
      else if (chunk.impl.case === "end") ended = true;
      else throw new EosError("protocol-violation", `Get stream sent a ${chunk.impl.case ?? "empty"} chunk`);
    }
  } finally {
    await iterator.return?.();
  }
  if (!ended) throw new EosError("protocol-violation", "Get stream ended without an end chunk");
}

/** Passes chunks through, reporting the running total of bytes after each. */
export async function* counting(
  source: Uint8Array | AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  onTotal: (bytes: number) => void,
): AsyncGenerator<Uint8Array> {
  let total = 0;
  for await (const chunk of source instanceof Uint8Array ? [source] : source) {
    yield chunk;
    total += chunk.length;
    onTotal(total);
  }
}

export async function* toAsync(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  yield* source;
}

export async function* mapErrors(source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  try {
    yield* source;
  } catch (reason) {
    throw EosError.from(reason);
  }
}
