import { packageProject } from "../../vitest.shared.ts";

// --expose-gc lets the 100 MiB streaming test measure live memory rather than garbage awaiting collection.
// The generous timeout keeps the property and tamper tests from timing out on a busy 2-core machine.
export default packageProject("hashing-crypto", { execArgv: ["--expose-gc"], testTimeout: 30_000 });
