import { stringToPath } from "@cosmjs/crypto";
import { DirectSecp256k1HdWallet } from "@cosmjs/proto-signing";
import { GasPrice, SigningStargateClient } from "@cosmjs/stargate";
import { createDevnet, DEV_MNEMONICS } from "../index.js";

const devnet = createDevnet({ instant: true }); // in memory; give a dataDir to keep the ledger
await devnet.start();
const wallet = await DirectSecp256k1HdWallet.fromMnemonic(DEV_MNEMONICS.alice, {
  prefix: "tp",
  hdPaths: [stringToPath("m/44'/1'/0'/0/0")],
});
const [alice] = await wallet.getAccounts();
const client = await SigningStargateClient.connectWithSigner(devnet.url, wallet, {
  gasPrice: GasPrice.fromString("1nhash"), // flat fees: Simulate reports the fee as gas
  broadcastPollIntervalMs: 100,
});
const bob = "tp1ckpj8frd8kraytcehwxw80tqqnuc7msfp87cfm";
export const result = await client.sendTokens(alice!.address, bob, [{ denom: "nhash", amount: "1" }], "auto");
client.disconnect();
await devnet.stop(); // result.code === 0: the tx is in block result.height
