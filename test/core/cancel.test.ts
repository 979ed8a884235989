import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isDomainError, type Engine, type WorkflowDefinition } from "../../src/core/index.ts";
import type { Db } from "../../src/store/index.ts";
import type { ManualClock } from "../support/clock.ts";
import { storesUnderTest, type SharedStore } from "../support/stores.ts";
import { addWorkflow, createTestEngine, newAccount } from "../support/engine.ts";
import { LINEAR } from "../support/workflows.ts";

// A server whose /hang never answers (its requests are held until the suite ends) and whose other
// paths answer at once and are counted.
let server: Server;
let base: string;
const hits = new Map<string, number>();
const held = new Set<ServerResponse>();
const arrivals: ((url: string) => void)[] = [];
beforeAll(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    hits.set(req.url!, (hits.get(req.url!) ?? 0) + 1);
    for (const notify of arrivals.splice(0)) notify(req.url!);
    if (req.url!.startsWith("/hang")) return void held.add(res);
    res.writeHead(200, { "content-type": "application/json" }).end("{}");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const res of held) res.destroy();
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

/** Resolves when the server receives a request for `url`. */
function requestArrives(url: string): Promise<void> {
  return new Promise((resolve) => {
    const wait = (got: string) => (got === url ? resolve() : arrivals.push(wait));
    arrivals.push(wait);
  });
}

const hanging = (tag: string): WorkflowDefinition => ({
  nodes: [
    { id: "start", type: "trigger" },
    { id: "call", type: "http_request", config: { method: "GET", url: `${base}/hang-${tag}`, timeout_ms: 60_000 } },
    { id: "next", type: "http_request", config: { method: "GET", url: `${base}/next-${tag}` } },
  ],
  edges: [
    { source: "start", target: "call" },
    { source: "call", target: "next" },
  ],
});

