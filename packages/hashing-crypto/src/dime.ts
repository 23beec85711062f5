/**
 * DIME encryption and decryption, wire-compatible with the Kotlin p8e-scope-sdk:
 *
 * - payload: AES-256-GCM under a random 32-byte DEK, written as `u32(12) ‖ iv ‖ ciphertext ‖ tag`
 *   after the header; the object hash is SHA-256 of the plaintext;
 * - per audience key: ephemeral secp256k1 key, ECDH x-coordinate, HKDF-SHA256 (no salt, no info) to
 *   64 bytes = encKey ‖ macKey; `encrypted_dek` = AES-GCM(encKey, random IV) of the DEK's base64
 *   text, `tag` = AES-GCM(encKey, zero IV) of macKey, every Audience bytes field base64 text;
 * - the owner's entry (SUBMISSION) is both `owner` and the last `audience` entry, readers are RETRIEVAL;
 * - optional SHA512withECDSA signature over the plaintext, announced by the signer's PEM in the JSON
 *   metadata under `SIGNATURE_PUBLIC_KEY`.
 *
 * Header MAC extension: the cleartext header is unauthenticated upstream, so writers here add
 * `P8E::HEADER_MAC` to the JSON metadata = base64(HMAC-SHA256(HKDF-SHA256(DEK, info
 * "p8e dime header mac v1", 32 bytes), u32-length-prefixed container uuid ‖ JSON metadata without
 * that key ‖ uri ‖ DIME protobuf)) and `"p8e.header-mac": "v1"` to the protobuf metadata map.
 * Upstream readers ignore both keys; objects without them are accepted without the header check.
 * @module
 */

import { randomBytes, randomUUID } from "node:crypto";
import { createAesGcmDecryptor, createAesGcmEncryptor } from "./aes-gcm.js";
import { abytes, astring, astringRecord, describeType, isBytes } from "./asserts.js";
import { concatBytes, equalBytes, readU32be, u32be } from "./bytes.js";
import { DimeError } from "./dime-error.js";
import {
  type DimeHeader,
  type DimeHeaderOptions,
  headerMacMessage,
  readDimeHeader,
  serializeDimeHeader,
  toAsyncIterator,
  uuidToBytes,
} from "./dime-format.js";
import type { DimeKeyCache } from "./dime-key-cache.js";
import { type DimeAudience, DimeContext, type DimeProto, encodeDimeProto } from "./dime-proto.js";
import { ecdhSharedSecret, ephemeralSharedSecret } from "./ecdh.js";
import { base64ToBytes, bytesToBase64, bytesToUtf8, utf8ToBytes } from "./encoding.js";
import { type Hash, sha256, sha512 } from "./hash.js";
import { hkdfSha256, hmacSha256 } from "./hkdf.js";
import { decompressPublicKey, keyMaterial, type PrivateKeyInput, pointFromBytes } from "./keys.js";
import { isCanonicalPem, publicKeyFromPem, publicKeyToPem } from "./pem.js";
import { createSigner, createVerifier, type Signer, type Verifier } from "./sign.js";

/** JSON metadata key holding the signer's PEM public key, as upstream os-client writes it. */
export const SIGNATURE_PUBLIC_KEY_METADATA = "SIGNATURE_PUBLIC_KEY";

/** JSON metadata key of the header MAC extension. */
export const HEADER_MAC_METADATA = "P8E::HEADER_MAC";

/** DIME protobuf metadata key announcing the header MAC extension and its version. */
export const HEADER_MAC_PROTO_METADATA = "p8e.header-mac";

const HEADER_MAC_VERSION = "v1";
const HEADER_MAC_INFO = "p8e dime header mac v1";
const PAYLOAD_IV_LENGTH = 12;
const TAG_LENGTH = 16;
const MAX_UPDATE = 1024 * 1024;
const ZERO_IV = new Uint8Array(12);

/** The signing key for {@link encryptDime}: a key pair, or a private key with an optional public key. */
export type DimeSigner = PrivateKeyInput | { readonly privateKey: Uint8Array; readonly publicKey?: Uint8Array };

