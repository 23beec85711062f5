/**
 * An independent writer and reader of upstream (Kotlin p8e-scope-sdk) DIMEs, following the byte-level
 * facts of the reference directly with node:crypto and a reflection protobuf encoder, sharing no code
 * with the implementation under test. Not part of the package build.
 * @module
 */

import {
  createCipheriv,
  createDecipheriv,
  createECDH,
  createHash,
  hkdfSync,
  randomBytes,
  randomUUID,
} from "node:crypto";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { DimeSchema } from "./schemas.js";

interface UpstreamOptions {
  owner: Uint8Array;
  audience?: Uint8Array[];
  metadata?: Record<string, string>;
  dekIvLength?: number;
  payloadIvLength?: number;
}

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64");
const utf8 = (text: string) => new Uint8Array(Buffer.from(text, "utf8"));

function u32(value: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(value);
  return out;
}

function aesBlob(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array): Buffer {
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([u32(iv.length), iv, ciphertext, cipher.getAuthTag()]);
}

function wrap(dek: Buffer, recipient: Uint8Array, context: number, dekIvLength: number) {
  const ephemeral = createECDH("secp256k1");
  ephemeral.generateKeys();
  const shared = ephemeral.computeSecret(recipient);
  const okm = Buffer.from(hkdfSync("sha256", shared, Buffer.alloc(0), Buffer.alloc(0), 64));
  const encKey = okm.subarray(0, 32);
  const macKey = okm.subarray(32);
  return {
    payloadId: 0,
    publicKey: utf8(b64(recipient)),
    context,
    tag: utf8(b64(aesBlob(encKey, Buffer.alloc(12), macKey))),
    ephemeralPubkey: utf8(b64(ephemeral.getPublicKey())),
    encryptedDek: utf8(b64(aesBlob(encKey, randomBytes(dekIvLength), utf8(dek.toString("base64"))))),
  };
}

/** Writes a DIME the way the Kotlin os-client does (no header MAC), with configurable IV lengths. */
export function upstreamEncrypt(
  plaintext: Uint8Array,
  options: UpstreamOptions,
): { bytes: Uint8Array; hash: Uint8Array } {
  const dek = randomBytes(32);
  const dekIvLength = options.dekIvLength ?? 12;
  const owner = wrap(dek, options.owner, 1, dekIvLength);
  const readers = (options.audience ?? []).map((key) => wrap(dek, key, 3, dekIvLength));
  const seconds = BigInt(Math.floor(Date.now() / 1000));
  const proto = toBinary(
    DimeSchema,
    create(DimeSchema, {
      uuid: { value: randomUUID() },
      owner,
      audience: [...readers, owner],
      payload: [{}],
      auditFields: { createdDate: { seconds }, updatedDate: { seconds }, version: 1 },
    }),
  );
  const uuid = Buffer.from(randomUUID().replaceAll("-", ""), "hex");
  const section = (bytes: Uint8Array) => Buffer.concat([u32(bytes.length), bytes]);
  const header = Buffer.concat([
    u32(0x44494d45),
    Buffer.from([0, 1]),
    section(uuid),
    section(utf8(JSON.stringify(options.metadata ?? {}))),
    section(utf8("")),
    section(utf8("[]")),
    section(proto),
  ]);
  const iv = randomBytes(options.payloadIvLength ?? 12);
  const cipher = createCipheriv("aes-256-gcm", dek, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  const bytes = Buffer.concat([header, u32(iv.length), iv, ciphertext, cipher.getAuthTag()]);
  return { bytes: new Uint8Array(bytes), hash: new Uint8Array(createHash("sha256").update(plaintext).digest()) };
}

/** Reads a DIME the way the Kotlin reader does (ignoring signatures and unknown metadata). */
export function upstreamDecrypt(bytes: Uint8Array, privateKey: Uint8Array): Uint8Array {
  const buffer = Buffer.from(bytes);
  if (buffer.readUInt32BE(0) !== 0x44494d45 || buffer.readUInt16BE(4) !== 1) throw new Error("not a DIME");
  let position = 6;
  const sections: Buffer[] = [];
  for (let i = 0; i < 5; i++) {
    const length = buffer.readUInt32BE(position);
    sections.push(buffer.subarray(position + 4, position + 4 + length));
    position += 4 + length;
  }
  const dime = fromBinary(DimeSchema, sections[4]!) as unknown as {
    audience: { publicKey: Uint8Array; tag: Uint8Array; ephemeralPubkey: Uint8Array; encryptedDek: Uint8Array }[];
  };
  const ecdh = createECDH("secp256k1");
  ecdh.setPrivateKey(privateKey);
  const own = ecdh.getPublicKey().toString("base64");
  const entry = dime.audience.find((candidate) => Buffer.from(candidate.publicKey).toString("utf8") === own);
  if (entry === undefined) throw new Error("Audience list does not contain Audience of member..");
  const shared = ecdh.computeSecret(Buffer.from(Buffer.from(entry.ephemeralPubkey).toString("utf8"), "base64"));
  const okm = Buffer.from(hkdfSync("sha256", shared, Buffer.alloc(0), Buffer.alloc(0), 64));
  const encKey = okm.subarray(0, 32);
  const expectedTag = aesBlob(encKey, Buffer.alloc(12), okm.subarray(32));
  if (!expectedTag.equals(Buffer.from(Buffer.from(entry.tag).toString("utf8"), "base64")))
    throw new Error("Invalid MAC");
  const open = (key: Uint8Array, blob: Buffer) => {
    const ivLength = blob.readUInt32BE(0);
    const decipher = createDecipheriv("aes-256-gcm", key, blob.subarray(4, 4 + ivLength));
    decipher.setAuthTag(blob.subarray(blob.length - 16));
    return Buffer.concat([decipher.update(blob.subarray(4 + ivLength, blob.length - 16)), decipher.final()]);
  };
  const dekText = open(encKey, Buffer.from(Buffer.from(entry.encryptedDek).toString("utf8"), "base64"));
  const dek = Buffer.from(dekText.toString("utf8"), "base64");
  return new Uint8Array(open(dek, buffer.subarray(position)));
}
