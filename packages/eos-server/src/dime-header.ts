import {
  createDimeSignature,
  type DimeHeader,
  isDimeError,
  parseDimeHeader,
  rewriteDimeSignatures,
} from "@p8e/hashing-crypto";
import { EosServerError, invalid } from "./errors.js";
import { audienceKeyToBase64 } from "./public-keys.js";

/** The DIME magic number, ASCII "DIME". */
const magic = 0x44494d45;
/** Magic (4) + version (2). */
const fixedLength = 6;
/** uuid, metadata, uri, signatures, DIME proto: each a u32 length and its bytes. */
const sectionCount = 5;

/** What the store needs from a DIME header: who owns the object, who may read it, its cleartext metadata. */
export interface DimeHeaderInfo {
  /** The parsed header, as @p8e/hashing-crypto reads it. */
  readonly parsed: DimeHeader;
  /** The container uuid (the header's uuid section), hyphenated. */
  readonly uuid: string;
  /** The JSON metadata map, e.g. `P8EAPI::TYPE` and `SIGNATURE_PUBLIC_KEY`. */
  readonly metadata: Readonly<Record<string, string>>;
  /** The owner's key, standard base64 of the 65-byte uncompressed point. */
  readonly owner: string;
  /** Every reader's key (owner included), unique and sorted, in the owner's encoding. */
  readonly audience: readonly string[];
}

/**
 * How far a DIME header reaches given the bytes received so far: `complete` with the header's length
 * once all five section lengths are known and present, else the byte count needed to learn more.
 * Throws INVALID_ARGUMENT as soon as the prefix cannot start a DIME.
 */
export function dimeHeaderExtent(prefix: Uint8Array): { readonly complete: boolean; readonly length: number } {
  if (prefix.length < fixedLength) return { complete: false, length: fixedLength };
  const view = new DataView(prefix.buffer, prefix.byteOffset, prefix.byteLength);
  if (view.getUint32(0) !== magic) throw invalid('DIME data does not start with the magic bytes "DIME"');
  const version = view.getUint16(4);
  if (version !== 1) throw invalid(`DIME version ${version} is not supported (only 1)`);
  let offset = fixedLength;
  for (let i = 0; i < sectionCount; i++) {
    if (prefix.length < offset + 4) return { complete: false, length: offset + 4 };
    const length = view.getUint32(offset);
    if (i === 0 && length !== 16) throw invalid(`DIME uuid section is ${length} bytes, expected 16`);
    offset += 4 + length;
  }
  return { complete: prefix.length >= offset, length: offset };
}

/**
 * Parses a complete DIME header (as delimited by {@link dimeHeaderExtent}) with @p8e/hashing-crypto and
 * normalises its owner and audience keys; throws INVALID_ARGUMENT on any defect.
 */
export function parseDimeHeaderInfo(bytes: Uint8Array, maxHeaderSize: number): DimeHeaderInfo {
  let parsed: DimeHeader;
  try {
    parsed = parseDimeHeader(bytes, { maxHeaderSize }).header;
  } catch (cause) {
    if (isDimeError(cause) && cause.code === "too-large") throw new EosServerError("resource-exhausted", cause.message);
    throw invalid(`DIME header: ${(cause as Error).message}`);
  }
  const ownerText = parsed.dime.owner?.publicKey;
  if (ownerText === undefined || ownerText.length === 0) throw invalid("DIME header has no owner public key");
  const owner = audienceKeyToBase64(ownerText, "DIME owner public key");
  const audience = new Set<string>([owner]);
  for (const [i, entry] of parsed.dime.audience.entries()) {
    audience.add(audienceKeyToBase64(entry.publicKey, `DIME audience[${i}] public key`));
  }
  return { parsed, uuid: parsed.uuid, metadata: parsed.metadata, owner, audience: [...audience].sort() };
}

/**
 * The header bytes with the signatures section replaced by the owner signature, as upstream stores
 * it: `[{"signature": base64(DER), "publicKey": base64(PEM bytes)}]`; every other section is kept.
 */
export function rewriteSignatures(info: DimeHeaderInfo, signature: Uint8Array, signerPem: Uint8Array): Uint8Array {
  return rewriteDimeSignatures(info.parsed, [createDimeSignature(signature, signerPem)]);
}
