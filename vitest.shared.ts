import { defineProject, type UserWorkspaceConfig } from "vitest/config";

/** The project config every package uses: tests next to the code, sources through the source condition. */
export function packageProject(name: string, test: UserWorkspaceConfig["test"] = {}): UserWorkspaceConfig {
  return defineProject({
    resolve: { conditions: ["@p8e/source"] },
    ssr: { resolve: { conditions: ["@p8e/source"] } },
    test: {
      name,
      include: ["src/**/*.test.ts", "test/**/*.test.ts"],
      ...test,
    },
  });
}
