// The event query language of CometBFT's tx_search, as far as the devnet's tx index answers it.
import type { TxSearchCondition } from "./database.js";

/**
 * Parses a tx_search query (also GetTxsEvent's `query`): conditions joined by AND, as `key = 'value'`,
 * `key >= 5`, `key CONTAINS 'x'`, `key EXISTS`; throws an Error naming what it cannot parse.
 */
export function parseTxQuery(query: string): TxSearchCondition[] {
  const parts = query
    .split(/\s+AND\s+/i)
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
  if (parts.length === 0) throw new Error("query cannot be empty");
  return parts.map((part) => {
    const exists = /^([\w.-]+)\s+EXISTS$/i.exec(part);
    if (exists !== null) return { key: exists[1]!, op: "EXISTS", value: "" };
    const match = /^([\w.-]+)\s*(<=|>=|=|<|>|CONTAINS)\s*(?:'([^']*)'|"([^"]*)"|(-?\d+))$/i.exec(part);
    if (match === null) throw new Error(`cannot parse query condition ${JSON.stringify(part)}`);
    const op = match[2]!.toUpperCase() as TxSearchCondition["op"];
    return { key: match[1]!, op, value: match[3] ?? match[4] ?? match[5] ?? "" };
  });
}
