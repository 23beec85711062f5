// Mistakes a new user makes, refused before anything is sent, with a message that says what to do.
import { generateKeyPair } from "@p8e/hashing-crypto";
import { afterEach, describe, expect, it } from "vitest";
import type { EosClient, MailType } from "./client-types.js";
import { createEosClient } from "./eos-client.js";
import { EosError } from "./eos-error.js";

const keys = generateKeyPair();
const opened: EosClient[] = [];
afterEach(() => {
  for (const client of opened.splice(0)) client.close();
});
// Port 9 (discard): nothing answers there, so a check that let a call through would fail as unavailable.
const client = () => {
  const c = createEosClient({ baseUrl: "http://127.0.0.1:9", keys: { encryption: keys }, retries: 0 });
  opened.push(c);
  return c;
};

function thrown(fn: () => unknown): EosError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(EosError);
    return error as EosError;
  }
  throw new Error("expected an EosError");
}

describe("createEosClient({ baseUrl })", () => {
  it.each([
    ["grpc://127.0.0.1:5000", /scheme grpc.*\(for grpc:\/\/ pass http:\/\/127\.0\.0\.1:5000\)/],
    ["grpcs://eos.example.com", /\(for grpcs:\/\/ pass https:\/\/eos\.example\.com\)/],
    ["ftp://eos.example.com", /scheme ftp; the client speaks http:\/\/ \(plain HTTP\/2\) or https:\/\/ \(TLS\)/],
    ["127.0.0.1:5000", /has no scheme; pass http:\/\/127\.0\.0\.1:5000 \(plain HTTP\/2\)/],
    ["localhost:5000", /has no scheme; pass http:\/\/localhost:5000/],
    ["eos", /is not a URL; pass http:\/\/host:port/],
  ])("refuses %s, saying what to pass", (baseUrl, message) => {
    const error = thrown(() => createEosClient({ baseUrl, keys: { encryption: keys } }));
    expect(error.code).toBe("invalid-argument");
    expect(error.message).toMatch(message);
  });
});

describe("sendMail()", () => {
  const data = new TextEncoder().encode("hi");
  const refusal = (options: Parameters<EosClient["sendMail"]>[1]) =>
    client()
      .sendMail(data, options)
      .then(
        () => {
          throw new Error("expected a refusal");
        },
        (e: unknown) => e as EosError,
      );

  it("refuses mail to nobody", async () => {
    const error = await refusal({ type: "FRAGMENT_REQUEST", to: [] });
    expect(error.code).toBe("invalid-argument");
    expect(error.message).toMatch(/no recipient/);
  });

  it("refuses mail to oneself, also given as a compressed key", async () => {
    for (const self of [keys.publicKey, keys.compressedPublicKey]) {
      const error = await refusal({ type: "FRAGMENT_REQUEST", to: [generateKeyPair().publicKey, self] });
      expect(error.message).toMatch(/to\[1\] is this client's own key.*never arrives/);
    }
  });

  it("refuses a type the store does not deliver", async () => {
    const error = await refusal({ type: "HELLO" as MailType, to: [generateKeyPair().publicKey] });
    expect(error.message).toMatch(
      /"HELLO" is not a mail type; use one of FRAGMENT_REQUEST, FRAGMENT_RESPONSE, ERROR_RESPONSE/,
    );
  });

  it("refuses a recipient that is not a public key", async () => {
    const error = await refusal({ type: "ERROR_RESPONSE", to: [new Uint8Array(20)] });
    expect(error.message).toMatch(/to\[0\] must be a 33- or 65-byte public key, got 20/);
  });

  it("lets good mail through to the network (here: nothing listening)", async () => {
    const error = await refusal({ type: "FRAGMENT_RESPONSE", to: [generateKeyPair().publicKey] });
    expect(error.code).toBe("unavailable");
  });
});
