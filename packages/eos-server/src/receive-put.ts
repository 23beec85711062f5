import { publicKeyFromPem } from "@p8e/hashing-crypto";
import type { ChunkBidi } from "@p8e/spec-model/objectstore";
import { concatBytes } from "./bytes.js";
import { type DimeHeaderInfo, dimeHeaderExtent, parseDimeHeaderInfo, rewriteSignatures } from "./dime-header.js";
import { EosServerError, invalid } from "./errors.js";
import type { NewObject, ObjectStorage, PutObjectResult, StagedBlob } from "./storage/object-storage.js";

/** The DIME metadata key whose value marks an object as mail. */
export const MAIL_TYPE_KEY = "P8EAPI::TYPE";
/** The mail types that create mailbox items. */
export const MAIL_TYPES: ReadonlySet<string> = new Set(["FRAGMENT_REQUEST", "FRAGMENT_RESPONSE", "ERROR_RESPONSE"]);
/** The property (and MultiStreamHeader metadata key) that marks a Put as a replica pushed by another store. */
export const SOURCE_TYPE_KEY = "SOURCE::TYPE";
export const SOURCE_REPLICATION = "REPLICATION";

const requiredProperties = ["HASH", "SIGNATURE", "SIGNATURE_PUBLIC_KEY"] as const;
const maxPropertyBytes = 64 * 1024;
const maxProperties = 32;

/** Limits and hooks for {@link receivePut}. */
export interface ReceivePutOptions {
  readonly storage: ObjectStorage;
  /** Largest DIME (header plus payload) accepted. */
  readonly maxObjectBytes: number;
  /** Largest DIME header accepted. */
  readonly maxHeaderBytes: number;
  /** Payloads up to this many bytes are kept in the database instead of a file. */
  readonly inlineThreshold: number;
  /** Whether to queue replication for this Put when it is not itself a replica. */
  readonly replicationEnabled: boolean;
  /** Told about every payload byte received. */
  readonly onBytes?: (bytes: number) => void;
  /**
   * Decides, as soon as the header is known, whether the caller may store this object (throws if
   * not), and how: `replica` when a trusted peer store relays it for its owner, `replace` when the
   * caller may take the place of the stored object with the same hash, owner and audience.
   */
  readonly authorize: (header: DimeHeaderInfo, markedReplica: boolean) => Promise<PutAuthority>;
}

/** How an authorised Put is stored. */
export interface PutAuthority {
  readonly replica: boolean;
  readonly replace: boolean;
}

/**
 * Consumes one ObjectService.Put stream in bounded memory: checks the chunk sequence, parses the DIME
 * header as soon as it is complete (so the owner is authorised before the payload streams in),
 * spills the payload to a staged file past the inline threshold, checks the HASH / SIGNATURE /
 * SIGNATURE_PUBLIC_KEY properties, rewrites the header's signature list and stores the object.
 * Anything wrong throws an EosServerError and leaves nothing behind.
 */
