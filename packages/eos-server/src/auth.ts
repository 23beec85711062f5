import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { verify } from "@p8e/hashing-crypto";
import { EosServerError, invalid } from "./errors.js";
import { keyToBase64, shortKey } from "./public-keys.js";
import type { ObjectStorage } from "./storage/object-storage.js";

/** The bytes a caller signs to prove it holds a key: these UTF-8 bytes followed by the challenge. */
export const AUTH_SIGNING_PREFIX = "p8e-eos-auth-v1:";

/** The request header that carries the token: `authorization: Bearer <token>`. */
export const AUTH_HEADER = "authorization";

/** Who is calling: the keys its token proved, or nobody. */
export interface Caller {
  /** Keys the caller proved it holds, in the store's base64 form; empty for an anonymous caller. */
  readonly keys: ReadonlySet<string>;
  readonly authenticated: boolean;
}

/** The anonymous caller (no token). */
export const anonymous: Caller = { keys: new Set(), authenticated: false };

/** A challenge ready to sign. */
export interface IssuedChallenge {
  readonly challenge: Uint8Array;
  readonly expiresAt: number;
}

/** A token and what it stands for. */
export interface IssuedToken {
  readonly token: string;
  readonly expiresAt: number;
  readonly keys: readonly string[];
}

/** Options of {@link createAuthority}. */
export interface AuthorityOptions {
  readonly storage: ObjectStorage;
  /** Token lifetime; default 15 minutes. */
  readonly tokenTtlMs?: number;
  /** Challenge lifetime; default 2 minutes. */
  readonly challengeTtlMs?: number;
  /** Clock, for tests. */
  readonly now?: () => number;
}

/** Issues challenges, checks key proofs and mints and checks bearer tokens. */
export interface Authority {
  issueChallenge(): IssuedChallenge;
  authenticate(
    challenge: Uint8Array,
    proofs: ReadonlyArray<{ publicKey: Uint8Array; signature: Uint8Array }>,
  ): IssuedToken;
  /** The caller a bearer token stands for; throws UNAUTHENTICATED for a bad or expired token. */
  verifyToken(token: string): Caller;
}

const nonceLength = 16;
const macLength = 16;
const challengeLength = nonceLength + 8 + macLength;
const tokenPrefix = "eos1";
const maxProofs = 16;

/**
 * The store's authentication: stateless HMAC-signed challenges (single use, remembered until they
 * expire) and HMAC-signed bearer tokens bound to the proven keys. The HMAC secret lives in the
 * storage's metadata, so tokens survive a restart.
 */
export async function createAuthority(options: AuthorityOptions): Promise<Authority> {
  const now = options.now ?? Date.now;
  const tokenTtl = options.tokenTtlMs ?? 15 * 60_000;
  const challengeTtl = options.challengeTtlMs ?? 2 * 60_000;
  let secret = await options.storage.getMeta("auth.secret");
  if (secret === undefined) {
    secret = new Uint8Array(randomBytes(32));
    await options.storage.setMeta("auth.secret", secret);
  }
  const key = secret;
  const mac = (label: string, data: Uint8Array | string) =>
    createHmac("sha256", key).update(label).update(data).digest();
  const usedChallenges = new Map<string, number>();
  const tokenCache = new Map<string, { caller: Caller; expiresAt: number }>();

  function pruneUsed(): void {
    const t = now();
    for (const [nonce, expiresAt] of usedChallenges) if (expiresAt < t) usedChallenges.delete(nonce);
  }

  return {
    issueChallenge() {
      const expiresAt = now() + challengeTtl;
      const body = new Uint8Array(nonceLength + 8);
      body.set(randomBytes(nonceLength), 0);
      new DataView(body.buffer).setBigUint64(nonceLength, BigInt(expiresAt));
      const challenge = new Uint8Array(challengeLength);
      challenge.set(body, 0);
      challenge.set(mac("challenge", body).subarray(0, macLength), body.length);
      return { challenge, expiresAt };
    },

    authenticate(challenge, proofs) {
      if (challenge.length !== challengeLength)
        throw invalid(`challenge must be ${challengeLength} bytes, got ${challenge.length}`);
      const body = challenge.subarray(0, nonceLength + 8);
      const expected = mac("challenge", body).subarray(0, macLength);
      if (!timingSafeEqual(expected, challenge.subarray(nonceLength + 8))) {
        throw new EosServerError("unauthenticated", "challenge was not issued by this store");
      }
      const expiresAt = Number(new DataView(body.buffer, body.byteOffset).getBigUint64(nonceLength));
      if (expiresAt < now()) throw new EosServerError("unauthenticated", "challenge expired; request a new one");
      const nonce = Buffer.from(body.subarray(0, nonceLength)).toString("hex");
      if (usedChallenges.has(nonce))
        throw new EosServerError("unauthenticated", "challenge was already used; request a new one");
      if (proofs.length === 0) throw invalid("no key proofs: sign the challenge with at least one key");
      if (proofs.length > maxProofs) throw invalid(`at most ${maxProofs} key proofs per token, got ${proofs.length}`);
      const message = new Uint8Array(AUTH_SIGNING_PREFIX.length + challenge.length);
      message.set(new TextEncoder().encode(AUTH_SIGNING_PREFIX), 0);
      message.set(challenge, AUTH_SIGNING_PREFIX.length);
      const keys: string[] = [];
      for (const [i, proof] of proofs.entries()) {
        const base64 = keyToBase64(proof.publicKey, `proofs[${i}].public_key`);
        let ok = false;
        try {
          ok = verify(proof.signature, message, proof.publicKey);
        } catch {
          ok = false;
        }
        if (!ok) {
          throw new EosServerError(
            "unauthenticated",
            `proofs[${i}]: the signature does not verify for key ${shortKey(base64)} (expected SHA512withECDSA over "${AUTH_SIGNING_PREFIX}" + challenge)`,
          );
        }
        if (!keys.includes(base64)) keys.push(base64);
      }
      pruneUsed();
      usedChallenges.set(nonce, expiresAt);
      const tokenExpiresAt = now() + tokenTtl;
      const payload = Buffer.from(JSON.stringify({ k: keys, e: tokenExpiresAt })).toString("base64url");
      const signed = `${tokenPrefix}.${payload}`;
      const token = `${signed}.${mac("token", signed).toString("base64url")}`;
      return { token, expiresAt: tokenExpiresAt, keys };
    },

    verifyToken(token) {
      const t = now();
      const cached = tokenCache.get(token);
      if (cached !== undefined) {
        if (cached.expiresAt >= t) return cached.caller;
        tokenCache.delete(token);
        throw new EosServerError("unauthenticated", "token expired; authenticate again");
      }
      const parts = token.split(".");
      if (parts.length !== 3 || parts[0] !== tokenPrefix)
        throw new EosServerError("unauthenticated", "malformed bearer token");
      const signed = `${parts[0]}.${parts[1]}`;
      const expected = mac("token", signed);
      const given = Buffer.from(parts[2]!, "base64url");
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        throw new EosServerError("unauthenticated", "bearer token was not issued by this store");
      }
      let payload: { k: string[]; e: number };
      try {
        payload = JSON.parse(Buffer.from(parts[1]!, "base64url").toString("utf8"));
      } catch {
        throw new EosServerError("unauthenticated", "malformed bearer token");
      }
      if (payload.e < t) throw new EosServerError("unauthenticated", "token expired; authenticate again");
      const caller: Caller = { keys: new Set(payload.k), authenticated: true };
      if (tokenCache.size > 10_000) tokenCache.clear();
      tokenCache.set(token, { caller, expiresAt: payload.e });
      return caller;
    },
  };
}
