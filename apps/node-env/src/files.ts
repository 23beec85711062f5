// Files the environment writes whole: keys, the peers added while running, the running environment's
// addresses. Each is written to a temporary file of this process's own, created exclusively (never
// through a link someone left there), then renamed into place, so a reader sees the old file or the
// new one, never half of one.
import { renameSync, writeFileSync } from "node:fs";

/** Writes `text` to `path` (mode 0600) through a temporary file renamed into place. */
export function writeFileAtomic(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode: 0o600, flag: "wx" });
  renameSync(tmp, path);
}
