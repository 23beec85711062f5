import { createServer as createHttp2Server } from "node:http2";
import { join } from "node:path";
import { create } from "@bufbuild/protobuf";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { createEosClient, type EosClient } from "@p8e/eos-client";
import { type EosServer, silentLogger, startEosServer } from "@p8e/eos-server";
import { generateKeyPair, generateMnemonic, sign } from "@p8e/hashing-crypto";
import { EosService, type SignedPartyCard, SignedPartyCardSchema } from "@p8e/spec-model/eos";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PartyKeyPairs, partyKeysFromMnemonic } from "../keystore.js";
import { freePort, tempDir } from "../testdata/temp-dir.js";
import { type PeerParty, publishPartyCard, startPeerDiscovery } from "./peer-discovery.js";

const dir = tempDir();
const closers: (() => unknown)[] = [];
const logger = pino({ level: "silent" });

/** A party with its own store, its card published there. */
async function partyWithStore(
  name: string,
  port = 0,
): Promise<{ keys: PartyKeyPairs; store: EosServer; eos: EosClient }> {
  const keys = partyKeysFromMnemonic(generateMnemonic());
  const store = await startEosServer({ dataDir: join(dir.path, name), port, logger: silentLogger });
  const eos = createEosClient({ baseUrl: store.url, keys: { encryption: keys.encryption, signing: keys.signing } });
  closers.push(
    () => store.close(),
    () => eos.close(),
  );
  await publishPartyCard(eos, keys, store);
  return { keys, store, eos };
}

/** Discovery for `self` towards `urls`, recording what it admits. */
function discover(self: { keys: PartyKeyPairs; store: EosServer; eos: EosClient }, urls: string[]) {
  const admitted: PeerParty[] = [];
  const trusted: Uint8Array[] = [];
  const funded: string[] = [];
  const discovery = startPeerDiscovery({
    peers: urls,
    keys: self.keys,
    eos: self.eos,
    network: "testnet",
    trustStore: (key) => {
      trusted.push(key);
      self.store.trustPeer(key);
    },
    addParties: (parties) => admitted.push(...parties),
    fund: async (address) => {
      funded.push(address);
    },
    logger,
    maxRetryMs: 200,
  });
  closers.push(() => discovery.close());
  return { discovery, admitted, trusted, funded };
}

/** A hostile "store" answering only GetServerInfo and ListParties, with whatever cards it likes. */
async function fakeStore(nodePublicKey: Uint8Array, cards: SignedPartyCard[]): Promise<string> {
  const server = createHttp2Server(
    connectNodeAdapter({
      routes: (router) =>
        router.service(EosService, {
          getServerInfo: () => ({ nodePublicKey, authRequired: true }),
          listParties: () => ({ parties: cards }),
        }),
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  closers.push(() => new Promise((resolve) => server.close(resolve)));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

let alice: Awaited<ReturnType<typeof partyWithStore>>;
let bob: Awaited<ReturnType<typeof partyWithStore>>;

beforeAll(async () => {
  alice = await partyWithStore("alice");
  bob = await partyWithStore("bob");
});
afterAll(async () => {
  for (const close of closers.reverse()) await close();
  dir.remove();
});

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

describe("startPeerDiscovery", () => {
  it("finds the party a store URL serves: registers its key with that URL, trusts the store, learns its keys, funds it", async () => {
    const { discovery, admitted, trusted, funded } = discover(alice, [bob.store.url]);
    await discovery.allFound();
    expect(discovery.status()).toMatchObject([{ eosUrl: bob.store.url, state: "found" }]);
    expect(discovery.status()[0]!.parties.map((p) => p.address)).toEqual([bob.keys.address]);
    expect(admitted.map((p) => hex(p.signing))).toEqual([hex(bob.keys.signing.publicKey)]);
    expect(admitted.map((p) => hex(p.encryption))).toEqual([hex(bob.keys.encryption.publicKey)]);
    expect(admitted.map((p) => p.storeUrl)).toEqual([bob.store.url]);
    expect(trusted.map(hex)).toEqual([hex(bob.store.nodePublicKey)]);
    expect(funded).toEqual([bob.keys.address]);
    const route = await alice.store.storage.getKey(Buffer.from(bob.keys.encryption.publicKey).toString("base64"));
    expect(route?.url).toBe(bob.store.url);
  });

  it("waits for a store that is not up yet, and finds its party once it is", async () => {
    const port = await freePort();
    const { discovery, admitted } = discover(alice, [`http://127.0.0.1:${port}`]);
    for (let i = 0; i < 100 && discovery.status()[0]!.lastError === undefined; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(discovery.status()).toMatchObject([{ state: "waiting", parties: [] }]);
    expect(discovery.status()[0]!.lastError).toBeTruthy();
    const late = await partyWithStore("late", port);
    await discovery.allFound();
    expect(admitted.map((p) => hex(p.encryption))).toEqual([hex(late.keys.encryption.publicKey)]);
  });

  it("admits nothing from a store listing forged cards, or cards that name another store", async () => {
    const bobsCard = (await bob.eos.parties())[0]!.signed;
    const mallory = generateKeyPair();
    // Mallory's key paired with Bob's encryption key: she cannot sign for Bob's key.
    const paired = create(SignedPartyCardSchema, {
      card: bobsCard.card,
      signature: bobsCard.signature,
      encryptionSignature: sign(new TextEncoder().encode("anything"), mallory.privateKey),
    });
    // The impostor answers with Alice's node key: Bob's genuine card names Bob's store instead.
    const impostor = await fakeStore(alice.store.nodePublicKey, [bobsCard, paired]);
    const carol = await partyWithStore("carol");
    const { discovery, admitted, trusted, funded } = discover(carol, [impostor]);
    for (let i = 0; i < 100 && discovery.status()[0]!.lastError === undefined; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(discovery.status()).toMatchObject([{ state: "waiting", lastError: "its store lists no party card yet" }]);
    expect(admitted).toEqual([]);
    expect(trusted).toEqual([]);
    expect(funded).toEqual([]);
  });

  it("routes a party a store only replays to the store its card names, not to the replaying one", async () => {
    const bobsCard = (await bob.eos.parties())[0]!.signed;
    const replayer = await fakeStore(bob.store.nodePublicKey, [bobsCard]);
    const dave = await partyWithStore("dave");
    const { discovery, trusted } = discover(dave, [replayer]);
    await discovery.allFound();
    const route = await dave.store.storage.getKey(Buffer.from(bob.keys.encryption.publicKey).toString("base64"));
    expect(route?.url).toBe(bob.store.url);
    expect(trusted.map(hex)).toEqual([hex(bob.store.nodePublicKey)]);
  });
});