/** Polls the run until it leaves `running` (the test's own timeout bounds it). */
async function waitUntilSettled(engine: Engine, accountId: string, runId: string) {
  for (;;) {
    const run = await engine.getRun(accountId, runId);
    if (run.status !== "running" && run.status !== "pending") return run;
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe.each(storesUnderTest())("cancelling runs on $name", (store) => {
  let shared: SharedStore;
  let db: Db;
  let engine: Engine;
  let clock: ManualClock;
  let accountId: string;
  beforeAll(async () => {
    shared = await store.openShared();
    db = await shared.open();
    ({ engine, clock } = createTestEngine(db));
    accountId = await newAccount(engine);
  });
  afterAll(async () => {
    await engine.close();
    await db.close();
    await shared.dispose();
  });

  const cancelled = { status: "failed", errorMessage: expect.stringContaining("run_cancelled"), leaseOwner: null };
  const cancelLog = (nodeId: string) => ({ nodeId, status: "error", output: expect.objectContaining({ code: "run_cancelled" }) });

  it("a pending run is failed at once with run_cancelled at its trigger, and no worker runs it", async () => {
    const wf = await addWorkflow(engine, accountId, LINEAR);
    const { run } = await engine.executeWorkflow({ accountId, workflowId: wf.id, payload: { value: 1 } });
    const result = await engine.cancelRun({ accountId, runId: run.id });
    expect(result.stopping).toBe(false);
    expect(result.run).toMatchObject({ ...cancelled, completedAt: clock() });
    await engine.createWorker().drain();
    const after = await engine.getRun(accountId, run.id);
    expect(after).toMatchObject(cancelled);
    expect(after.logs).toEqual([expect.objectContaining(cancelLog("start"))]);
  });

  it("a delayed run is failed where it waits, and the nodes after the delay never run", async () => {
    const wf = await addWorkflow(engine, accountId, {
      nodes: [
        { id: "start", type: "trigger" },
        { id: "wait", type: "delay", config: { seconds: 3600 } },
        { id: "after", type: "http_request", config: { method: "GET", url: `${base}/after-delay-${store.name}` } },
      ],
      edges: [
        { source: "start", target: "wait" },
        { source: "wait", target: "after" },
      ],
    });
    const { run } = await engine.executeWorkflow({ accountId, workflowId: wf.id, payload: {} });
    await engine.createWorker().drain();
    expect((await engine.getRun(accountId, run.id)).status).toBe("pending");
    await engine.cancelRun({ accountId, runId: run.id });
    clock.advance(7200_000);
    await engine.createWorker().drain();
    const after = await engine.getRun(accountId, run.id);
    expect(after).toMatchObject(cancelled);
    expect(after.logs.map((l) => [l.nodeId, l.status])).toEqual([["start", "success"], ["wait", "success"], ["wait", "error"]]);
    expect(hits.get(`/after-delay-${store.name}`)).toBeUndefined();
  });

  it("a waiting run is failed at once", async () => {
    const wf = await addWorkflow(engine, accountId, LINEAR);
    const { run } = await engine.executeWorkflow({ accountId, workflowId: wf.id, payload: {} });
    // Put in the waiting state directly (with no node named): ui-interaction.test.ts parks runs the real way.
    await db.query(`UPDATE runs SET status = 'awaiting_ui_interaction' WHERE id = $1`, [run.id]);
    const result = await engine.cancelRun({ accountId, runId: run.id });
    expect(result).toMatchObject({ stopping: false, run: cancelled });
  });

  it("a running run's in-flight http_request is aborted, it ends failed with run_cancelled, and the next node never runs", async () => {
    // The cancel comes through another connection to the store, as from another process.
    const other = store.name === "postgres" ? await shared.open() : db;
    const canceller = createTestEngine(other, { clock }).engine;
    const wf = await addWorkflow(engine, accountId, hanging(`notify-${store.name}`));
    const worker = engine.createWorker({ pollIntervalMs: 50 });
    const arrived = requestArrives(`/hang-notify-${store.name}`);
    await worker.start();
    try {
      const { run } = await engine.executeWorkflow({ accountId, workflowId: wf.id, payload: {} });
      await arrived;
      const result = await canceller.cancelRun({ accountId, runId: run.id });
      expect(result).toMatchObject({ stopping: true, run: { status: "running" } });
      const after = await waitUntilSettled(engine, accountId, run.id);
      expect(after).toMatchObject(cancelled);
      expect(after.logs.map((l) => l.nodeId)).toEqual(["start", "call"]);
      expect(after.logs[1]).toMatchObject(cancelLog("call"));
      expect(hits.get(`/next-notify-${store.name}`)).toBeUndefined();
    } finally {
      await worker.stop({ deadlineMs: 1_000 });
      await canceller.close();
      if (other !== db) await other.close();
    }
  });

  it("a worker that missed the notification learns of the cancel when it renews the lease", async () => {
    const deaf: Db = { kind: db.kind, query: (t, v) => db.query(t, v), transaction: (fn) => db.transaction(fn), close: async () => {} };
    const quiet = createTestEngine(deaf, { clock }).engine;
    const wf = await addWorkflow(engine, accountId, hanging(`renew-${store.name}`));
    const worker = quiet.createWorker({ pollIntervalMs: 50, renewIntervalMs: 50 });
    const arrived = requestArrives(`/hang-renew-${store.name}`);
    await worker.start();
    try {
      const { run } = await engine.executeWorkflow({ accountId, workflowId: wf.id, payload: {} });
      await arrived;
      await engine.cancelRun({ accountId, runId: run.id });
      expect(await waitUntilSettled(engine, accountId, run.id)).toMatchObject(cancelled);
      expect(hits.get(`/next-renew-${store.name}`)).toBeUndefined();
    } finally {
      await worker.stop({ deadlineMs: 1_000 });
      await quiet.close();
    }
  });

  it("a finished run is run_not_cancellable; an unknown run, or one of another workflow, is run_not_found", async () => {
    const wf = await addWorkflow(engine, accountId, LINEAR);
    const { run } = await engine.executeWorkflow({ accountId, workflowId: wf.id, payload: { value: 2 } });
    await engine.createWorker().drain();
    const refused = await engine.cancelRun({ accountId, runId: run.id }).catch((e: unknown) => e);
    expect(isDomainError(refused, "run_not_cancellable")).toBe(true);
    expect(refused).toMatchObject({ details: { status: "completed" } });
    const missing = await engine.cancelRun({ accountId, runId: "fl_run_missing" }).catch((e: unknown) => e);
    expect(isDomainError(missing, "run_not_found")).toBe(true);
    const other = await addWorkflow(engine, accountId, LINEAR);
    const { run: pending } = await engine.executeWorkflow({ accountId, workflowId: wf.id, payload: {} });
    const elsewhere = await engine.cancelRun({ accountId, runId: pending.id, workflowId: other.id }).catch((e: unknown) => e);
    expect(isDomainError(elsewhere, "run_not_found")).toBe(true);
    const stranger = await newAccount(engine, "stranger");
    const foreign = await engine.cancelRun({ accountId: stranger, runId: pending.id }).catch((e: unknown) => e);
    expect(isDomainError(foreign, "run_not_found")).toBe(true);
    expect((await engine.getRun(accountId, pending.id)).status).toBe("pending");
  });

  it("a cancel by filter takes a workflow's matching runs in the time range, at most the limit, and says how many remain", async () => {
    const wf = await addWorkflow(engine, accountId, LINEAR);
    const untouched = await addWorkflow(engine, accountId, LINEAR);
    const start = clock();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push((await engine.executeWorkflow({ accountId, workflowId: wf.id, payload: { value: i } })).run.id);
      await engine.executeWorkflow({ accountId, workflowId: untouched.id, payload: {} });
      clock.advance(60_000);
    }
    const window = { createdFrom: new Date(start.getTime() + 60_000), createdTo: new Date(start.getTime() + 4 * 60_000) };
    const first = await engine.cancelRuns({ accountId, workflowId: wf.id, ...window, limit: 2 });
    expect(first).toEqual({ matched: 3, cancelled: 2, stopping: 0, remaining: 1 });
    const second = await engine.cancelRuns({ accountId, workflowId: wf.id, ...window, limit: 2 });
    expect(second).toEqual({ matched: 1, cancelled: 1, stopping: 0, remaining: 0 });
    const statuses = await Promise.all(ids.map(async (id) => (await engine.getRun(accountId, id)).status));
    expect(statuses).toEqual(["pending", "failed", "failed", "failed", "pending"]);
    expect(await engine.cancelRuns({ accountId, workflowId: wf.id, statuses: ["running"] })).toEqual({ matched: 0, cancelled: 0, stopping: 0, remaining: 0 });
    const page = await engine.listRuns({ accountId, workflowId: untouched.id });
    expect(page.runs.every((r) => r.status === "pending")).toBe(true);
    const unknown = await engine.cancelRuns({ accountId, workflowId: "wf_missing" }).catch((e: unknown) => e);
    expect(isDomainError(unknown, "workflow_not_found")).toBe(true);
  });

  it("a cancelled run can be rerun, and the rerun runs to the end", async () => {
    const wf = await addWorkflow(engine, accountId, LINEAR);
    const { run } = await engine.executeWorkflow({ accountId, workflowId: wf.id, payload: { value: 20 } });
    await engine.cancelRun({ accountId, runId: run.id });
    const { run: rerun } = await engine.rerunRun({ accountId, runId: run.id });
    expect(rerun).toMatchObject({ status: "pending", rerunOf: run.id, triggerPayload: { value: 20 } });
    await engine.createWorker().drain();
    expect(await engine.getRun(accountId, rerun.id)).toMatchObject({ status: "completed", errorMessage: null });
  });
});
