import { configDefaults, defineConfig } from "vitest/config";

// Where each test lives and how long each group takes: test/README.md.

/** The fast project: the tests of src/ (test/ mirrors it) that need no server, no Prism and no child process. */
const FAST = ["test/*.test.ts", "test/{apis,auth,bin,cli,client,console,core,domain,log,shared,store}/**/*.test.ts"];

/** Tests of src/ that start processes, so they run only with the other suites. */
const STARTS_PROCESSES = [
  "test/apis/admin/admin-app.test.ts", // a server: its sandbox processes
  "test/apis/alloy/{alloy-runs,bulk-rerun,cancel,handlers,ui-input}.test.ts",
  "test/apis/altostrat/{altostrat-runs,bulk-rerun,cancel,handlers,smoke,ui-input}.test.ts",
  "test/apis/{alloy,altostrat}/rerun-overrides.test.ts", // a server: its sandbox processes
  "test/apis/http/{admission,console-route,create-api-app,date-time}.test.ts",
  "test/apis/http/cors.test.ts", // a server and Prism
  "test/apis/http/error-answers.test.ts",
  "test/apis/http/operational.test.ts", // a server, and the CLI as a child process
  "test/cli/commands.test.ts", // the CLI as a child process
  "test/cli/contract-command.test.ts", // the contract command against a server
  "test/cli/contract-package-files.test.ts", // npm pack
  "test/cli/fixtures-through-server.test.ts", // a server process and the CLI
  "test/client/{*-mock,problems,retry}.test.ts", // Prism
  "test/client/middleware.test.ts", // a server
  "test/client/package.test.ts", // npm pack and install, Prism
  "test/core/sandbox/**", // the sandbox's process pool itself
  "test/core/worker-sigkill.test.ts", // a worker process killed with SIGKILL
  "test/store/adapters/pglite-lock.test.ts", // processes competing for a data directory
];

const FAULTS = "test/faults/**";

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    projects: [
      {
        // `npm run test:fast` runs this project alone with TEST_SANDBOX=in-thread (see test/support/sandbox.ts).
        extends: true,
        // Its files share their worker's module cache (isolate: false): the store driver, express and
        // the validators load and compile once per worker instead of once per file. Each file still
        // opens its own stores and servers, so no state is shared through them.
        test: { name: "fast", include: FAST, exclude: [...configDefaults.exclude, ...STARTS_PROCESSES], isolate: false },
      },
      {
        extends: true,
        test: { name: "processes", include: STARTS_PROCESSES.map((glob) => (glob.endsWith("**") ? `${glob}/*.test.ts` : glob)) },
      },
      {
        // The cross-cutting layers: abuse, browser, contract, fuzz, mutation, pipeline, types.
        extends: true,
        test: { name: "layers", include: ["test/**/*.test.ts"], exclude: [...configDefaults.exclude, ...FAST, FAULTS] },
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
