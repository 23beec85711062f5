import { defineConfig } from "vitest/config";

// One root config; each package's vitest.config.ts is a project that merges this.
export default defineConfig({
  resolve: { conditions: ["@p8e/source"] },
  ssr: { resolve: { conditions: ["@p8e/source"] } },
  test: {
    projects: ["packages/*", "apps/*", "examples/*", "scripts/packaging"],
  },
});