/** Options for {@link encryptDime}. */
export interface EncryptDimeOptions {
  /** The owner's encryption public key (33 or 65 bytes; stored as 65). */
  readonly owner: Uint8Array;
  /** Additional readers (RETRIEVAL audience), 33 or 65 bytes each; duplicates are dropped. */
  readonly audience?: readonly Uint8Array[];
  /** Cleartext JSON metadata, e.g. `{ "P8EAPI::TYPE": "FRAGMENT_REQUEST" }`. */
  readonly metadata?: Readonly<Record<string, string>>;
  /** Signs the plaintext with SHA512withECDSA and announces the signer's PEM in the metadata. */
  readonly signer?: DimeSigner;
  /** The `DIME.uuid` inside the protobuf; random by default. */
  readonly uuid?: string;
  /** The container UUID (the object store's `dime_uuid`); random by default. */
  readonly dimeUuid?: string;
  /** Time for the audit fields; defaults to now. */
  readonly now?: Date | number;
  /** Whether to add the header MAC extension; defaults to true. */
  readonly headerMac?: boolean;
  /**
   * Lets the DIMEs written to one recipient share an ephemeral key for a while (see
   * {@link createDimeKeyCache}); without it every audience entry gets a fresh one.
   */
  readonly keyCache?: DimeKeyCache;
}

/** Figures known only after the whole plaintext has been read. */
export interface EncryptDimeResult {
  /** SHA-256 of the plaintext: the object's hash (the Put `HASH` property). */
  readonly hash: Uint8Array;
  /** DER SHA512withECDSA signature over the plaintext (the Put `SIGNATURE` property), when a signer was given. */
  readonly signature?: Uint8Array;
  /** The signer's PEM (the Put `SIGNATURE_PUBLIC_KEY` property), when a signer was given. */
  readonly signerPem?: string;
  /** Plaintext size in bytes (the Put `content_length`). */
  readonly plaintextLength: number;
  /** Size of the whole DIME stream in bytes. */
  readonly dimeLength: number;
}

/** A DIME being written: the header is ready at once; the payload streams as `stream` is read. */
export interface EncryptedDime {
  /** The container UUID, which the object store reports as `dime_uuid`. */
  readonly dimeUuid: string;
  /** Everything before the payload. */
  readonly header: Uint8Array;
  /** The whole DIME (header, then payload) in chunks of at most about 1 MiB; can be read once. */
  readonly stream: AsyncIterable<Uint8Array>;
  /** Settles when `stream` has been read to the end; rejects if the plaintext source fails. */
  readonly result: Promise<EncryptDimeResult>;
}

/** Everything {@link encryptDimeBytes} produces. */
export interface EncryptedDimeBytes extends EncryptDimeResult {
  /** The container UUID. */
  readonly dimeUuid: string;
  /** Everything before the payload. */
  readonly header: Uint8Array;
  /** The complete DIME. */
  readonly bytes: Uint8Array;
}

/** Plaintext accepted by the encryptors: bytes, or chunks from a sync or async iterable. */
export type DimePlaintext = Uint8Array | AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

/**
 * Encrypts plaintext into a DIME for an owner and optional readers, streaming in bounded memory.
 * The hash and signature are in `result` once `stream` has been read to the end.
 * @throws {TypeError | RangeError} for bad options (keys, metadata, uuids).
 * @example
 * const dime = encryptDime(file, { owner: keys.publicKey, signer: keys });
 * for await (const chunk of dime.stream) upload(chunk);
 * const { hash, signature } = await dime.result;
 */
