// Who may call the API: a holder of the party's own signing or encryption key, proven the way the
// object store asks for it — sign a one-time challenge (SHA512withECDSA), get a bearer token.
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { Code, ConnectError, type HandlerContext } from "@connectrpc/connect";
import { compressPublicKey, verify } from "@p8e/hashing-crypto";

/** The bytes a key signs: this prefix, then the challenge. */
export const API_AUTH_PREFIX = "p8e-api-auth-v1:";

const CHALLENGE_TTL_MS = 2 * 60_000;
const TOKEN_TTL_MS = 60 * 60_000;

/** Issues challenges and tokens for the keys in `allowed`; the secret lives in memory (tokens end with the process). */
export function createApiAuth(allowed: readonly Uint8Array[], now: () => number = Date.now) {
  const secret = randomBytes(32);
  const keys = allowed.map((key) => Buffer.from(compressPublicKey(key)).toString("hex"));
  const used = new Map<string, number>();
  const mac = (label: string, data: Uint8Array) => createHmac("sha256", secret).update(label).update(data).digest();

  return {
    createChallenge(): { challenge: Uint8Array; expiresAtMs: number } {
      const expiresAtMs = now() + CHALLENGE_TTL_MS;
      const body = Buffer.alloc(24);
      randomBytes(16).copy(body, 0);
      body.writeBigUInt64BE(BigInt(expiresAtMs), 16);
      return { challenge: Buffer.concat([body, mac("challenge", body).subarray(0, 16)]), expiresAtMs };
    },

    authenticate(
      challenge: Uint8Array,
      publicKey: Uint8Array,
      signature: Uint8Array,
    ): { token: string; expiresAtMs: number } {
      const bytes = Buffer.from(challenge);
      if (
        bytes.length !== 40 ||
        !timingSafeEqual(mac("challenge", bytes.subarray(0, 24)).subarray(0, 16), bytes.subarray(24))
      ) {
        throw new ConnectError(
          "not a challenge of this environment; ask CreateChallenge for one",
          Code.Unauthenticated,
        );
      }
      const expires = Number(bytes.readBigUInt64BE(16));
      const id = bytes.toString("base64");
      if (expires < now() || used.has(id)) {
        throw new ConnectError(
          "the challenge expired or was used; ask CreateChallenge for a new one",
          Code.Unauthenticated,
        );
      }
      let compressed: string;
      try {
        compressed = Buffer.from(compressPublicKey(publicKey)).toString("hex");
      } catch {
        throw new ConnectError("public_key is not a secp256k1 public key", Code.InvalidArgument);
      }
      if (!keys.includes(compressed)) {
        throw new ConnectError(
          "only this party's own signing or encryption key may use its API",
          Code.PermissionDenied,
        );
      }
      const signed = Buffer.concat([Buffer.from(API_AUTH_PREFIX), bytes]);
      if (!verify(signature, signed, publicKey)) {
        throw new ConnectError("the signature does not verify over the challenge for public_key", Code.Unauthenticated);
      }
      used.set(id, expires);
      for (const [key, at] of used) if (at < now()) used.delete(key);
      const expiresAtMs = now() + TOKEN_TTL_MS;
      const body = Buffer.from(JSON.stringify({ k: compressed, e: expiresAtMs })).toString("base64url");
      return { token: `p8e1.${body}.${mac("token", Buffer.from(body)).toString("base64url")}`, expiresAtMs };
    },

    /** Checks the call's bearer token; throws UNAUTHENTICATED saying how to get one. */
    require(context: HandlerContext): void {
      const header = context.requestHeader.get("authorization") ?? "";
      const match = /^Bearer (p8e1)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/.exec(header);
      if (match === null) {
        throw new ConnectError(
          "send authorization: Bearer <token>; get a token with CreateChallenge and Authenticate (p8e does this)",
          Code.Unauthenticated,
        );
      }
      const expected = mac("token", Buffer.from(match[2]!));
      const given = Buffer.from(match[3]!, "base64url");
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        throw new ConnectError(
          "the token is not one this environment issued (it restarted?); authenticate again",
          Code.Unauthenticated,
        );
      }
      const { e } = JSON.parse(Buffer.from(match[2]!, "base64url").toString()) as { e: number };
      if (e < now()) throw new ConnectError("the token expired; authenticate again", Code.Unauthenticated);
    },
  };
}

/** The API's authentication. */
export type ApiAuth = ReturnType<typeof createApiAuth>;
