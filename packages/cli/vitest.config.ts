import { packageProject } from "../../vitest.shared.ts";

// The tests start an environment and spawn the CLI as a user runs it.
export default packageProject("cli", { testTimeout: 60_000, hookTimeout: 60_000 });