export function encryptDime(plaintext: DimePlaintext, options: EncryptDimeOptions): EncryptedDime {
  const source = plaintextSource(plaintext);
  if (typeof options !== "object" || options === null) throw new TypeError('"options" expected an object');
  const owner = decompressPublicKey(abytes(options.owner, "owner"));
  const readers = uniqueKeys(options.audience ?? []);
  const userMetadata = astringRecord(options.metadata ?? {}, "metadata");
  if (Object.hasOwn(userMetadata, HEADER_MAC_METADATA)) {
    throw new RangeError(`"metadata" must not contain the reserved key ${JSON.stringify(HEADER_MAC_METADATA)}`);
  }
  const signer = options.signer === undefined ? undefined : signerKeys(options.signer);
  const dimeUuid = astring(options.dimeUuid ?? randomUUID(), "dimeUuid");
  const protoUuid = astring(options.uuid ?? randomUUID(), "uuid");
  const seconds = BigInt(Math.floor(timeMillis(options.now) / 1000));
  const withMac = options.headerMac ?? true;

  const dek = new Uint8Array(randomBytes(32));
  const iv = new Uint8Array(randomBytes(PAYLOAD_IV_LENGTH));
  const ownerEntry = wrapDek(dek, owner, DimeContext.SUBMISSION, options.keyCache);
  const dime: DimeProto = {
    uuid: { value: protoUuid },
    owner: ownerEntry,
    metadata: withMac ? { [HEADER_MAC_PROTO_METADATA]: HEADER_MAC_VERSION } : {},
    audience: [...readers.map((reader) => wrapDek(dek, reader, DimeContext.RETRIEVAL, options.keyCache)), ownerEntry],
    payload: [{ id: 0, cipherText: new Uint8Array(0) }],
    auditFields: {
      createdDate: { seconds, nanos: 0 },
      createdBy: "",
      updatedDate: { seconds, nanos: 0 },
      updatedBy: "",
      version: 1,
      message: "",
    },
  };
  const dimeBytes = encodeDimeProto(dime);
  const metadata: Record<string, string> = { ...userMetadata };
  if (signer !== undefined) metadata[SIGNATURE_PUBLIC_KEY_METADATA] = signer.pem;
  if (withMac) {
    const macKey = hkdfSha256(dek, { length: 32, info: HEADER_MAC_INFO });
    const message = headerMacMessage(
      uuidToBytes(dimeUuid),
      utf8ToBytes(JSON.stringify(metadata)),
      new Uint8Array(0),
      dimeBytes,
    );
    metadata[HEADER_MAC_METADATA] = bytesToBase64(hmacSha256(macKey, message));
    macKey.fill(0);
  }
  const header = serializeDimeHeader({ uuid: dimeUuid, metadata, uri: "", signatures: [], dime: dimeBytes });

  let settle!: { resolve: (value: EncryptDimeResult) => void; reject: (reason: unknown) => void };
  const result = new Promise<EncryptDimeResult>((resolve, reject) => {
    settle = { resolve, reject };
  });
  // Callers may never read `result`; a failure must still not surface as an unhandled rejection.
  result.catch(() => undefined);

  async function* produce(): AsyncGenerator<Uint8Array> {
    const cipher = createAesGcmEncryptor(dek, iv);
    const hash = sha256.create();
    const signing: Signer | undefined = signer === undefined ? undefined : createSigner(signer.privateKey);
    let plaintextLength = 0;
    let finished = false;
    try {
      yield concatBytes(header, u32be(PAYLOAD_IV_LENGTH), iv);
      for await (const chunk of source) {
        abytes(chunk, "plaintext chunk");
        for (let offset = 0; offset < chunk.length; offset += MAX_UPDATE) {
          const slice = chunk.subarray(offset, offset + MAX_UPDATE);
          hash.update(slice);
          signing?.update(slice);
          plaintextLength += slice.length;
          yield cipher.update(slice);
        }
      }
      const tag = cipher.final();
      const outcome: EncryptDimeResult = {
        hash: hash.digest(),
        ...(signing === undefined || signer === undefined ? {} : { signature: signing.sign(), signerPem: signer.pem }),
        plaintextLength,
        dimeLength: header.length + 4 + PAYLOAD_IV_LENGTH + plaintextLength + TAG_LENGTH,
      };
      // Settle before the last chunk, so a consumer that stops right after it still gets the result.
      finished = true;
      settle.resolve(outcome);
      yield tag;
    } catch (error) {
      finished = true;
      settle.reject(error);
      throw error;
    } finally {
      if (!finished) settle.reject(new Error("encryptDime: the stream was not read to the end"));
      dek.fill(0);
    }
  }

  return { dimeUuid, header, stream: once(produce, "encryptDime"), result };
}

/**
 * Encrypts plaintext into a complete in-memory DIME; see {@link encryptDime}.
 * @example
 * const { bytes, hash } = await encryptDimeBytes(utf8ToBytes("hello"), { owner: keys.publicKey });
 */
export async function encryptDimeBytes(
  plaintext: DimePlaintext,
  options: EncryptDimeOptions,
): Promise<EncryptedDimeBytes> {
  const dime = encryptDime(plaintext, options);
  const chunks: Uint8Array[] = [];
  for await (const chunk of dime.stream) chunks.push(chunk);
  const result = await dime.result;
  return { dimeUuid: dime.dimeUuid, header: dime.header, bytes: concatBytes(...chunks), ...result };
}

