import { createServer, type ServerResponse, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { createInThreadSandbox, type Engine, type RunOutcome, type Worker, type WorkerEvent, type WorkerOptions, type WorkflowDefinition } from "../../src/core/index.ts";
import { claimRuns, type Db } from "../../src/store/index.ts";
import type { ManualClock } from "../support/clock.ts";
import { storesUnderTest } from "../support/stores.ts";
import { addWorkflow, createTestEngine, newAccount, openTestEngine } from "../support/engine.ts";

let server: Server;
let base: string;
const hits = new Map<string, number>();
/** Requests to /hold/* wait here until the test answers them. */
const held = new Map<string, ServerResponse[]>();
beforeAll(async () => {
  server = createServer((req, res) => {
    const path = req.url!;
    const n = (hits.get(path) ?? 0) + 1;
    hits.set(path, n);
    // /hold-once/*: the first request hangs, later ones answer at once.
    if (path.startsWith("/hold/") || (path.startsWith("/hold-once/") && n === 1)) {
      held.set(path, [...(held.get(path) ?? []), res]);
      return;
    }
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ path, n }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const list of held.values()) for (const res of list) res.destroy();
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

const twoCalls = (first: string, second: string): WorkflowDefinition => ({
  nodes: [
    { id: "start", type: "trigger" },
    { id: "n1", type: "http_request", config: { method: "GET", url: `${base}${first}` } },
    { id: "n2", type: "http_request", config: { method: "GET", url: `${base}${second}` } },
  ],
  edges: [
    { source: "start", target: "n1" },
    { source: "n1", target: "n2" },
  ],
});

const QUICK: WorkflowDefinition = {
  nodes: [
    { id: "start", type: "trigger" },
    { id: "t", type: "transform", config: { expression: "trigger.i" } },
  ],
  edges: [{ source: "start", target: "t" }],
};

describe.each(storesUnderTest())("workers on $name", (store) => {
  let db: Db;
  let engine: Engine;
  let clock: ManualClock;
  let accountId: string;
  beforeAll(async () => {
    ({ db, engine, clock } = await openTestEngine(store, { config: { leaseMs: 30_000, maxAttempts: 3 } }));
    accountId = await newAccount(engine);
  });
  afterAll(async () => {
    await engine.close();
    await db.close();
  });

  /**
   * A worker stopped when its test ends, whether it passed, failed or timed out: a slow test's
   * workers must not go on claiming the runs of the tests after it.
   */
  const newWorker = (options?: WorkerOptions, on: Engine = engine): Worker => {
    const worker = on.createWorker(options);
    onTestFinished(() => worker.stop({ deadlineMs: 1_000 }));
    return worker;
  };

  // Queued one at a time, each insert waited behind the claims its own notification set off (PGlite
  // has one connection): 60 of the test's 61 s on PGlite on a 2-CPU machine at load average 3.5, the
  // workers keeping up. Queued 50 at a time (one group-committed insert, one notification) the test
  // takes ~10 s there, the workers claiming meanwhile. No timing is asserted: the budget only ends a
  // hung test, so it is generous (over 10x) for machines loaded far more heavily.
  it("1,000 runs through 4 concurrent workers are each completed exactly once", async ({ signal }) => {
    // Tenant code on the calling thread: this test is about claims, not sandbox isolation.
    const { engine: quick } = createTestEngine(db, { clock, sandbox: createInThreadSandbox(), config: { leaseMs: 30_000, maxAttempts: 3 } });
    const wf = await addWorkflow(quick, accountId, QUICK);
    const claims = new Map<string, number>();
    const outcomes: RunOutcome[] = [];
    const onEvent = (e: WorkerEvent) => {
      if (e.type === "claimed") claims.set(e.run.id, (claims.get(e.run.id) ?? 0) + 1);
      else outcomes.push(e.outcome);
    };
    const workers = [1, 2, 3, 4].map(() => newWorker({ concurrency: 4, pollIntervalMs: 50, onEvent }, quick));
    await Promise.all(workers.map((w) => w.start()));
    // Runs left pending by a failed or timed-out test would be claimed by the next test's workers.
    onTestFinished(async () => void (await quick.cancelRuns({ accountId, workflowId: wf.id, statuses: ["pending"] })));
    const ids = new Set<string>();
    // Queued while the workers claim; a test that timed out stops queueing.
    for (let i = 0; i < 1000 && !signal.aborted; i += 50) {
      const started = await Promise.all(Array.from({ length: 50 }, (_, j) => quick.executeWorkflow({ accountId, workflowId: wf.id, payload: { i: i + j } })));
      for (const { run } of started) ids.add(run.id);
    }
    await expect.poll(() => outcomes.length, { timeout: 110_000, interval: 50 }).toBe(1000);
    await Promise.all(workers.map((w) => w.stop({ deadlineMs: 1000 })));

    expect(outcomes.every((o) => o === "completed")).toBe(true);
    expect([...claims.keys()].sort()).toEqual([...ids].sort());
    expect([...claims.values()].every((n) => n === 1)).toBe(true);
    const { rows } = await db.query<{ status: string; attempts: number; logs: number; c: number }>(
      `SELECT r.status, r.attempts, (SELECT count(*)::int FROM node_logs l WHERE l.run_id = r.id) AS logs, count(*)::int AS c
       FROM runs r WHERE r.workflow_id = $1 GROUP BY 1, 2, 3`,
      [wf.id],
    );
    expect(rows).toEqual([{ status: "completed", attempts: 1, logs: 2, c: 1000 }]);
  }, 120_000);

  it("slots freed while other runs still execute are claimed together, not by one claim per finished run", async () => {
    const tag = `${store.name}-refill`;
    const hold = `/hold/${tag}`;
    const wf = await addWorkflow(engine, accountId, twoCalls(`/once/${tag}`, hold));
    const claimedAt: number[] = [];
    let finished = 0;
    const onEvent = (e: WorkerEvent) => (e.type === "claimed" ? claimedAt.push(performance.now()) : finished++);
    // No poll: only the finished runs' refill may claim.
    const worker = newWorker({ concurrency: 3, refillDelayMs: 300, accountMaxRunning: null, pollIntervalMs: 600_000, onEvent });
    for (let i = 0; i < 3; i++) await engine.executeWorkflow({ accountId, workflowId: wf.id, payload: {} });
    await worker.start();
    await expect.poll(() => held.get(hold)?.length ?? 0, { timeout: 5_000, interval: 5 }).toBe(3);
    // Two more wait for a slot.
    for (let i = 0; i < 2; i++) await engine.executeWorkflow({ accountId, workflowId: wf.id, payload: {} });
    const answer = (n: number) => held.get(hold)![n]!.writeHead(200, { "content-type": "application/json" }).end("{}");
    // Two runs finish 100 ms apart, within the refill delay of the first.
    answer(0);
    await new Promise((r) => setTimeout(r, 100));
    answer(1);
    await expect.poll(() => claimedAt.length, { timeout: 5_000, interval: 5 }).toBe(5);
    // One claim took both: they were claimed in the same turn, not 100 ms apart.
    expect(claimedAt[4]! - claimedAt[3]!).toBeLessThan(50);
    await expect.poll(() => held.get(hold)?.length ?? 0, { timeout: 5_000, interval: 5 }).toBe(5);
    for (const n of [2, 3, 4]) answer(n);
    await expect.poll(() => finished, { timeout: 5_000, interval: 5 }).toBe(5);
  });

  it("a started worker is woken by the insert's notification, not the poll", async () => {
    const wf = await addWorkflow(engine, accountId, QUICK);
    const worker = newWorker({ pollIntervalMs: 600_000 });
    await worker.start();
    await new Promise((r) => setTimeout(r, 20)); // let the start-up claim find nothing
    const { run } = await engine.executeWorkflow({ accountId, workflowId: wf.id, payload: { i: 1 } });
    await expect.poll(async () => (await engine.getRun(accountId, run.id)).status, { timeout: 5_000, interval: 10 }).toBe("completed");
    await worker.stop();
  });

  it("a run whose worker died is reclaimed after its lease expires; finished nodes are not run again", async () => {
    const tag = `${store.name}-reclaim`;
    const wf = await addWorkflow(engine, accountId, twoCalls(`/once/${tag}`, `/hold-once/${tag}`));
    const { run } = await engine.executeWorkflow({ accountId, workflowId: wf.id, payload: {} });
    const outcomes: Record<string, RunOutcome> = {};
    const record = (name: string) => (e: WorkerEvent) => void (e.type === "finished" && (outcomes[name] = e.outcome));
    // The "dead" worker: never renews, stalls forever inside n2.
    const dead = newWorker({ workerId: "wk_dead", renewIntervalMs: 3_600_000, onEvent: record("dead") });
    const deadTick = dead.tick();
    await expect.poll(() => held.get(`/hold-once/${tag}`)?.length ?? 0, { timeout: 5_000, interval: 5 }).toBe(1);

    const rescuer = newWorker({ workerId: "wk_rescuer", onEvent: record("rescuer") });
    expect(await rescuer.tick()).toBe(0); // lease still valid
    clock.advance(30_001);
    expect(await rescuer.tick()).toBe(1);
    const done = await engine.getRun(accountId, run.id);
    expect(done).toMatchObject({ status: "completed", attempts: 2 });
    expect(done.logs.map((l) => l.nodeId)).toEqual(["start", "n1", "n2"]);
    expect(hits.get(`/once/${tag}`)).toBe(1); // finished before the "crash": not repeated
    expect(hits.get(`/hold-once/${tag}`)).toBe(2); // in flight at the "crash": at-least-once

    // The stalled worker wakes up late: its writes are fenced off by the lease.
    held.get(`/hold-once/${tag}`)![0]!.writeHead(200).end("{}");
    await deadTick;
    expect(outcomes).toEqual({ dead: "lease_lost", rescuer: "completed" });
    expect((await engine.getRun(accountId, run.id)).logs).toHaveLength(3);
  });

  it("a worker whose own lease ran out while a run is in flight does not start that run again", async () => {
    const tag = `${store.name}-own-expired`;
    const wf = await addWorkflow(engine, accountId, twoCalls(`/once/${tag}`, `/hold-once/${tag}`));
    const { run } = await engine.executeWorkflow({ accountId, workflowId: wf.id, payload: {} });
    const outcomes: RunOutcome[] = [];
    // Ticked, never started: no renewal comes, as when renewals are slow under load.
    const worker = newWorker({ leaseMs: 1_000, onEvent: (e) => void (e.type === "finished" && outcomes.push(e.outcome)) });
    const first = worker.tick();
    await expect.poll(() => held.get(`/hold-once/${tag}`)?.length ?? 0, { timeout: 5_000, interval: 5 }).toBe(1);
    clock.advance(1_001);
    expect(await worker.tick()).toBe(0); // expired, but executing here: not claimed back
    held.get(`/hold-once/${tag}`)![0]!.writeHead(200).end("{}");
    await first;
    expect(outcomes).toEqual(["completed"]);
    const done = await engine.getRun(accountId, run.id);
    expect(done).toMatchObject({ status: "completed", attempts: 1 });
    expect(done.logs.map((l) => l.nodeId)).toEqual(["start", "n1", "n2"]);
    expect(hits.get(`/hold-once/${tag}`)).toBe(1);
  });

  it("fails a run as abandoned after max attempts of expired leases", async () => {
    const wf = await addWorkflow(engine, accountId, QUICK);
    const { run } = await engine.executeWorkflow({ accountId, workflowId: wf.id, payload: { i: 0 } });
    for (let attempt = 1; attempt <= 3; attempt++) {
      const now = clock();
      const claimed = await claimRuns(db, { owner: `ghost-${attempt}`, now, leaseExpiresAt: new Date(now.getTime() + 30_000), limit: 10, maxAttempts: 3 });
      expect(claimed.map((r) => [r.id, r.attempts])).toContainEqual([run.id, attempt]);
      clock.advance(30_001);
    }
    expect(await newWorker().tick()).toBe(0);
    const failed = await engine.getRun(accountId, run.id);
    expect(failed).toMatchObject({ status: "failed", leaseOwner: null, errorMessage: "Run abandoned after 3 attempts: its worker stopped renewing the lease" });
    expect(failed.completedAt).toEqual(clock());
  });

  it("renews the lease while a run is in flight", async () => {
    const tag = `${store.name}-renew`;
    const wf = await addWorkflow(engine, accountId, twoCalls(`/once/${tag}`, `/hold-once/${tag}`));
    const { run } = await engine.executeWorkflow({ accountId, workflowId: wf.id, payload: {} });
    const worker = newWorker({ renewIntervalMs: 20 });
    await worker.start();
    await expect.poll(() => held.get(`/hold-once/${tag}`)?.length ?? 0, { timeout: 5_000, interval: 5 }).toBe(1);
    clock.advance(25_000);
    const renewedUntil = clock().getTime() + 30_000;
    await expect.poll(async () => (await engine.getRun(accountId, run.id)).leaseExpiresAt?.getTime(), { timeout: 5_000, interval: 10 }).toBe(renewedUntil);
    clock.advance(10_000); // past the first lease, within the renewed one
    expect(await newWorker().tick()).toBe(0);
    held.get(`/hold-once/${tag}`)![0]!.writeHead(200).end("{}");
    await expect.poll(async () => (await engine.getRun(accountId, run.id)).status, { timeout: 5_000, interval: 10 }).toBe("completed");
    await worker.stop();
  });

  it("stop() lets in-flight runs finish before the deadline", async () => {
    const tag = `${store.name}-finish`;
    const wf = await addWorkflow(engine, accountId, twoCalls(`/once/${tag}`, `/hold/${tag}`));
    const { run } = await engine.executeWorkflow({ accountId, workflowId: wf.id, payload: {} });
    const worker = newWorker();
    await worker.start();
    await expect.poll(() => held.get(`/hold/${tag}`)?.length ?? 0, { timeout: 5_000, interval: 5 }).toBe(1);
    const stopping = worker.stop({ deadlineMs: 5_000 });
    setTimeout(() => held.get(`/hold/${tag}`)![0]!.writeHead(200).end("{}"), 20);
    await stopping;
    expect((await engine.getRun(accountId, run.id)).status).toBe("completed");
  });

  it("stop() releases runs still in flight at the deadline back to pending", async () => {
    const tag = `${store.name}-release`;
    const wf = await addWorkflow(engine, accountId, twoCalls(`/once/${tag}`, `/hold-once/${tag}`));
    const { run } = await engine.executeWorkflow({ accountId, workflowId: wf.id, payload: {} });
    const worker = newWorker();
    await worker.start();
    await expect.poll(() => held.get(`/hold-once/${tag}`)?.length ?? 0, { timeout: 5_000, interval: 5 }).toBe(1);
    // The held call never answers on its own, so stop() returning at all shows the deadline was kept.
    await worker.stop({ deadlineMs: 100 });
    const released = await engine.getRun(accountId, run.id);
    expect(released).toMatchObject({ status: "pending", leaseOwner: null, leaseExpiresAt: null, attempts: 0 });
    expect(released.logs.map((l) => l.nodeId)).toEqual(["start", "n1"]);
    expect(await worker.tick()).toBe(0); // a stopped worker claims nothing

    await newWorker().drain();
    const done = await engine.getRun(accountId, run.id);
    expect(done).toMatchObject({ status: "completed", attempts: 1 });
    expect(hits.get(`/once/${tag}`)).toBe(1);
  });
});
