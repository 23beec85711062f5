import { packageProject } from "../../vitest.shared.ts";

// The tests boot a whole environment (object store, devnet, engine) and spawn processes.
export default packageProject("node-env", { testTimeout: 60_000, hookTimeout: 60_000 });
