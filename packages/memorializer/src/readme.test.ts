import { randomUUID } from "node:crypto";
import { createDevnet, DEV_MNEMONICS, type Devnet } from "@p8e/devnet";
import { keyPairFromMnemonic, publicKeyToAddress } from "@p8e/hashing-crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMemorializer } from "./index.js";
import { helloWorldEnvelope, helloWorldSpecifications } from "./testdata/hello-world.js";

let devnet: Devnet;

beforeAll(async () => {
  devnet = createDevnet({ instant: true });
  await devnet.start();
}, 30_000);

afterAll(async () => {
  await devnet?.stop();
});

// The README example, run as a test against a devnet.
describe("README", { timeout: 30_000 }, () => {
  it("runs the example", async () => {
    const mnemonic = DEV_MNEMONICS.alice;
    const { spec, chain: specifications } = await helloWorldSpecifications(keyAddress(mnemonic));
    const signedEnvelopes = [
      helloWorldEnvelope({
        spec,
        invoker: keyPairFromMnemonic(mnemonic),
        scopeUuid: randomUUID(),
        sessionUuid: randomUUID(),
        first: "Ada",
        last: "Lovelace",
      }),
    ];

    const memorializer = await createMemorializer({ rpcUrl: devnet.url, mnemonic, batchSize: 25 });
    await memorializer.publishSpecifications(specifications); // contract, record, scope specs and links
    const { outcomes } = await memorializer.memorialize(signedEnvelopes);
    for (const outcome of outcomes) {
      if (outcome.status === "failed") console.error(outcome.session, outcome.error?.message);
    }
    const view = await memorializer.query.scope(outcomes[0]!.scope!); // { scope, sessions, records }
    memorializer.close();

    expect(outcomes.map((o) => o.status)).toEqual(["memorialized"]);
    expect(view?.records.map((r) => r.name)).toEqual(["name"]);
  });
});

function keyAddress(mnemonic: string): string {
  return publicKeyToAddress(keyPairFromMnemonic(mnemonic).publicKey);
}
