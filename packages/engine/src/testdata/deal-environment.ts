// The two-party environment the flow tests share: an originator and a servicer, each with its own
// object store, and the deal contract published.
import { bundleContract } from "@p8e/contract-annotations/bundle";
import type { ApprovalPolicy } from "../flow/party-api.js";
import { createTestEnvironment, type PublishedContract, type TestEnvironment } from "../testing/index.js";
import { DealContract, DealScopeSpecification } from "./deal-contracts.js";
import { dealEntry } from "./entries.js";

export async function dealEnvironment(
  policies: Readonly<Record<string, ApprovalPolicy>> = {},
): Promise<{ env: TestEnvironment; deal: PublishedContract }> {
  const env = await createTestEnvironment({ parties: ["originator", "servicer"], stores: "per-party", policies });
  const deal = await env.publish({
    contract: DealContract,
    bundle: await bundleContract(dealEntry),
    scopeSpecifications: [DealScopeSpecification],
  });
  return { env, deal };
}