export async function receivePut(
  requests: AsyncIterable<ChunkBidi>,
  options: ReceivePutOptions,
): Promise<PutObjectResult> {
  let index = 0;
  let replicatedByHeader = false;
  let headerParts: Uint8Array[] = [];
  let headerReceived = 0;
  let headerNeeded = 6;
  let header: DimeHeaderInfo | undefined;
  let authority: PutAuthority = { replica: false, replace: false };
  let declaredContentLength = 0n;
  let ended = false;
  let dimeBytes = 0;
  let bodySize = 0;
  let bodyHead: Uint8Array = new Uint8Array(0);
  const inline: Uint8Array[] = [];
  let staged: StagedBlob | undefined;
  const properties = new Map<string, Uint8Array>();

  const appendBody = async (bytes: Uint8Array) => {
    if (bytes.length === 0) return;
    if (bodyHead.length < 4) bodyHead = concatBytes(bodyHead, bytes.subarray(0, 4 - bodyHead.length));
    bodySize += bytes.length;
    if (staged !== undefined) {
      await staged.write(bytes);
    } else if (bodySize <= options.inlineThreshold) {
      inline.push(bytes);
    } else {
      staged = await options.storage.stageBlob();
      for (const part of inline) await staged.write(part);
      inline.length = 0;
      await staged.write(bytes);
    }
  };

  const appendData = async (bytes: Uint8Array) => {
    dimeBytes += bytes.length;
    options.onBytes?.(bytes.length);
    if (dimeBytes > options.maxObjectBytes) {
      throw new EosServerError(
        "resource-exhausted",
        `object is larger than this store's maximum of ${options.maxObjectBytes} bytes`,
      );
    }
    if (header !== undefined) return appendBody(bytes);
    headerParts.push(bytes);
    headerReceived += bytes.length;
    // Join the pieces only when they can tell more, so tiny chunks cost no quadratic copying.
    if (headerReceived < headerNeeded) return;
    const prefix = concatBytes(...headerParts);
    headerParts = [prefix];
    const extent = dimeHeaderExtent(prefix);
    if (extent.length > options.maxHeaderBytes) {
      throw new EosServerError(
        "resource-exhausted",
        `DIME header is larger than this store's maximum of ${options.maxHeaderBytes} bytes`,
      );
    }
    if (!extent.complete) {
      headerNeeded = extent.length;
      return;
    }
    header = parseDimeHeaderInfo(prefix.slice(0, extent.length), options.maxHeaderBytes);
    headerParts = [];
    authority = await options.authorize(header, replicatedByHeader);
    await appendBody(prefix.subarray(extent.length));
  };

  try {
    for await (const message of requests) {
      index++;
      if (index === 1) {
        if (message.impl.case !== "multiStreamHeader") {
          throw invalid(`the first message of a Put must be a MultiStreamHeader, got ${describe(message)}`);
        }
        const count = message.impl.value.streamCount;
        if (count !== 1) throw invalid(`MultiStreamHeader.stream_count must be 1, got ${count}`);
        replicatedByHeader = message.impl.value.metadata[SOURCE_TYPE_KEY] === SOURCE_REPLICATION;
        continue;
      }
      if (message.impl.case !== "chunk")
        throw invalid(
          `message ${index} of the Put is ${describe(message)}; only chunks may follow the MultiStreamHeader`,
        );
      const chunk = message.impl.value;
      if (index === 2 && (chunk.impl.case !== "data" || chunk.header === undefined)) {
        throw invalid(`message 2 of the Put must be a data chunk with a StreamHeader, got ${describe(message)}`);
      }
      switch (chunk.impl.case) {
        case "data":
          if (ended) throw invalid(`message ${index}: data chunk after the end chunk`);
          if (index === 2) declaredContentLength = chunk.header!.contentLength;
          await appendData(chunk.impl.value);
          break;
        case "value": {
          const name = chunk.header?.name ?? "";
          if (name === "") throw invalid(`message ${index}: value chunk without a StreamHeader name`);
          const value = chunk.impl.value;
          if (value.length > maxPropertyBytes)
            throw invalid(`property ${name} is larger than ${maxPropertyBytes} bytes`);
          const previous = properties.get(name);
          if (previous !== undefined && !Buffer.from(previous).equals(value))
            throw invalid(`property ${name} was sent twice with different values`);
          if (previous === undefined && properties.size >= maxProperties)
            throw invalid(`more than ${maxProperties} properties`);
          properties.set(name, value);
          break;
        }
        case "end":
          // Upstream accepts any number of end chunks, before or after the properties.
          ended = true;
          break;
        default:
          throw invalid(`message ${index}: chunk carries neither data, value nor end`);
      }
    }

    if (index === 0) throw invalid("Put stream is empty");
    if (index === 1) throw invalid("Put stream has a MultiStreamHeader but no DIME data");
    if (header === undefined)
      throw invalid(`Put stream ended inside the DIME header (${headerReceived} bytes received)`);
    if (!ended) throw invalid("Put stream ended without an end chunk");
    for (const name of requiredProperties) {
      if (!properties.has(name)) throw invalid(`Put stream lacks the ${name} property`);
    }
    const hash = properties.get("HASH")!;
    if (hash.length < 16 || hash.length > 64) throw invalid(`HASH must be 16 to 64 bytes, got ${hash.length}`);
    const signature = properties.get("SIGNATURE")!;
    if (!isDerSignature(signature)) throw invalid("SIGNATURE is not a DER-encoded ECDSA signature");
    const signerPem = properties.get("SIGNATURE_PUBLIC_KEY")!;
    const pemText = Buffer.from(signerPem).toString("utf8");
    let signerKey: Uint8Array;
    try {
      signerKey = publicKeyFromPem(pemText);
    } catch (cause) {
      throw invalid(`SIGNATURE_PUBLIC_KEY is not a secp256k1 PEM public key: ${(cause as Error).message}`);
    }
    const headerSigner = header.metadata.SIGNATURE_PUBLIC_KEY;
    if (headerSigner !== undefined && headerSigner.trim() !== "") {
      let headerKey: Uint8Array | undefined;
      try {
        headerKey = publicKeyFromPem(headerSigner);
      } catch {
        headerKey = undefined;
      }
      if (headerKey === undefined || !Buffer.from(headerKey).equals(signerKey)) {
        throw invalid("SIGNATURE_PUBLIC_KEY differs from the signer named in the DIME metadata");
      }
    }
    const plaintextLength = payloadPlaintextLength(bodyHead, bodySize);
    if (declaredContentLength > 0n && BigInt(plaintextLength) !== declaredContentLength) {
      throw invalid(
        `StreamHeader.content_length is ${declaredContentLength} but the encrypted payload holds ${plaintextLength} bytes`,
      );
    }

    const mailType = header.metadata[MAIL_TYPE_KEY];
    const replicated =
      authority.replica ||
      replicatedByHeader ||
      Buffer.from(properties.get(SOURCE_TYPE_KEY) ?? []).toString() === SOURCE_REPLICATION;
    const storedProperties: Record<string, string> = {};
    for (const [name, value] of properties) storedProperties[name] = Buffer.from(value).toString("base64");

    let body: NewObject["body"];
    if (staged !== undefined) {
      const size = staged.size;
      const name = await staged.commit();
      body = { kind: "blob", name, size };
    } else {
      body = { kind: "inline", bytes: concatBytes(...inline) };
    }
    let result: PutObjectResult;
    try {
      result = await options.storage.putObject({
        dimeUuid: header.uuid,
        hash: Buffer.from(hash).toString("base64"),
        owner: header.owner,
        audience: header.audience,
        contentLength: plaintextLength,
        header: rewriteSignatures(header, signature, signerPem),
        body,
        mailType: mailType !== undefined && MAIL_TYPES.has(mailType) ? mailType : undefined,
        properties: storedProperties,
        replicate: options.replicationEnabled && !replicated,
        replace: authority.replace,
      });
    } catch (error) {
      if (body.kind === "blob") await options.storage.releaseBlob(body.name);
      throw error;
    }
    if (!result.created && body.kind === "blob") await options.storage.releaseBlob(body.name);
    return result;
  } finally {
    await staged?.discard();
  }
}

