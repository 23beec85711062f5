// A hello-world-shaped contract for the bench, built as a ContractSpec directly: one OWNER function
// `record` that turns the proposed input `name` into the record `name`. (The hello-world example
// itself needs the legacy decorator transform, which tsx does not apply to other packages' files.)
import { bytesToBase64, type KeyPair, sha256 } from "@p8e/hashing-crypto";
import { type ContractSpec, PartyType } from "@p8e/spec-model";
import type { ChainSpecifications } from "../src/index.js";
import { oneFunctionSpec, oneFunctionSpecifications } from "../src/testdata/one-function-spec.js";
import { specEnvelope } from "../src/testdata/spec-envelopes.js";

/** The bench contract's ContractSpec. */
export const benchSpec: ContractSpec = oneFunctionSpec({
  name: "BenchContract",
  fullName: "io.p8e.bench.BenchContract",
  fn: "record",
  input: "name",
  output: "name",
  recordType: "io.p8e.bench.Name",
  bundleHash: bytesToBase64(sha256(new TextEncoder().encode("bench contract bundle"))),
});

/** The bench scope specification's UUID. */
export const benchScopeSpecUuid = "5a1d1a8e-0b3f-4c2e-9d6a-7f1e2b3c4d5e";

/** The chain specifications of the bench contract, owned by `owner`. */
export function benchSpecifications(owner: string): ChainSpecifications {
  const scope = { uuid: benchScopeSpecUuid, name: "bench", description: "Scopes the memorializer bench writes." };
  return oneFunctionSpecifications(benchSpec, scope, owner);
}

/** A signed bench envelope: a new scope and session with one record. */
export function benchEnvelope(invoker: KeyPair, scopeUuid: string, sessionUuid: string, name: string) {
  const bytes = new TextEncoder().encode(name);
  return specEnvelope({
    spec: benchSpec,
    invoker,
    role: PartyType.OWNER,
    scopeUuid,
    sessionUuid,
    scopeSpecUuid: benchScopeSpecUuid,
    inputs: { name: bytes },
    outputs: { record: new TextEncoder().encode(`${name}-hello-world`) },
  });
}
