import { describe, expect, it } from "vitest";
import type { EnvelopeRecord } from "./envelope-store.js";
import { createSqliteEnvelopeStore } from "./sqlite-envelope-store.js";

const record = (status: EnvelopeRecord["status"]): EnvelopeRecord => ({
  executionUuid: "5f0f5c1e-4a34-4d2b-9d0e-6d5f2f1b7a10",
  side: "invoker",
  status,
  scopeUuid: "0b6e3f3c-1c55-4e0a-8a53-1b7c1f6f4a21",
  sessionUuid: "9a1d8c2e-7b3f-4e6a-9c5d-2e8f1a3b4c5d",
  contract: "io.p8e.Example",
  input: Uint8Array.of(1, 2, 3),
  result: undefined,
  invokerKey: Uint8Array.of(4, 5),
  expiresAt: undefined,
  error: undefined,
  times: { [status]: new Date(1_000) },
  txHashes: [],
});

const answer = {
  executionUuid: "5f0f5c1e-4a34-4d2b-9d0e-6d5f2f1b7a10",
  receivedAt: new Date(2_000),
  signer: "tp1counterparty",
  accepted: true,
  reason: "merged",
};

describe("createSqliteEnvelopeStore()", () => {
  it("writes a record and the answer that caused it together", async () => {
    const store = createSqliteEnvelopeStore({ path: ":memory:" });
    await store.put(record("FRAGMENT"));
    await store.put({ ...record("SIGNED"), result: Uint8Array.of(9) }, { answer });
    expect((await store.get(answer.executionUuid))?.status).toBe("SIGNED");
    expect(await store.answers(answer.executionUuid)).toEqual([answer]);
    await store.close();
  });

  it("writes neither when one of them is refused", async () => {
    const store = createSqliteEnvelopeStore({ path: ":memory:" });
    await store.put(record("FRAGMENT"));
    const bad = { ...record("SIGNED"), status: "LOST" as EnvelopeRecord["status"] };
    await expect(store.put(bad, { answer })).rejects.toThrow(/unknown envelope status/);
    // An answer the database refuses takes the record's write back with it.
    const broken = { ...answer, reason: null as unknown as string };
    await expect(store.put(record("SIGNED"), { answer: broken })).rejects.toThrow();
    expect((await store.get(answer.executionUuid))?.status).toBe("FRAGMENT");
    expect(await store.answers(answer.executionUuid)).toEqual([]);
    await store.close();
  });
});
