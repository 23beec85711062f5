import { createHash, randomUUID } from "node:crypto";
import { type FileHandle, mkdir, open, rename, unlink } from "node:fs/promises";
import { join } from "node:path";
import type { StagedBlob } from "./object-storage.js";
import { fsyncPath } from "./write-batcher.js";

/** A staged blob is flushed to disk in the background every this many bytes. */
const FLUSH_EVERY_BYTES = 8 * 1024 * 1024;

/**
 * Content-addressed payload files: staged in `tmpDir` while they stream in, then fsynced and renamed
 * to `blobDir/<aa>/<sha256>`. A name renamed into place stays pinned until its row commits (or fails),
 * so that nothing deletes it in between.
 */
export class BlobFiles {
  readonly #blobDir: string;
  readonly #tmpDir: string;
  readonly #pinned = new Map<string, number>();
  readonly #knownDirs = new Set<string>();

  constructor(blobDir: string, tmpDir: string) {
    this.#blobDir = blobDir;
    this.#tmpDir = tmpDir;
  }

  /** Where the blob `name` lives. */
  path(name: string): string {
    return join(this.#blobDir, name.slice(0, 2), name);
  }

  /** Whether a committed blob is waiting for its row. */
  isPinned(name: string): boolean {
    return this.#pinned.has(name);
  }

  /** The row naming `name` committed or failed: it may be deleted again when nothing references it. */
  unpin(name: string): void {
    const count = (this.#pinned.get(name) ?? 1) - 1;
    if (count <= 0) this.#pinned.delete(name);
    else this.#pinned.set(name, count);
  }

  async stageBlob(): Promise<StagedBlob> {
    const blobDir = this.#blobDir;
    const tmpDir = this.#tmpDir;
    const knownDirs = this.#knownDirs;
    const pinned = this.#pinned;
    const tmpPath = join(tmpDir, `${randomUUID()}.part`);
    const handle: FileHandle = await open(tmpPath, "wx");
    const hash = createHash("sha256");
    let size = 0;
    let state: "open" | "committed" | "discarded" = "open";
    // Data written but not yet flushed by a background fdatasync, and that flush while it runs.
    let unflushed = 0;
    let flushing: Promise<void> | undefined;
    return {
      get size() {
        return size;
      },
      async write(bytes) {
        if (state !== "open") throw new Error("staged blob is closed");
        hash.update(bytes);
        let offset = 0;
        while (offset < bytes.length) {
          const { bytesWritten } = await handle.write(bytes, offset, bytes.length - offset);
          offset += bytesWritten;
        }
        size += bytes.length;
        unflushed += bytes.length;
        // Flush as the data comes, one flush at a time, so the fsync that acknowledges the Put only
        // has the last few megabytes left to write (for 64 MiB it took 35-45 ms, with nothing else to do).
        if (unflushed >= FLUSH_EVERY_BYTES && flushing === undefined) {
          unflushed = 0;
          flushing = handle.datasync().finally(() => {
            flushing = undefined;
          });
          // A failure here shows again in commit's fsync, which decides; nothing waits on this one.
          flushing.catch(() => undefined);
        }
      },
      async commit() {
        if (state !== "open") throw new Error("staged blob is closed");
        state = "committed";
        await flushing?.catch(() => undefined);
        await handle.sync();
        await handle.close();
        const name = hash.digest("hex");
        const dir = join(blobDir, name.slice(0, 2));
        if (!knownDirs.has(dir)) {
          await mkdir(dir, { recursive: true });
          await fsyncPath(blobDir);
          knownDirs.add(dir);
        }
        pinned.set(name, (pinned.get(name) ?? 0) + 1);
        await rename(tmpPath, join(dir, name));
        await fsyncPath(dir);
        return name;
      },
      async discard() {
        if (state === "open") {
          state = "discarded";
          await flushing?.catch(() => undefined);
          await handle.close().catch(() => {});
          await unlink(tmpPath).catch(() => {});
        }
      },
    };
  }
}
