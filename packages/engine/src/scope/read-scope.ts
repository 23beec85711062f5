import type { ScopeView } from "@p8e/memorializer";
import type { EngineContext } from "../engine-context.js";
import { EngineError } from "../errors.js";

/** A scope with its sessions and records, from the chain. */
export async function readScope(ctx: EngineContext, scope: string): Promise<ScopeView> {
  if (ctx.chain === undefined)
    throw new EngineError("invalid-argument", "reading scopes needs chain queries (engine option `chain`)");
  let view: ScopeView | undefined;
  try {
    view = await ctx.chain.scope(scope);
  } catch (cause) {
    throw new EngineError(
      "chain-failed",
      `reading scope ${scope}: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
  }
  if (view === undefined) throw new EngineError("not-found", `scope ${scope} is not on chain`);
  return view;
}
