import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DomainError, type Engine } from "../../src/core/index.ts";
import { createGroupCommit, type BatchResult } from "../../src/core/group-commit.ts";
import type { Db } from "../../src/store/index.ts";
import { storesUnderTest } from "../support/stores.ts";
import { addWorkflow, type CountingDb, newAccount, openCountingEngine } from "../support/engine.ts";
import { LINEAR } from "../support/workflows.ts";

const codeOf = (p: Promise<unknown>) => p.then(() => "resolved", (e: unknown) => (e instanceof DomainError ? e.code : `not a DomainError: ${String(e)}`));

describe("createGroupCommit", () => {
  const recording = () => {
    const batches: number[][] = [];
    let release: () => void = () => {};
    const gate = { closed: false };
    const gc = createGroupCommit<number, number>(async (items) => {
      batches.push(items);
      if (gate.closed) await new Promise<void>((resolve) => (release = resolve));
      return items.map((n): BatchResult<number> => (n < 0 ? { ok: false, error: new Error(`negative ${n}`) } : { ok: true, value: n * 10 }));
    }, { maxBatch: 5 });
    return { gc, batches, gate, release: () => release() };
  };

  it("writes items submitted together in one flush and answers each in order", async () => {
    const { gc, batches } = recording();
    expect(await Promise.all([1, 2, 3].map((n) => gc.submit(n)))).toEqual([10, 20, 30]);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it("collects what arrives during a flush into the next one, at most maxBatch at a time", async () => {
    const { gc, batches, gate, release } = recording();
    gate.closed = true;
    const first = gc.submit(1);
    await new Promise((resolve) => setImmediate(resolve));
    const later = Array.from({ length: 7 }, (_, i) => gc.submit(i + 2));
    expect(gc.pending).toBe(8);
    gate.closed = false;
    release();
    expect(await first).toBe(10);
    expect(await Promise.all(later)).toEqual([20, 30, 40, 50, 60, 70, 80]);
    expect(batches).toEqual([[1], [2, 3, 4, 5, 6], [7, 8]]);
    expect(gc.pending).toBe(0);
  });

  it("rejects only the item the flush refused, and every item of a flush that threw", async () => {
    const { gc } = recording();
    const results = await Promise.allSettled([gc.submit(1), gc.submit(-2), gc.submit(3)]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    const broken = createGroupCommit<number, number>(async () => {
      throw new Error("store down");
    });
    const failed = await Promise.allSettled([broken.submit(1), broken.submit(2)]);
    expect(failed.map((r) => (r.status === "rejected" ? (r.reason as Error).message : "ok"))).toEqual(["store down", "store down"]);
  });
});

describe.each(storesUnderTest())("queueing runs in batches on $name", (store) => {
  let db: Db;
  let counter: CountingDb;
  let engine: Engine;
  beforeAll(async () => void ({ db, counter, engine } = await openCountingEngine(store)));
  afterAll(() => db.close());

  it("concurrent reruns and executions share inserts, and each bad request still gets its own error", async () => {
    const accountId = await newAccount(engine);
    const other = await newAccount(engine);
    const wf = await addWorkflow(engine, accountId, LINEAR);
    const alloyWf = await addWorkflow(engine, accountId, LINEAR, "alloy");
    const sources = await Promise.all(Array.from({ length: 3 }, (_, i) => engine.executeWorkflow({ accountId, workflowId: wf.id, payload: { value: i } })));
    const alloySource = await engine.executeWorkflow({ accountId, workflowId: alloyWf.id, payload: { value: 9 }, endUserId: "user-1" });
    await engine.createWorker().drain();
    const pending = await engine.executeWorkflow({ accountId, workflowId: wf.id, payload: { value: 5 } });

    counter.reset();
    const reruns = Array.from({ length: 30 }, (_, i) => engine.rerunRun({ accountId, runId: sources[i % 3]!.run.id }));
    const alloyRerun = engine.rerunRun({ accountId, runId: alloySource.run.id, workflowId: alloyWf.id });
    const executions = Array.from({ length: 10 }, (_, i) => engine.executeWorkflow({ accountId, workflowId: wf.id, payload: { value: 100 + i } }));
    const refused = [
      codeOf(engine.rerunRun({ accountId, runId: pending.run.id })),
      codeOf(engine.rerunRun({ accountId: other, runId: sources[0]!.run.id })),
      codeOf(engine.rerunRun({ accountId, runId: alloySource.run.id, workflowId: wf.id })),
      codeOf(engine.executeWorkflow({ accountId: other, workflowId: wf.id, payload: {} })),
    ];
    const started = await Promise.all([...reruns, alloyRerun, ...executions]);
    const batchedStatements = counter.count();
    expect(await Promise.all(refused)).toEqual(["run_not_rerunnable", "run_not_found", "run_not_found", "workflow_not_found"]);

    for (const [i, { run, replayed }] of started.slice(0, 30).entries()) {
      const source = sources[i % 3]!.run;
      expect(replayed).toBe(false);
      expect(run).toMatchObject({ status: "pending", triggerType: "rerun", rerunOf: source.id, rootRunId: source.id, workflowId: wf.id, triggerPayload: { value: i % 3 } });
      expect(run.id).toMatch(/^fl_run_/);
    }
    expect(started[30]!.run).toMatchObject({ rerunOf: alloySource.run.id, endUserId: "user-1", workflowId: alloyWf.id, triggerPayload: { value: 9 } });
    expect(started[30]!.run.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{8}$/);
    expect(started.slice(31).map((s) => s.run.triggerPayload)).toEqual(Array.from({ length: 10 }, (_, i) => ({ value: 100 + i })));
    expect(new Set(started.map((s) => s.run.id)).size).toBe(41);
    // 41 runs one transaction each would be 41+ round trips; the batch answers the refusals too.
    expect(batchedStatements).toBeLessThan(5);

    await engine.createWorker({ concurrency: 16 }).drain();
    const finished = await Promise.all(started.map((s) => engine.getRun(accountId, s.run.id)));
    expect(finished.every((r) => r.status === "completed" && r.logs.length === 3)).toBe(true);
  });

  it("refused requests cost no round trip of their own: one statement answers a batch of refusals", async () => {
    const accountId = await newAccount(engine);
    const wf = await addWorkflow(engine, accountId, LINEAR);
    const pending = await engine.executeWorkflow({ accountId, workflowId: wf.id, payload: {} });
    counter.reset();
    const refused = await Promise.all([
      codeOf(engine.rerunRun({ accountId, runId: pending.run.id })),
      codeOf(engine.rerunRun({ accountId, runId: "fl_run_00000000000000000000000000" })),
      codeOf(engine.executeWorkflow({ accountId, workflowId: "fl_wf_00000000000000000000000000", payload: {} })),
    ]);
    expect(refused).toEqual(["run_not_rerunnable", "run_not_found", "workflow_not_found"]);
    expect(counter.count()).toBe(1);
    await engine.createWorker().drain();
  });

  it("a request the batch statement cannot store is refused alone; the others in its batch are queued", async () => {
    const accountId = await newAccount(engine);
    const wf = await addWorkflow(engine, accountId, LINEAR);
    const results = await Promise.allSettled([
      engine.executeWorkflow({ accountId, workflowId: wf.id, payload: { value: 1 } }),
      engine.executeWorkflow({ accountId, workflowId: wf.id, payload: { text: "nul \u0000 inside" } }),
      engine.executeWorkflow({ accountId, workflowId: wf.id, payload: { value: 3 } }),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    const page = await engine.listRuns({ accountId, workflowId: wf.id });
    expect(page.total).toBe(2);
  });
});