/** The plaintext length of an AES-GCM payload laid out as `u32 ivLength ‖ iv ‖ ciphertext ‖ 16-byte tag`. */
function payloadPlaintextLength(head: Uint8Array, size: number): number {
  if (head.length < 4) throw invalid(`encrypted payload is ${size} bytes, too short for an AES-GCM stream`);
  const ivLength = new DataView(head.buffer, head.byteOffset, 4).getUint32(0);
  if (ivLength < 12 || ivLength > 16)
    throw invalid(`encrypted payload declares an IV of ${ivLength} bytes (12 to 16 expected)`);
  const length = size - 4 - ivLength - 16;
  if (length < 0) throw invalid(`encrypted payload is ${size} bytes, too short for its IV and GCM tag`);
  return length;
}

/** Whether `bytes` is shaped like a DER ECDSA signature: SEQUENCE { INTEGER r, INTEGER s }. */
export function isDerSignature(bytes: Uint8Array): boolean {
  if (bytes.length < 8 || bytes.length > 72 || bytes[0] !== 0x30 || bytes[1] !== bytes.length - 2) return false;
  let offset = 2;
  for (let i = 0; i < 2; i++) {
    if (bytes[offset] !== 0x02) return false;
    const length = bytes[offset + 1] ?? 0;
    if (length === 0 || length > 33) return false;
    offset += 2 + length;
  }
  return offset === bytes.length;
}

function describe(message: ChunkBidi): string {
  if (message.impl.case === "multiStreamHeader") return "a MultiStreamHeader";
  if (message.impl.case === "chunk") {
    const kind = message.impl.value.impl.case;
    return kind === undefined
      ? "an empty chunk"
      : `a ${kind} chunk${message.impl.value.header === undefined ? " without StreamHeader" : ""}`;
  }
  return "an empty message";
}
