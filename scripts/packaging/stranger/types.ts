// Type-checked, never run: each package's main API as a stranger's strict TypeScript project uses
// it, with the settings the root README gives (experimentalDecorators for contracts).
import { create } from "@bufbuild/protobuf";
import * as p8e from "@p8e/contract-annotations";
import type { ContractBundle } from "@p8e/contract-annotations/bundle";
import { contractSpecification } from "@p8e/contract-annotations/chain";
import { createDevnet, type Devnet } from "@p8e/devnet";
import { createEngine, createSandbox, type Engine } from "@p8e/engine";
import type { TestEnvironmentOptions } from "@p8e/engine/testing";
import { createEosClient, type EosClient, EosError } from "@p8e/eos-client";
import { type EosServer, startEosServer } from "@p8e/eos-server";
import { type ExampleName, ExampleNameSchema, HelloWorldContract } from "@p8e/example-hello-world";
import { publishableHelloWorld } from "@p8e/example-hello-world/bundle";
import { OnboardingContract } from "@p8e/example-onboarding";
import { generateKeyPair, type KeyPair, sha256 } from "@p8e/hashing-crypto";
import { createMemorializer, type Memorializer, MemorializerError } from "@p8e/memorializer";
import { type ContractSpec, contractSpecId, type MetadataAddress, PartyType } from "@p8e/spec-model";
import { MsgWriteScopeRequestSchema } from "@p8e/spec-model/metadata";

/** A contract of the stranger's own, with the decorators and a record type from the example. */
@p8e.Participants([PartyType.OWNER])
export class Greeter extends p8e.P8eContract {
  static override readonly package = "com.example.greeter";

  @p8e.Function({ invokedBy: PartyType.OWNER })
  @p8e.Record("greeting", ExampleNameSchema)
  greet(@p8e.Input("name", ExampleNameSchema) name: ExampleName): ExampleName {
    return create(ExampleNameSchema, { ...name, firstName: `hello ${name.firstName}` });
  }
}

export async function useEverything(): Promise<readonly unknown[]> {
  const keys: KeyPair = generateKeyPair();
  const digest: Uint8Array = sha256(new TextEncoder().encode("stranger"));
  const spec: ContractSpec = p8e.dehydrate(Greeter, { bundleHash: `${"A".repeat(43)}=` });
  const address: MetadataAddress = contractSpecId(spec).address;

  const devnet: Devnet = createDevnet({ instant: true });
  await devnet.start();
  const server: EosServer = await startEosServer({ dataDir: "./eos-data" });
  const eos: EosClient = createEosClient({ baseUrl: server.url, keys: { encryption: keys } });
  const { hash } = await eos.put(digest, { audience: [keys.publicKey] });
  const bytes: Uint8Array = await eos.get(hash);

  const memorializer: Memorializer = await createMemorializer({ rpcUrl: devnet.url, mnemonic: "…" });
  const chainSpec = contractSpecification(spec, { ownerAddresses: [memorializer.address] });
  await memorializer.publishSpecifications({ contractSpecifications: [chainSpec] });
  const msg = create(MsgWriteScopeRequestSchema, { signers: [memorializer.address] });

  const { bundle }: { bundle: ContractBundle } = await publishableHelloWorld();
  const engine: Engine = createEngine({ eos, signingKey: keys, sandbox: createSandbox({ threads: 1 }) });
  const options: Partial<TestEnvironmentOptions> = {};

  const error: unknown = new Error("x");
  const code: string | undefined =
    error instanceof EosError || error instanceof MemorializerError ? error.code : undefined;
  eos.close();
  memorializer.close();
  await server.close();
  await devnet.stop();
  return [address.toString(), bytes.length, msg.signers, bundle.hash, engine.address, options, code];
}

export const contracts = [HelloWorldContract.name, OnboardingContract.name] as const;
