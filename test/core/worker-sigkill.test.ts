import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEngine, createIdGenerator } from "../../src/core/index.ts";
import { readFirstLine, scriptPath, spawnTs, waitForExit } from "../support/child.ts";
import { DATABASE_URL, storesUnderTest, type SharedStore } from "../support/stores.ts";
import { addWorkflow, newAccount } from "../support/engine.ts";

// Two processes cannot share a PGlite directory, so a real kill -9 is tested on PostgreSQL only;
// on PGlite the same recovery path is covered by the simulated dead worker in worker.test.ts.
describe.runIf(DATABASE_URL)("a worker process killed with SIGKILL mid-run", () => {
  let server: Server;
  let base: string;
  const hits: string[] = [];
  const held: ServerResponse[] = [];
  let shared: SharedStore;
  beforeAll(async () => {
    server = createServer((req, res) => {
      hits.push(req.url!);
      if (req.url === "/slow" && hits.filter((h) => h === "/slow").length === 1) return void held.push(res);
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    shared = await storesUnderTest().find((s) => s.name === "postgres")!.openShared();
  });
  afterAll(async () => {
    held.forEach((r) => r.destroy());
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
    await shared.dispose();
  });

  it("leaves a run that another process reclaims after the lease and completes once", async () => {
    const db = await shared.open();
    const leaseMs = 1_000;
    const engine = createEngine({ db, config: { allowPrivateNetworks: true, leaseMs } });
    const accountId = await newAccount(engine);
    const wf = await addWorkflow(engine, accountId, {
      nodes: [
        { id: "start", type: "trigger" },
        { id: "fast", type: "http_request", config: { method: "GET", url: `${base}/fast` } },
        { id: "slow", type: "http_request", config: { method: "GET", url: `${base}/slow` } },
      ],
      edges: [
        { source: "start", target: "fast" },
        { source: "fast", target: "slow" },
      ],
    });
    const child = spawnTs(scriptPath("core/support/run-worker.ts"), [shared.location, "wk_child", String(leaseMs)], { DATABASE_URL });
    expect(await readFirstLine(child)).toEqual({ ready: true });
    const { run } = await engine.executeWorkflow({ accountId, workflowId: wf.id, payload: {} });
    await expect.poll(() => held.length, { timeout: 10_000, interval: 10 }).toBe(1);
    child.kill("SIGKILL");
    await waitForExit(child);

    const stuck = await engine.getRun(accountId, run.id);
    expect(stuck).toMatchObject({ status: "running", leaseOwner: "wk_child", attempts: 1 });

    // Rather than sleeping out the lease, the rescuer's clock runs one lease ahead.
    const ahead = () => new Date(Date.now() + leaseMs + 1);
    const rescuer = createEngine({ db, clock: ahead, ids: createIdGenerator(ahead), config: { allowPrivateNetworks: true, leaseMs } });
    expect(await rescuer.createWorker({ workerId: "wk_rescuer" }).tick()).toBe(1);
    const done = await engine.getRun(accountId, run.id);
    expect(done).toMatchObject({ status: "completed", attempts: 2, leaseOwner: null });
    expect(done.logs.map((l) => l.nodeId)).toEqual(["start", "fast", "slow"]);
    expect(hits.filter((h) => h === "/fast")).toHaveLength(1);
    expect(hits.filter((h) => h === "/slow")).toHaveLength(2);
    await db.close();
  });
});
