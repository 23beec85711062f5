// Party cards: how a party's environment tells others which keys it signs and receives data with and
// where its store is. The card is registered as the metadata of the party's own key at its own store
// (PublicKeyService.Add) and listed there by EosService/ListParties. It is signed by both of the
// party's keys, so a store (or anyone between) can withhold or replay a card but not forge, alter
// one, or pair another party's key with its own.
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { type Any, anyPack, anyUnpack, timestampDate, timestampFromDate } from "@bufbuild/protobuf/wkt";
import { decompressPublicKey, type KeyPair, sign, verify } from "@p8e/hashing-crypto";
import { type PartyCard, PartyCardSchema, type SignedPartyCard, SignedPartyCardSchema } from "@p8e/spec-model/eos";
import { EosError } from "./eos-error.js";

/** What a party's signature over a card covers: these bytes, then the encoded card. */
export const PARTY_CARD_SIGNING_PREFIX = "p8e-party-card-v1:";

/** A party's keys and store, as its card states them (keys as 65-byte uncompressed points). */
export interface PartyCardFields {
  readonly signingPublicKey: Uint8Array;
  readonly encryptionPublicKey: Uint8Array;
  /** The store other stores replicate to for this party. */
  readonly storeUrl: string;
  /** The node key that store replicates with. */
  readonly storeNodePublicKey: Uint8Array;
}

/** A card whose signature verified. */
export interface VerifiedPartyCard extends PartyCardFields {
  readonly issuedAt: Date;
  /** The card as signed, to pass on unchanged. */
  readonly signed: SignedPartyCard;
}

/** Signs a card with the party's two keys, whose public halves must be the card's keys. */
export function signPartyCard(
  fields: PartyCardFields,
  keys: { readonly signing: KeyPair; readonly encryption: KeyPair },
  issuedAt = new Date(),
): SignedPartyCard {
  for (const [pair, named, which] of [
    [keys.signing, fields.signingPublicKey, "signing"],
    [keys.encryption, fields.encryptionPublicKey, "encryption"],
  ] as const) {
    if (!Buffer.from(point(pair.publicKey, `the ${which} key`)).equals(point(named, which))) {
      throw new EosError("invalid-argument", `a party card must be signed by the key it names as its ${which} key`);
    }
  }
  storeUrlOf(fields.storeUrl);
  const card = toBinary(
    PartyCardSchema,
    create(PartyCardSchema, {
      signingPublicKey: point(fields.signingPublicKey, "signing_public_key"),
      encryptionPublicKey: point(fields.encryptionPublicKey, "encryption_public_key"),
      storeUrl: fields.storeUrl,
      storeNodePublicKey: point(fields.storeNodePublicKey, "store_node_public_key"),
      issuedAt: timestampFromDate(issuedAt),
    }),
  );
  return create(SignedPartyCardSchema, {
    card,
    signature: sign(signedBytes(card), keys.signing.privateKey),
    encryptionSignature: sign(signedBytes(card), keys.encryption.privateKey),
  });
}

/**
 * Decodes a signed card and checks it: every key a secp256k1 point, the store URL http(s), and the
 * signatures by the card's own signing and encryption keys.
 * @throws {EosError} "invalid-argument" naming what is wrong.
 */
export function openPartyCard(signed: SignedPartyCard): VerifiedPartyCard {
  let card: PartyCard;
  try {
    card = fromBinary(PartyCardSchema, signed.card);
  } catch (cause) {
    throw new EosError("invalid-argument", "the party card does not decode as p8e.eos.v1.PartyCard", { cause });
  }
  const fields = {
    signingPublicKey: point(card.signingPublicKey, "signing_public_key"),
    encryptionPublicKey: point(card.encryptionPublicKey, "encryption_public_key"),
    storeUrl: storeUrlOf(card.storeUrl),
    storeNodePublicKey: point(card.storeNodePublicKey, "store_node_public_key"),
  };
  for (const [signature, key, which] of [
    [signed.signature, fields.signingPublicKey, "signing"],
    [signed.encryptionSignature, fields.encryptionPublicKey, "encryption"],
  ] as const) {
    let verified = false;
    try {
      verified = verify(signature, signedBytes(signed.card), key);
    } catch {
      verified = false;
    }
    if (!verified) {
      throw new EosError("invalid-argument", `the party card's signature does not verify for its ${which} key`);
    }
  }
  if (card.issuedAt === undefined) throw new EosError("invalid-argument", "the party card has no issued_at");
  return { ...fields, issuedAt: timestampDate(card.issuedAt), signed };
}

/** The card as key-registration metadata (`google.protobuf.Any`). */
export function partyCardMetadata(signed: SignedPartyCard): Any {
  return anyPack(SignedPartyCardSchema, signed);
}

/** The signed card a registration's metadata carries, or undefined when it carries something else. */
export function partyCardFromMetadata(metadata: Any | undefined): SignedPartyCard | undefined {
  return metadata === undefined ? undefined : anyUnpack(metadata, SignedPartyCardSchema);
}

function signedBytes(card: Uint8Array): Uint8Array {
  const prefix = new TextEncoder().encode(PARTY_CARD_SIGNING_PREFIX);
  const out = new Uint8Array(prefix.length + card.length);
  out.set(prefix, 0);
  out.set(card, prefix.length);
  return out;
}

/** A key as its 65-byte uncompressed point. */
function point(key: Uint8Array, field: string): Uint8Array {
  if (key.length !== 33 && key.length !== 65) {
    throw new EosError("invalid-argument", `the party card's ${field} must be a 33- or 65-byte secp256k1 key`);
  }
  try {
    return decompressPublicKey(key);
  } catch (cause) {
    throw new EosError("invalid-argument", `the party card's ${field} is not a point on secp256k1`, { cause });
  }
}

function storeUrlOf(url: string): string {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (parsed === undefined || (parsed.protocol !== "http:" && parsed.protocol !== "https:") || parsed.host === "") {
    throw new EosError("invalid-argument", `the party card's store_url ${JSON.stringify(url)} is not an http(s) URL`);
  }
  return url;
}
