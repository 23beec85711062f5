// Rewrites src/testdata/spec.json from the current sources: the bundle hash, the spec's canonical
// bytes and its id. Run it (pnpm golden) after a deliberate change to the contract or its protos,
// and review the diff: golden.test.ts fails until the file matches again.
import { createHash } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { ContractSpecSchema, MetadataAddress, toCanonicalBinary, uuidFromBytes } from "@p8e/spec-model";
import { publishableOnboarding } from "../src/bundle.js";

const { bundle, spec } = await publishableOnboarding();
const bytes = toCanonicalBinary(ContractSpecSchema, spec);
const hash = createHash("sha256").update(bytes).digest().subarray(0, 16);
const uuid = uuidFromBytes(hash);
const golden = {
  bundleHash: bundle.hash,
  specHex: Buffer.from(bytes).toString("hex"),
  specId: {
    hashBase64: Buffer.from(hash).toString("base64"),
    uuid,
    address: MetadataAddress.forContractSpecification(uuid).toString(),
  },
};
await writeFile(new URL("../src/testdata/spec.json", import.meta.url), `${JSON.stringify(golden, null, 2)}\n`);
process.stdout.write(`wrote spec.json: bundle ${golden.bundleHash}, spec ${golden.specId.uuid}\n`);