/** Options for {@link decryptDime} and {@link decryptDimeBytes}. */
export interface DecryptDimeOptions extends DimeHeaderOptions {
  /** Require a valid signature from this key (33 or 65 bytes). */
  readonly expectedSigner?: Uint8Array;
  /** Require this plaintext hash: 32 bytes SHA-256, 16 bytes its prefix ("loHash") or 64 bytes SHA-512. */
  readonly expectedHash?: Uint8Array;
  /**
   * Whether a signature must be present. Defaults to true when the metadata names a signer
   * (`SIGNATURE_PUBLIC_KEY`), as upstream readers insist; set false to read a DIME that has not
   * been through the object store, whose signatures section is still empty.
   */
  readonly requireSignature?: boolean;
  /** Keeps the reader's key agreements with ephemeral keys (see {@link createDimeKeyCache}). */
  readonly keyCache?: DimeKeyCache;
}

/** What was verified once the plaintext was read to the end. */
export interface DimeVerification {
  /** SHA-256 of the plaintext. */
  readonly hash: Uint8Array;
  /** The key whose signature verified, if a signature was checked. */
  readonly signer?: { readonly publicKey: Uint8Array; readonly pem: string };
  /** Whether the cleartext header carried the header MAC and it verified. */
  readonly headerAuthenticated: boolean;
}

/** A DIME being decrypted. */
export interface DecryptedDime {
  /** The parsed header. */
  readonly header: DimeHeader;
  /**
   * The plaintext in chunks, readable once. All but the last chunk are released before the GCM tag,
   * hash and signature are checked at the end; if a check fails the iterator throws a DimeError
   * there, so the data is valid only once iteration completes without error.
   */
  readonly plaintext: AsyncIterable<Uint8Array>;
  /** Settles after `plaintext` has been read to the end: the checks' outcome, or the DimeError. */
  readonly verified: Promise<DimeVerification>;
}

/**
 * Decrypts a DIME from bytes or a stream of chunks in bounded memory. The header, audience entry,
 * key tag and header MAC are checked before this resolves; the payload tag, hash and signature when
 * `plaintext` ends.
 * @throws {DimeError} for every problem with the bytes (rejects, or throws from the iterator).
 * @example
 * const { plaintext, verified } = await decryptDime(chunks, keys);
 * for await (const chunk of plaintext) sink.write(chunk);
 * const { hash, signer } = await verified;
 */
export async function decryptDime(
  source: Uint8Array | AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  privateKey: PrivateKeyInput,
  options: DecryptDimeOptions = {},
): Promise<DecryptedDime> {
  const { privateKey: key, publicKey: ownPublicKey } = keyMaterial(privateKey);
  const expectedSigner =
    options.expectedSigner === undefined
      ? undefined
      : decompressPublicKey(abytes(options.expectedSigner, "expectedSigner"));
  const expectedHash =
    options.expectedHash === undefined ? undefined : abytes(options.expectedHash, "expectedHash", 16, 32, 64);
  const { header, payload } = await readDimeHeader(isBytes(source) ? [source] : source, options);
  let dek: Uint8Array;
  let check: SignatureCheck | undefined;
  let headerAuthenticated: boolean;
  try {
    dek = unwrapDek(header, key, ownPublicKey, options.keyCache);
    headerAuthenticated = verifyHeaderMac(header, dek);
    check = planSignatureCheck(header, expectedSigner, options.requireSignature);
  } catch (error) {
    await toAsyncIterator(payload)
      .return?.()
      .catch(() => undefined);
    throw error;
  } finally {
    key.fill(0);
  }

  let settle!: { resolve: (value: DimeVerification) => void; reject: (reason: unknown) => void };
  const verified = new Promise<DimeVerification>((resolve, reject) => {
    settle = { resolve, reject };
  });
  verified.catch(() => undefined);

  async function* produce(): AsyncGenerator<Uint8Array> {
    let finished = false;
    try {
      // Every check has passed when onVerified runs, just before the withheld last chunk is released.
      yield* decryptPayload(payload, dek, check, expectedHash, (hash) => {
        finished = true;
        settle.resolve({
          hash,
          ...(check === undefined ? {} : { signer: { publicKey: check.publicKey, pem: check.pem } }),
          headerAuthenticated,
        });
      });
    } catch (error) {
      finished = true;
      settle.reject(error);
      throw error;
    } finally {
      if (!finished) settle.reject(new DimeError("truncated", "the plaintext was not read to the end"));
      dek.fill(0);
    }
  }

  return { header, plaintext: once(produce, "decryptDime"), verified };
}

