// A party's flow in a process of its own, for tests that kill it with SIGKILL and start it again.
// Configured by one JSON argument; prints one JSON line per event on stdout:
//   {"event":"ready"} once subscribed, {"event":"invoked","executionUuid":…} after invoking,
//   {"event":"memorializing"} when it is about to write to the chain (and, with hang, stops there).
import { StringValueSchema } from "@bufbuild/protobuf/wkt";
import { createEosClient } from "@p8e/eos-client";
import { hexToBytes, keyPairFromMnemonic } from "@p8e/hashing-crypto";
import { createMemorializer } from "@p8e/memorializer";
import { createEngine, createParty, createSqliteEnvelopeStore, input } from "../index.js";
import { ENCRYPTION_PATH } from "../testing/index.js";

interface Config {
  readonly eosUrl: string;
  readonly rpcUrl: string;
  readonly mnemonic: string;
  readonly storePath: string;
  readonly policy: "approve" | "hold";
  readonly directory: readonly { readonly signing: string; readonly encryption: string }[];
  /** Stop (and wait to be killed) just before the chain write, or just after it. */
  readonly hang?: "before-memorialize" | "after-memorialize";
  /** Invoke a deal on start. */
  readonly invoke?: {
    readonly spec: string;
    readonly scopeSpecUuid: string;
    readonly participants: readonly { readonly role: number; readonly signing: string; readonly encryption: string }[];
    readonly deal: string;
  };
}

const config = JSON.parse(process.argv[2] ?? "{}") as Config;
const say = (event: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(event)}\n`);

const signing = keyPairFromMnemonic(config.mnemonic);
const encryption = keyPairFromMnemonic(config.mnemonic, { path: ENCRYPTION_PATH });
const eos = createEosClient({ baseUrl: config.eosUrl, keys: { encryption, signing } });
const real = await createMemorializer({ rpcUrl: config.rpcUrl, mnemonic: config.mnemonic });
const hang = () => new Promise<never>(() => undefined);
// The real memorializer, with a way to stop around the chain write (its private fields need the real receiver).
const memorializer: typeof real = {
  address: real.address,
  chainId: real.chainId,
  registry: real.registry,
  query: real.query,
  submit: (msgs, options) => real.submit(msgs, options),
  publishSpecifications: (specifications) => real.publishSpecifications(specifications),
  close: () => real.close(),
  async memorialize(envelopes) {
    say({ event: "memorializing" });
    if (config.hang === "before-memorialize") return hang();
    const result = await real.memorialize(envelopes);
    if (config.hang === "after-memorialize") {
      say({ event: "memorialized" });
      return hang();
    }
    return result;
  },
};
const engine = createEngine({
  eos,
  signingKey: signing,
  chain: real.query,
  rpcUrl: config.rpcUrl,
  directory: config.directory.map((k) => ({ signing: hexToBytes(k.signing), encryption: hexToBytes(k.encryption) })),
});
const store = createSqliteEnvelopeStore({ path: config.storePath });
const flow = createParty({
  engine,
  eos,
  memorializer,
  store,
  policy: () => config.policy,
  onError: (error, context) => process.stderr.write(`${context}: ${error.message}\n`),
});
await flow.start();
say({ event: "ready" });
if (config.invoke !== undefined) {
  const state = await flow.invoke({
    spec: config.invoke.spec,
    scopeSpecUuid: config.invoke.scopeSpecUuid,
    participants: config.invoke.participants.map((p) => ({
      role: p.role,
      signing: hexToBytes(p.signing),
      encryption: hexToBytes(p.encryption),
    })),
    inputs: { deal: input(StringValueSchema, { value: config.invoke.deal }) },
  });
  say({ event: "invoked", executionUuid: state.executionUuid, status: state.status });
}
