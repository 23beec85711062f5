import { packageProject } from "../../vitest.shared.ts";

// The release and stranger-test tooling: tests of the package checks.
export default packageProject("packaging", { include: ["*.test.mjs"] });
