// The first thing a new environment does for `npm start`: run hello-world once and say where to look.

import { toJson } from "@bufbuild/protobuf";
import { PartyType } from "@p8e/contract-annotations";
import { input } from "@p8e/engine";
import { ExampleNameSchema, helloWorldScopeSpecificationName } from "@p8e/example-hello-world";
import { NodeEnvError } from "./errors.js";
import type { NodeEnv } from "./node-env.js";

/** The hello-world scope specification's UUID (HelloWorldScopeSpecification). */
export const HELLO_WORLD_SCOPE_SPEC_UUID = "1e6280b6-3544-40d2-b862-ddd2525620d3";

/** What running hello-world produced. */
export interface HelloWorldRun {
  readonly scope: string;
  readonly session: string;
  readonly txHashes: readonly string[];
  /** The record `name`, as protobuf JSON. */
  readonly record: unknown;
}

/** Runs hello-world with `name` on a new scope, memorializes it, and reads the record back. */
export async function runHelloWorld(
  env: NodeEnv,
  name: { firstName: string; lastName: string } = { firstName: "Grace", lastName: "Hopper" },
): Promise<HelloWorldRun> {
  const contract = env.contracts.get("hello-world");
  if (contract === undefined) {
    throw new NodeEnvError("startup", "hello-world is not published here; start with P8E_PUBLISH_EXAMPLES=true");
  }
  const { result, outcome } = await env.execute({
    spec: contract.specHash,
    scopeSpecUuid: HELLO_WORLD_SCOPE_SPEC_UUID,
    participants: [{ role: PartyType.OWNER, signing: env.keys.signing.publicKey, encryption: env.eos.publicKey }],
    inputs: { name: input(ExampleNameSchema, name) },
  });
  if (result.status === "failed") {
    throw new NodeEnvError("startup", `hello-world failed in ${result.failure.function}: ${result.failure.reason}`);
  }
  if (outcome === undefined || outcome.status === "failed" || outcome.scope === undefined) {
    throw new NodeEnvError("startup", `hello-world was not memorialized: ${outcome?.error?.message ?? result.status}`);
  }
  const scope = await env.engine.hydrate(outcome.scope, { schemas: [ExampleNameSchema] });
  const record = scope.get("name", ExampleNameSchema);
  return {
    scope: outcome.scope,
    session: outcome.session ?? "",
    txHashes: outcome.txHashes,
    record: record === undefined ? undefined : toJson(ExampleNameSchema, record),
  };
}

/** The lines `npm start` prints about a hello-world run. */
export function describeHelloWorld(run: HelloWorldRun, env: NodeEnv): string {
  return [
    "",
    `hello-world ran (${helloWorldScopeSpecificationName}) and is on chain ${env.chainId}:`,
    `  scope    ${run.scope}`,
    `  session  ${run.session}`,
    `  record   name = ${JSON.stringify(run.record)}`,
    "",
    "Look at it with the p8e CLI (in another terminal, from the repository):",
    `  node scripts/dev.mjs pnpm --silent --filter @p8e/cli p8e scope show ${run.scope}`,
    `  node scripts/dev.mjs pnpm --silent --filter @p8e/cli p8e scope verify ${run.scope}`,
    `  curl ${env.apiUrl}/readyz    curl ${env.apiUrl}/metrics`,
    "",
    "The environment keeps running; press Ctrl-C to stop it.",
    "",
  ].join("\n");
}