/**
 * Decrypts a complete DIME and returns the plaintext only after every check has passed.
 * @throws {DimeError} for every problem with the bytes.
 * @example
 * const plaintext = await decryptDimeBytes(bytes, keys, { expectedHash: hash });
 */
export async function decryptDimeBytes(
  bytes: Uint8Array | AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  privateKey: PrivateKeyInput,
  options: DecryptDimeOptions = {},
): Promise<Uint8Array> {
  const { plaintext, verified } = await decryptDime(bytes, privateKey, options);
  const chunks: Uint8Array[] = [];
  for await (const chunk of plaintext) chunks.push(chunk);
  await verified;
  return chunks.length === 1 ? chunks[0]! : concatBytes(...chunks);
}

interface SignatureCheck {
  readonly publicKey: Uint8Array;
  readonly pem: string;
  readonly signature: Uint8Array;
}

/** Wraps the DEK for one recipient the way ProvenanceECIESCipher does. */
function wrapDek(
  dek: Uint8Array,
  recipient: Uint8Array,
  context: number,
  keyCache: DimeKeyCache | undefined,
): DimeAudience {
  const { ephemeralPublicKey, shared } = keyCache?.agree(recipient) ?? ephemeralSharedSecret(recipient);
  const { encKey, macKey } = wrapKeys(shared);
  const body = aesBlob(encKey, new Uint8Array(randomBytes(12)), utf8ToBytes(bytesToBase64(dek)));
  const tag = aesBlob(encKey, ZERO_IV, macKey);
  encKey.fill(0);
  macKey.fill(0);
  return {
    payloadId: 0,
    publicKey: utf8ToBytes(bytesToBase64(recipient)),
    context,
    tag: utf8ToBytes(bytesToBase64(tag)),
    ephemeralPubkey: utf8ToBytes(bytesToBase64(ephemeralPublicKey)),
    encryptedDek: utf8ToBytes(bytesToBase64(body)),
  };
}

/** ECDH x-coordinate → HKDF-SHA256 (no salt, no info) → 64 bytes = encKey ‖ macKey; wipes `shared`. */
function wrapKeys(shared: Uint8Array): { encKey: Uint8Array; macKey: Uint8Array } {
  const okm = hkdfSha256(shared, { length: 64 });
  shared.fill(0);
  const keys = { encKey: okm.slice(0, 32), macKey: okm.slice(32) };
  okm.fill(0);
  return keys;
}

/** `u32(ivLength) ‖ iv ‖ ciphertext ‖ tag`, the ProvenanceAESCrypt blob. */
function aesBlob(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array): Uint8Array {
  const encryptor = createAesGcmEncryptor(key, iv);
  const ciphertext = encryptor.update(plaintext);
  return concatBytes(u32be(iv.length), iv, ciphertext, encryptor.final());
}

/** Finds the reader's audience entry, checks its key tag and returns the DEK. */
function unwrapDek(
  header: DimeHeader,
  privateKey: Uint8Array,
  ownPublicKey: Uint8Array,
  keyCache: DimeKeyCache | undefined,
): Uint8Array {
  const ownText = utf8ToBytes(bytesToBase64(ownPublicKey));
  const entry = header.dime.audience.find((candidate) => sameBytes(candidate.publicKey, ownText));
  if (entry === undefined) throw new DimeError("not-in-audience", "this key is not in the DIME audience");
  const ephemeral = decodeField(entry.ephemeralPubkey, "ephemeral_pubkey");
  try {
    pointFromBytes(ephemeral, "ephemeral_pubkey");
  } catch (cause) {
    throw new DimeError("bad-key-tag", "the audience entry's ephemeral key is not a secp256k1 point", { cause });
  }
  const agree = () => ecdhSharedSecret(privateKey, ephemeral, ownPublicKey);
  const { encKey, macKey } = wrapKeys(keyCache?.shared(ownPublicKey, ephemeral, agree) ?? agree());
  try {
    const expectedTag = aesBlob(encKey, ZERO_IV, macKey);
    if (!equalBytes(decodeField(entry.tag, "tag"), expectedTag)) {
      throw new DimeError("bad-key-tag", "the audience key-confirmation tag does not match");
    }
    const dekText = openAesBlob(encKey, decodeField(entry.encryptedDek, "encrypted_dek"), 12, 15);
    if (dekText === undefined) throw new DimeError("bad-key-tag", "the wrapped DEK does not decrypt");
    let dek: Uint8Array;
    try {
      dek = base64ToBytes(bytesToUtf8(dekText));
    } catch (cause) {
      throw new DimeError("bad-key-tag", "the unwrapped DEK is not base64 text", { cause });
    }
    if (dek.length !== 16 && dek.length !== 24 && dek.length !== 32) {
      throw new DimeError("bad-key-tag", `the unwrapped DEK is ${dek.length} bytes, not an AES key`);
    }
    return dek;
  } finally {
    encKey.fill(0);
    macKey.fill(0);
  }
}

