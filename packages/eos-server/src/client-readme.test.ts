import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createEosClient } from "@p8e/eos-client";
import { generateKeyPair } from "@p8e/hashing-crypto";
import { describe, expect, it } from "vitest";
import { startTestServer } from "./testdata/harness.js";

const readme = readFileSync(
  fileURLToPath(new URL("README.md", import.meta.resolve("@p8e/eos-client/package.json"))),
  "utf8",
);

// @p8e/eos-client's README example, run against a real store (the client package cannot depend on the server).
describe("@p8e/eos-client README", () => {
  it("runs the store example", async () => {
    expect(readme).toContain(
      'const { hash } = await alice.put(new TextEncoder().encode("for bob"), { audience: [bobKeys.publicKey] });',
    );
    expect(readme).toContain("for await (const mail of bob.subscribe({ signal })) {");
    const store = await startTestServer();
    const aliceKeys = generateKeyPair();
    const bobKeys = generateKeyPair();
    const controller = new AbortController();
    const signal = controller.signal;
    const handled: string[] = [];
    const handle = (plaintext: Uint8Array) => {
      handled.push(new TextDecoder().decode(plaintext));
      controller.abort();
    };
    try {
      const alice = createEosClient({ baseUrl: store.server.url, keys: { encryption: aliceKeys } });
      const bob = createEosClient({ baseUrl: store.server.url, keys: { encryption: bobKeys } });

      const { hash } = await alice.put(new TextEncoder().encode("for bob"), { audience: [bobKeys.publicKey] });
      const text = new TextDecoder().decode(await bob.get(hash));

      await alice.sendMail(new TextEncoder().encode("please sign"), {
        type: "FRAGMENT_REQUEST",
        to: [bobKeys.publicKey],
      });
      for await (const mail of bob.subscribe({ signal })) {
        handle(mail.plaintext);
        await mail.ack();
      }
      expect(text).toBe("for bob");
      expect(handled).toEqual(["please sign"]);
      expect(await bob.fetchMail()).toEqual([]);
      alice.close();
      bob.close();
    } finally {
      await store.stop();
    }
  });
});
