// A run whose tenant code never ends, already queued in the store when the server (re)starts: the
// server comes up and answers, the run is failed once with node_timeout, and it is not retried.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, expect, it } from "vitest";
import { createEngine } from "../../src/core/index.ts";
import { openStore, type Db } from "../../src/store/index.ts";
import { startTestServer, waitFor, type TestServer } from "../support/servers.ts";

let dataDir: string | undefined;
let server: TestServer | undefined;
let db: Db | undefined;
afterAll(async () => {
  await server?.stop();
  await db?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

it("a server starting with endless runs queued serves at once and fails each run with node_timeout, once", async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), "reprise-poison-"));
  // What an earlier process left behind: an endless workflow with runs queued but never executed.
  db = await openStore({ dataDir });
  const before = createEngine({ db });
  const account = await before.createAccount({ name: "mallory" });
  const wf = await before.createWorkflow({
    accountId: account.id,
    idStyle: "altostrat",
    name: "endless",
    definition: {
      nodes: [
        { id: "start", type: "trigger" },
        { id: "spin", type: "transform", config: { expression: "($f := function($n){ $f($n+1) }; $f(0))" } },
      ],
      edges: [{ source: "start", target: "spin" }],
    },
  });
  const queued = await Promise.all([1, 2, 3].map(() => before.executeWorkflow({ accountId: account.id, workflowId: wf.id, payload: {} })));
  await before.close();

  server = await startTestServer({ SANDBOX_TIMEOUT_MS: "300", MAX_ATTEMPTS: "3" }, { db });
  const t0 = performance.now();
  const health = await fetch(`${server.altostratUrl}/healthz`);
  expect(health.status).toBe(200);
  expect(performance.now() - t0).toBeLessThan(2000);

  for (const { run } of queued) {
    const finished = await waitFor(
      () => server!.engine.getRun(account.id, run.id),
      (r) => r.status === "failed",
      { attempts: 400, intervalMs: 25 },
    );
    expect(finished.status).toBe("failed");
    expect(finished.attempts).toBe(1);
    expect(finished.logs.find((l) => l.status === "error")?.output).toMatchObject({ code: "node_timeout" });
  }
}, 60_000);
