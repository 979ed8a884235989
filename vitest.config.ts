import { configDefaults, defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    projects: [
      {
        extends: true,
        test: { name: "suites", include: ["test/**/*.test.ts"], exclude: [...configDefaults.exclude, "test/faults/**"] },
      },
      {
        // The fault suite stops and restarts PostgreSQL and runs fleets of server processes: it runs
        // after every other suite (groupOrder) and one file at a time, so no other test shares the outage.
        extends: true,
        test: {
          name: "faults",
          include: ["test/faults/**/*.test.ts"],
          fileParallelism: false,
          testTimeout: 120_000,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
