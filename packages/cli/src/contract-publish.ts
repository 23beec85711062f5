// p8e contract publish: store a contract package's bundle and specs in the party's object store,
// and write the chain's specifications (only what the chain lacks), with the party's own keys.
import { createEngine } from "@p8e/engine";
import { createEosClient, type EosClient } from "@p8e/eos-client";
import { createMemorializer } from "@p8e/memorializer";
import { type Command, Option } from "commander";
import { apiClient, type GlobalOptions, partyKeys } from "./connect.js";
import { checkPackage } from "./contract-package.js";
import { CliError } from "./errors.js";
import { print } from "./output.js";
import { stepProgress } from "./progress.js";

type Chain = typeof import("@p8e/contract-annotations/chain");

interface PublishOptions extends GlobalOptions {
  readonly eos?: string;
  readonly rpc?: string;
  readonly chainId?: string;
}

/** Adds `publish` to the `contract` command. */
export function registerContractPublish(contract: Command): void {
  contract
    .command("publish")
    .description(
      "store a contract package's bundle and spec in the party's store and publish its specifications on chain",
    )
    .argument("<entry>", "the package's entry, e.g. src/contract.ts")
    .addOption(new Option("--eos <url>", "the object store (default: the environment's)").env("P8E_EOS_URL"))
    .addOption(
      new Option("--rpc <url>", "the chain's CometBFT RPC (default: the environment's)").env("P8E_CHAIN_RPC_URL"),
    )
    .addOption(new Option("--chain-id <id>", "the chain id (default: the environment's)").env("P8E_CHAIN_ID"))
    .addHelpText(
      "after",
      "\nExample:\n  p8e contract publish src/contract.ts\n  p8e contract exec <spec hash it prints> --scope-spec <uuid> --input 'name=\"Ada\"'",
    )
    .action(async (entry: string, _options: unknown, command: Command) => {
      const options = command.optsWithGlobals() as PublishOptions;
      // Steps: bundle, then per contract: store bundle, store spec, chain write.
      const progress = stepProgress("publish", 4, options);
      let done = 0;
      let result: Awaited<ReturnType<typeof publish>>;
      try {
        progress.update(done, "bundle");
        const loaded = await checkPackage(entry);
        progress.setTotal(1 + 3 * loaded.contracts.length);
        progress.update(++done, "connect");
        result = await publish(options, loaded, (step) => progress.update(done++, step));
      } finally {
        // Off the screen before the result is printed.
        progress.stop();
      }
      const { published, scopeSpecifications } = result;
      print(options, result, () =>
        [
          ...published.map(
            (p) =>
              `published  ${p.className} spec ${p.specHash} (${p.sentMsgs === 0 ? "already on chain" : `${p.sentMsgs} Msgs sent`})`,
          ),
          ...scopeSpecifications.map((s) => `scope spec ${s.name} ${s.uuid}`),
        ].join("\n"),
      );
    });
}

/** Stores each contract's bundle and spec, and writes what the chain lacks; `step` names each step as it starts. */
async function publish(
  options: PublishOptions,
  loaded: Awaited<ReturnType<typeof checkPackage>>,
  step: (name: string) => void,
) {
  const chain = await loaded.load<Chain>("@p8e/contract-annotations/chain");
  const keys = partyKeys(options);
  const info =
    options.eos !== undefined && options.rpc !== undefined ? undefined : await apiClient(options, false).getInfo({});
  const eosUrl = options.eos ?? info?.eosUrl ?? "";
  const rpcUrl = options.rpc ?? info?.rpcUrl ?? "";
  const chainId = options.chainId ?? info?.chainId;
  const eos = createEosClient({ baseUrl: eosUrl, keys: { encryption: keys.encryption, signing: keys.signing } });
  const memorializer = await createMemorializer({
    rpcUrl,
    mnemonic: keys.mnemonic,
    network: keys.address.startsWith("pb") ? "mainnet" : "testnet",
    ...(chainId === undefined || chainId === "" ? {} : { chainId }),
  }).catch((cause: unknown) => {
    eos.close();
    throw new CliError("failed", `cannot reach the chain at ${rpcUrl}: ${(cause as Error).message} (give --rpc)`, {
      cause,
    });
  });
  // The engine stores a contract as a Put of its bundle, then of its spec: each is a step.
  const stepping: EosClient = {
    ...eos,
    put: (data, put) => {
      step("store bundle");
      return eos.put(data, put);
    },
    putMessage: (schema, message, put) => {
      step("store spec");
      return eos.putMessage(schema, message, put);
    },
  };
  const engine = createEngine({ eos: stepping, signingKey: keys.signing, chain: memorializer.query, rpcUrl });
  try {
    const owners = { ownerAddresses: [memorializer.address] };
    const published: { className: string; specHash: string; bundleHash: string; sentMsgs: number }[] = [];
    for (const [i, contractClass] of loaded.contracts.entries()) {
      const spec = loaded.specs[i];
      if (spec === undefined) continue;
      const stored = await engine.storeContract({ code: loaded.code }, spec);
      // Links resolve the contract's @ScopeSpecification names among the package's definitions.
      const scopeSpecs = loaded.scopeSpecifications;
      step("chain write");
      const { msgs } = await memorializer.publishSpecifications({
        contractSpecifications: [chain.contractSpecification(spec, owners)],
        recordSpecifications: chain.recordSpecifications(spec),
        scopeSpecifications: scopeSpecs.map((s) => chain.scopeSpecification(s, owners)),
        links: chain.scopeSpecificationLinks(contractClass, spec, scopeSpecs),
      });
      published.push({
        className: spec.definition?.resourceLocation?.classname ?? "",
        specHash: stored.specHash,
        bundleHash: loaded.checked.bundleHash,
        sentMsgs: msgs.length,
      });
    }
    step("done");
    return { published, scopeSpecifications: loaded.checked.scopeSpecifications };
  } finally {
    await engine.close();
    await memorializer.close();
    eos.close();
  }
}
