// A small real program against the installed packages, as a stranger would write it: start the
// devnet and an object store from their installed bins, put and get an object (the hello-world
// contract's bundle, made by the installed bundler), check that the engine's sandbox reads the same
// spec out of the bundle, and publish the hello-world specifications to the devnet with the
// memorializer. Run from the scratch project: `node program.mjs [JSON]`. The JSON may name, per
// bin, the Node.js binary to start it with (a package may claim a newer Node.js than the others).
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { dehydrate } from "@p8e/contract-annotations";
import {
  contractSpecification,
  recordSpecifications,
  scopeSpecification,
  scopeSpecificationLinks,
} from "@p8e/contract-annotations/chain";
import { createSandbox } from "@p8e/engine";
import { createEosClient } from "@p8e/eos-client";
import { HelloWorldContract, HelloWorldScopeSpecification } from "@p8e/example-hello-world";
import { bundleHelloWorld } from "@p8e/example-hello-world/bundle";
import { bytesToBase64, generateKeyPair } from "@p8e/hashing-crypto";
import { createMemorializer } from "@p8e/memorializer";
import { ContractSpecSchema, contractSpecId, toCanonicalBinary } from "@p8e/spec-model";

const children = [];
const dataDir = mkdtempSync(join(tmpdir(), "p8e-stranger-eos-"));
const binNodes = JSON.parse(process.argv[2] ?? "{}");
// The BIP-39 test mnemonic: the devnet's genesis funds it, the memorializer signs with it.
const mnemonic = `${"abandon ".repeat(11)}about`;
const genesis = join(dataDir, "genesis.json");
writeFileSync(genesis, JSON.stringify({ accounts: [{ mnemonic, nhash: "1000000000000000000" }] }));

function check(condition, message) {
  if (!condition) throw new Error(message);
}

/** Starts an installed bin on the node under test and resolves with the first match of `pattern`. */
function startBin(bin, args, pattern) {
  const node = binNodes[bin] ?? process.execPath;
  const child = spawn(join("node_modules", ".bin", bin), args, {
    env: { ...process.env, PATH: `${dirname(node)}:${process.env.PATH}` },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let output = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${bin} printed no ${pattern} in 20 s:\n${output}`)), 20_000);
    const onData = (chunk) => {
      output += chunk;
      const match = pattern.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", (chunk) => {
      output += chunk;
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${bin} exited with ${code} before it was ready:\n${output}`));
    });
  });
}

async function stopAll() {
  await Promise.all(
    children.map(
      (child) =>
        new Promise((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once("exit", resolve);
          child.kill("SIGTERM");
        }),
    ),
  );
  rmSync(dataDir, { recursive: true, force: true });
}

try {
  const [rpcUrl, eosUrl] = await Promise.all([
    startBin("p8e-devnet", ["--memory", "--instant", "--port", "0", "--genesis", genesis], /CometBFT RPC at (\S+)/),
    startBin("p8e-eos-server", ["--data-dir", join(dataDir, "eos"), "--port", "0"], /"url":"([^"]+)"/),
  ]);

  // The contract bundle, made from the installed example's sources with the installed esbuild.
  const bundle = await bundleHelloWorld();
  const spec = dehydrate(HelloWorldContract, { bundleHash: bundle.hash });

  // The engine's sandbox (QuickJS on a worker thread, loaded from the installed dist) finds the same
  // spec in the bundle.
  const sandbox = createSandbox({ threads: 1 });
  try {
    const described = await sandbox.describe(bundle, "HelloWorldContract");
    const expected = toCanonicalBinary(ContractSpecSchema, spec);
    check(bytesToBase64(described) === bytesToBase64(expected), "the sandbox described another spec");
  } finally {
    sandbox.close();
  }

  // Put and get it through the object store.
  const eos = createEosClient({ baseUrl: eosUrl, keys: { encryption: generateKeyPair() } });
  try {
    const stored = await eos.put(bundle.code);
    check(stored.hashBase64 === bundle.hash, `the store named the bundle ${stored.hashBase64}, not ${bundle.hash}`);
    const fetched = await eos.get(stored.hash);
    check(bytesToBase64(fetched) === bytesToBase64(bundle.code), "the object read back differs from the one put");
  } finally {
    eos.close();
  }

  // Publish the hello-world specifications, then find nothing missing.
  const memorializer = await createMemorializer({ rpcUrl, mnemonic });
  try {
    const owners = { ownerAddresses: [memorializer.address] };
    const { address } = contractSpecId(spec);
    const chain = {
      contractSpecifications: [contractSpecification(spec, owners)],
      recordSpecifications: recordSpecifications(spec),
      scopeSpecifications: [scopeSpecification(HelloWorldScopeSpecification, owners)],
      links: scopeSpecificationLinks(HelloWorldContract, spec, [HelloWorldScopeSpecification]),
    };
    const first = await memorializer.publishSpecifications(chain);
    check(first.msgs.length === 4, `publishing sent ${first.msgs.length} Msgs, not 4`);
    const again = await memorializer.publishSpecifications(chain);
    check(again.msgs.length === 0, `a second publish found ${again.msgs.length} Msgs missing`);
    const onChain = await memorializer.query.contractSpecification(address);
    check(onChain?.recordSpecifications.map((r) => r.name).join() === "name", "the chain lacks the record spec");
    console.log(`node ${process.version}: bundle ${bundle.hash} put and read back; contract spec ${address} on chain`);
  } finally {
    memorializer.close();
  }
} finally {
  await stopAll();
}
