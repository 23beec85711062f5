import { packageProject } from "../../vitest.shared.ts";

// The 1 GiB and crash tests move real data through child processes; give them room.
export default packageProject("eos-server", { testTimeout: 30_000, hookTimeout: 30_000 });
