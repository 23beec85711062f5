// Funding peers on the embedded devnet: a peer that joins this environment's devnet has no coins
// for the grants it broadcasts when it approves, so the devnet's own account gives it some.
import { DEV_ACCOUNT_BALANCE } from "@p8e/devnet";
import type { Memorializer } from "@p8e/memorializer";

/** What the embedded devnet's account gives each peer it finds: a hundredth of its genesis balance. */
const PEER_FUNDS = DEV_ACCOUNT_BALANCE / 100n;

/** Funds a peer's account on the embedded devnet from this party's account, unless it has half of PEER_FUNDS. */
export async function fundOnDevnet(memorializer: Memorializer, address: string): Promise<void> {
  const balance = await memorializer.query.balance(address);
  if (BigInt(balance.amount) >= PEER_FUNDS / 2n) return;
  await memorializer.submit([
    {
      typeUrl: "/cosmos.bank.v1beta1.MsgSend",
      value: {
        fromAddress: memorializer.address,
        toAddress: address,
        amount: [{ denom: "nhash", amount: String(PEER_FUNDS) }],
      },
    },
  ]);
}