/** Opens a ProvenanceAESCrypt blob with an IV length in `[minIv, maxIv]`; undefined if it does not authenticate. */
function openAesBlob(key: Uint8Array, blob: Uint8Array, minIv: number, maxIv: number): Uint8Array | undefined {
  if (blob.length < 4) throw new DimeError("malformed", "AES blob is shorter than its IV length field");
  const ivLength = readU32be(blob, 0);
  if (ivLength < minIv || ivLength > maxIv) {
    throw new DimeError("malformed", `AES blob IV length ${ivLength} is outside ${minIv}..${maxIv}`);
  }
  if (blob.length < 4 + ivLength + TAG_LENGTH) throw new DimeError("malformed", "AES blob is too short");
  const decryptor = createAesGcmDecryptor(key, blob.subarray(4, 4 + ivLength));
  const plaintext = decryptor.update(blob.subarray(4 + ivLength, blob.length - TAG_LENGTH));
  try {
    decryptor.final(blob.subarray(blob.length - TAG_LENGTH));
  } catch {
    plaintext.fill(0);
    return undefined;
  }
  return plaintext;
}

/** Checks the header MAC extension; returns whether the header was authenticated. */
function verifyHeaderMac(header: DimeHeader, dek: Uint8Array): boolean {
  const announced = Object.hasOwn(header.dime.metadata, HEADER_MAC_PROTO_METADATA)
    ? header.dime.metadata[HEADER_MAC_PROTO_METADATA]
    : undefined;
  if (announced !== undefined && announced !== HEADER_MAC_VERSION) {
    throw new DimeError("unsupported-version", `header MAC version ${JSON.stringify(announced)} is not supported`);
  }
  const macText = Object.hasOwn(header.metadata, HEADER_MAC_METADATA)
    ? header.metadata[HEADER_MAC_METADATA]
    : undefined;
  if (macText === undefined) {
    if (announced !== undefined) throw new DimeError("bad-header-mac", "the header MAC is announced but missing");
    return false;
  }
  let mac: Uint8Array;
  try {
    mac = base64ToBytes(macText);
  } catch (cause) {
    throw new DimeError("bad-header-mac", "the header MAC is not base64", { cause });
  }
  const rest = Object.fromEntries(Object.entries(header.metadata).filter(([name]) => name !== HEADER_MAC_METADATA));
  const macKey = hkdfSha256(dek, { length: 32, info: HEADER_MAC_INFO });
  const { sections } = header;
  const expected = hmacSha256(
    macKey,
    headerMacMessage(sections.uuid, utf8ToBytes(JSON.stringify(rest)), sections.uri, sections.dime),
  );
  macKey.fill(0);
  if (!equalBytes(mac, expected)) throw new DimeError("bad-header-mac", "the cleartext header was altered");
  return true;
}

