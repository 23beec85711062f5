import { describe, expect, it } from "vitest";
import { ByteBoundedCache } from "./byte-bounded-cache.js";

describe("ByteBoundedCache", () => {
  it("evicts the least recently used entries to stay within its bytes", () => {
    const cache = new ByteBoundedCache<string>(10);
    cache.set("a", "A", 4);
    cache.set("b", "B", 4);
    expect(cache.get("a")).toBe("A"); // a is now the most recent
    cache.set("c", "C", 4);
    expect([cache.get("a"), cache.get("b"), cache.get("c")]).toEqual(["A", undefined, "C"]);
    expect(cache.bytes).toBe(8);
  });

  it("does not keep an entry larger than the whole bound", () => {
    const cache = new ByteBoundedCache<string>(10);
    cache.set("big", "B", 11);
    expect(cache.get("big")).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it("replaces an entry under the same key", () => {
    const cache = new ByteBoundedCache<string>(10);
    cache.set("a", "one", 6);
    cache.set("a", "two", 6);
    expect(cache.get("a")).toBe("two");
    expect(cache.bytes).toBe(6);
  });
});
