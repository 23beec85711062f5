import { describe, expect, it } from "vitest";
import { CacheStore, prefixEnd } from "./kv-store.js";

const b = (...bytes: number[]) => Uint8Array.from(bytes);

describe("CacheStore", () => {
  it("reads through to its parent, shadows it with writes and deletions, and iterates the merge in key order", () => {
    const parent = new CacheStore({ get: () => undefined, iterate: () => [] });
    parent.set(b(1, 1), b(10));
    parent.set(b(1, 3), b(30));
    parent.set(b(2, 0), b(99));
    const child = new CacheStore(parent);
    child.set(b(1, 2), b(20));
    child.delete(b(1, 3));
    child.set(b(1, 1), b(11));
    expect(child.get(b(1, 1))).toEqual(b(11));
    expect(child.get(b(1, 3))).toBeUndefined();
    expect(child.iterate(b(1)).map(([k, v]) => [[...k], [...v]])).toEqual([
      [[1, 1], [11]],
      [[1, 2], [20]],
    ]);
    expect(parent.get(b(1, 1))).toEqual(b(10));
    child.writeTo(parent);
    expect(parent.iterate(b(1)).map(([k]) => [...k])).toEqual([
      [1, 1],
      [1, 2],
    ]);
    expect(child.writes.size).toBe(0);
  });
});

describe("prefixEnd()", () => {
  it("gives the first key past every key with the prefix", () => {
    expect(prefixEnd(b(1, 2))).toEqual(b(1, 3));
    expect(prefixEnd(b(1, 0xff))).toEqual(b(2));
    expect(prefixEnd(b(0xff, 0xff))).toBeUndefined();
  });
});