/** Decides which signature must verify at the end, decoding every signature entry strictly. */
function planSignatureCheck(
  header: DimeHeader,
  expectedSigner: Uint8Array | undefined,
  requireSignature: boolean | undefined,
): SignatureCheck | undefined {
  const entries = header.signatures.map((entry, index): SignatureCheck => {
    try {
      const signature = base64ToBytes(entry.signature);
      const pem = bytesToUtf8(base64ToBytes(entry.publicKey));
      const publicKey = publicKeyFromPem(pem);
      if (!isCanonicalPem(pem, publicKey)) throw new RangeError("PEM is not in canonical form");
      return { publicKey, pem, signature };
    } catch (cause) {
      throw new DimeError("bad-signature", `signature ${index} is malformed`, { cause });
    }
  });
  let signerKey = expectedSigner;
  let required = requireSignature ?? false;
  if (signerKey === undefined && Object.hasOwn(header.metadata, SIGNATURE_PUBLIC_KEY_METADATA)) {
    try {
      signerKey = publicKeyFromPem(header.metadata[SIGNATURE_PUBLIC_KEY_METADATA]!);
    } catch (cause) {
      throw new DimeError("bad-signature", `the ${SIGNATURE_PUBLIC_KEY_METADATA} metadata is not a PEM key`, { cause });
    }
    required = requireSignature ?? true;
  }
  if (expectedSigner !== undefined) required = true;
  if (signerKey !== undefined) {
    const key = signerKey;
    const match = entries.find((entry) => sameBytes(entry.publicKey, key));
    if (match !== undefined) return match;
    if (entries.length > 0) throw new DimeError("bad-signature", "no signature from the expected signer");
    if (required) throw new DimeError("bad-signature", "the DIME carries no signature");
    return undefined;
  }
  if (entries.length > 0) return entries[0];
  if (required) throw new DimeError("bad-signature", "the DIME carries no signature");
  return undefined;
}

/** Streams the payload tail: IV prefix, ciphertext with the last 16 bytes held back as the tag. */
async function* decryptPayload(
  payload: AsyncIterable<Uint8Array>,
  dek: Uint8Array,
  check: SignatureCheck | undefined,
  expectedHash: Uint8Array | undefined,
  onVerified: (hash: Uint8Array) => void,
): AsyncGenerator<Uint8Array, void> {
  const iterator = toAsyncIterator(payload);
  let finished = false;
  try {
    // The prefix: u32 IV length (12..16) and the IV.
    let prefix: Uint8Array = new Uint8Array(0);
    let ivLength = -1;
    while (ivLength < 0 || prefix.length < 4 + ivLength) {
      const next = await iterator.next();
      if (next.done === true) {
        finished = true;
        throw new DimeError("truncated", "the DIME payload ends before its IV");
      }
      prefix = concatBytes(prefix, abytes(next.value, "chunk"));
      if (ivLength < 0 && prefix.length >= 4) {
        ivLength = readU32be(prefix, 0);
        if (ivLength < 12 || ivLength > 16) {
          throw new DimeError("malformed", `the payload IV length ${ivLength} is outside 12..16`);
        }
      }
    }
    const rest = prefix.subarray(4 + ivLength);
    const decryptor = createAesGcmDecryptor(dek, prefix.slice(4, 4 + ivLength));
    const sha256Hash = sha256.create();
    const sha512Hash: Hash | undefined = expectedHash?.length === 64 ? sha512.create() : undefined;
    // The signature is checked by OpenSSL as the plaintext streams by, about three times faster than
    // noble's verification of a digest.
    const verifier: Verifier | undefined = check === undefined ? undefined : createVerifier(check.publicKey);
    let tail: Uint8Array = new Uint8Array(0);
    let pending: Uint8Array | undefined;

    const decrypt = (ciphertext: Uint8Array): Uint8Array | undefined => {
      if (ciphertext.length === 0) return undefined;
      const plaintext = decryptor.update(ciphertext);
      sha256Hash.update(plaintext);
      sha512Hash?.update(plaintext);
      verifier?.update(plaintext);
      return plaintext;
    };
    // Decrypts `chunk` except its last 16 bytes (plus whatever was held back before) and keeps those as the tail.
    const feed = (chunk: Uint8Array): Uint8Array[] => {
      const out: Uint8Array[] = [];
      if (chunk.length >= TAG_LENGTH) {
        const head = decrypt(tail);
        if (head !== undefined) out.push(head);
        const body = decrypt(chunk.subarray(0, chunk.length - TAG_LENGTH));
        if (body !== undefined) out.push(body);
        tail = chunk.slice(chunk.length - TAG_LENGTH);
      } else {
        const combined = concatBytes(tail, chunk);
        const body = decrypt(combined.subarray(0, Math.max(0, combined.length - TAG_LENGTH)));
        if (body !== undefined) out.push(body);
        tail = combined.slice(Math.max(0, combined.length - TAG_LENGTH));
      }
      return out;
    };

    let source: Uint8Array | undefined = rest;
    for (;;) {
      if (source === undefined) {
        const next = await iterator.next();
        if (next.done === true) break;
        source = abytes(next.value, "chunk");
      }
      for (let offset = 0; offset < source.length; offset += MAX_UPDATE) {
        for (const piece of feed(source.subarray(offset, offset + MAX_UPDATE))) {
          if (pending !== undefined) yield pending;
          pending = piece;
        }
      }
      source = undefined;
    }
    finished = true;
    if (tail.length < TAG_LENGTH) throw new DimeError("truncated", "the DIME payload ends before its GCM tag");
    try {
      decryptor.final(tail);
    } catch (cause) {
      throw new DimeError("bad-tag", "the payload was altered (AES-GCM tag mismatch)", { cause });
    }
    const hash = sha256Hash.digest();
    const digest512 = sha512Hash?.digest();
    if (expectedHash !== undefined) {
      const actual = expectedHash.length === 64 ? digest512! : expectedHash.length === 16 ? hash.subarray(0, 16) : hash;
      if (!equalBytes(actual, expectedHash))
        throw new DimeError("hash-mismatch", "the plaintext hash is not the expected one");
    }
    if (check !== undefined && !verifier!.verify(check.signature)) {
      throw new DimeError("bad-signature", "the signature does not verify over the plaintext");
    }
    onVerified(hash);
    if (pending !== undefined) yield pending;
  } finally {
    if (!finished) await iterator.return?.();
  }
}

