import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { isNodeEnvError } from "../errors.js";
import { tempDir } from "../testdata/temp-dir.js";
import { loadSavedPeers, savePeer } from "./saved-peers.js";

const dir = tempDir();
afterAll(() => dir.remove());

describe("savePeer / loadSavedPeers", () => {
  it("keeps each URL once, in the order added", () => {
    expect(loadSavedPeers(dir.path)).toEqual([]);
    savePeer(dir.path, "http://127.0.0.1:7081");
    savePeer(dir.path, "https://eos.example");
    savePeer(dir.path, "http://127.0.0.1:7081");
    expect(loadSavedPeers(dir.path)).toEqual(["http://127.0.0.1:7081", "https://eos.example"]);
  });

  it("refuses a file that is not JSON, or lists something that is not a store URL, naming the file", () => {
    const path = join(dir.path, "peers.json");
    const kept = readFileSync(path, "utf8");
    for (const text of ["{", '{"peers": ["file:///etc/passwd"]}', '["http://127.0.0.1:7081"]']) {
      writeFileSync(path, text);
      let error: unknown;
      try {
        loadSavedPeers(dir.path);
      } catch (e) {
        error = e;
      }
      expect(isNodeEnvError(error) && error.code, text).toBe("invalid-config");
      expect(String(error)).toContain(path);
    }
    writeFileSync(path, kept);
  });
});
