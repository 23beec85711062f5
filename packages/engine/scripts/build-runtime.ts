// Builds the sandbox runtime: the prelude, the protobuf runtime, the annotations and the engine's
// guest driver as one ESM module, plus the export names of every host module a contract may
// import. Writes src/gen/sandbox-runtime.ts, which is committed; `--check` fails when the
// committed file differs from a fresh build (run by the tests).
import { readFile, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { buildSandboxRuntime, renderRuntimeModule } from "../src/sandbox/build-runtime.js";

const target = fileURLToPath(new URL("../src/gen/sandbox-runtime.ts", import.meta.url));
const rendered = renderRuntimeModule(await buildSandboxRuntime());
if (process.argv.includes("--check")) {
  const committed = await readFile(target, "utf8").catch(() => "");
  if (committed !== rendered) {
    console.error(`${target} is stale: run pnpm --filter @p8e/engine runtime`);
    process.exit(1);
  }
} else {
  await writeFile(target, rendered);
  console.log(`wrote ${target}`);
}