function decodeField(bytes: Uint8Array, title: string): Uint8Array {
  try {
    return base64ToBytes(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1"));
  } catch (cause) {
    throw new DimeError("malformed", `audience ${title} is not base64 text`, { cause });
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function uniqueKeys(keys: readonly Uint8Array[]): Uint8Array[] {
  if (!Array.isArray(keys)) throw new TypeError(`"audience" expected an array, got ${describeType(keys)}`);
  const seen = new Set<string>();
  const out: Uint8Array[] = [];
  keys.forEach((key, index) => {
    const point = decompressPublicKey(abytes(key, `audience[${index}]`));
    const id = bytesToBase64(point);
    if (!seen.has(id)) {
      seen.add(id);
      out.push(point);
    }
  });
  return out;
}

function signerKeys(signer: DimeSigner): { privateKey: Uint8Array; pem: string } {
  // A key pair of ours carries its public key already; deriving it again costs a scalar multiplication.
  const { privateKey, publicKey: derived } = keyMaterial(signer, "signer");
  if (!isBytes(signer) && "publicKey" in signer && signer.publicKey !== undefined) {
    if (!sameBytes(decompressPublicKey(abytes(signer.publicKey, "signer.publicKey")), derived)) {
      throw new RangeError('"signer.publicKey" does not belong to "signer.privateKey"');
    }
  }
  return { privateKey, pem: publicKeyToPem(derived) };
}

function timeMillis(now: Date | number | undefined): number {
  if (now === undefined) return Date.now();
  const millis = now instanceof Date ? now.getTime() : now;
  if (typeof millis !== "number" || !Number.isFinite(millis) || millis < 0) {
    throw new RangeError(`"now" expected a Date or epoch milliseconds, got ${describeType(now)}`);
  }
  return millis;
}

function plaintextSource(plaintext: DimePlaintext): AsyncIterable<Uint8Array> | Iterable<Uint8Array> {
  if (isBytes(plaintext)) return [plaintext];
  if (
    typeof plaintext === "object" &&
    plaintext !== null &&
    (Symbol.asyncIterator in plaintext || Symbol.iterator in plaintext)
  ) {
    return plaintext;
  }
  throw new TypeError(`"plaintext" expected Uint8Array or an iterable of chunks, got ${describeType(plaintext)}`);
}

/** An async iterable that can be iterated only once. */
function once<T>(factory: () => AsyncGenerator<T>, title: string): AsyncIterable<T> {
  let used = false;
  return {
    [Symbol.asyncIterator]() {
      if (used) throw new Error(`${title}: the stream can be read only once`);
      used = true;
      return factory();
    },
  };
}
