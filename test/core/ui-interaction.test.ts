import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isDomainError, type Engine } from "../../src/core/index.ts";
import type { Db } from "../../src/store/index.ts";
import { createManualClock, type ManualClock } from "../support/clock.ts";
import { addWorkflow, createTestEngine, newAccount } from "../support/engine.ts";
import { storesUnderTest, type SharedStore } from "../support/stores.ts";
import { APPROVAL, LINEAR } from "../support/workflows.ts";

const HOUR = 3600_000;

/** The domain error code a promise is rejected with. */
async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (isDomainError(err)) return err.code;
    throw err;
  }
  throw new Error("expected a rejection");
}

describe.each(storesUnderTest())("runs waiting for a person on $name", (store) => {
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

  /** Starts an APPROVAL run and lets one worker take it to the wait. */
  async function waitingRun() {
    const wf = await addWorkflow(engine, accountId, APPROVAL);
    const { run } = await engine.executeWorkflow({ accountId, workflowId: wf.id, payload: { amount: 42 } });
    await engine.createWorker({ concurrency: 1 }).drain();
    return { wf, run: await engine.getRun(accountId, run.id) };
  }

  it("parks at the node without holding a worker: the logs before it are written and another run completes meanwhile", async () => {
    const { run } = await waitingRun();
    expect(run).toMatchObject({ status: "awaiting_ui_interaction", awaitingNode: "approve", leaseOwner: null, completedAt: null });
    expect(run.inputDeadline).toEqual(new Date(clock().getTime() + HOUR));
    expect(run.logs.map((l) => [l.nodeId, l.status])).toEqual([["n1", "success"], ["n2", "success"]]);
    // The single slot is free: a run queued afterwards is executed to the end.
    const wf = await addWorkflow(engine, accountId, LINEAR);
    const other = await engine.executeWorkflow({ accountId, workflowId: wf.id, payload: { value: 1 } });
    const worker = engine.createWorker({ concurrency: 1 });
    await worker.drain();
    expect((await engine.getRun(accountId, other.run.id)).status).toBe("completed");
    expect((await engine.getRun(accountId, run.id)).status).toBe("awaiting_ui_interaction");
    expect(worker.inFlight).toBe(0);
  });

  it("a delivered input becomes the node's output and the run completes without running the nodes before it again", async () => {
    const { run } = await waitingRun();
    const resumed = await engine.deliverInput({ accountId, runId: run.id, nodeId: "approve", input: { approved: true, note: "ok" } });
    expect(resumed).toMatchObject({ status: "pending", awaitingNode: null, inputDeadline: null });
    await engine.createWorker().drain();
    const done = await engine.getRun(accountId, run.id);
    expect(done.status).toBe("completed");
    expect(done.logs.map((l) => [l.nodeId, l.output])).toEqual([
      ["n1", { amount: 42 }],
      ["n2", { amount: 42 }],
      ["approve", { approved: true, note: "ok" }],
      ["n4", { approved: true, amount: 42 }],
    ]);
  });

  it("input the node's schema refuses is invalid_node_input with each problem, and the run keeps waiting", async () => {
    const { run } = await waitingRun();
    const err = await engine.deliverInput({ accountId, runId: run.id, nodeId: "approve", input: { approved: "yes", extra: 1 }, inputPointer: "/body/input" }).catch((e: unknown) => e);
    expect(isDomainError(err, "invalid_node_input")).toBe(true);
    const problems = (err as { details: { problems: { path: string; message: string }[] } }).details.problems;
    expect(problems).toEqual(expect.arrayContaining([{ path: "/body/input/approved", message: "must be boolean" }, { path: "/body/input", message: "must NOT have additional properties" }]));
    expect((await engine.getRun(accountId, run.id)).status).toBe("awaiting_ui_interaction");
  });

  it("a run not waiting at that node is run_not_awaiting_input; an unknown or another account's run is run_not_found", async () => {
    const { run } = await waitingRun();
    expect(await codeOf(engine.deliverInput({ accountId, runId: run.id, nodeId: "n2", input: {} }))).toBe("run_not_awaiting_input");
    expect(await codeOf(engine.deliverInput({ accountId, runId: run.id, nodeId: "ghost", input: {} }))).toBe("run_not_awaiting_input");
    expect(await codeOf(engine.deliverInput({ accountId, runId: "fl_run_0000000000000000000000zzzz", nodeId: "approve", input: {} }))).toBe("run_not_found");
    const stranger = await newAccount(engine, "stranger");
    expect(await codeOf(engine.deliverInput({ accountId: stranger, runId: run.id, nodeId: "approve", input: { approved: true } }))).toBe("run_not_found");
    const wf = await addWorkflow(engine, accountId, LINEAR);
    const done = await engine.executeWorkflow({ accountId, workflowId: wf.id, payload: { value: 1 } });
    await engine.createWorker().drain();
    expect(await codeOf(engine.deliverInput({ accountId, runId: done.run.id, nodeId: "n1", input: {} }))).toBe("run_not_awaiting_input");
  });

  it("of two concurrent deliveries, from two connections, exactly one wins and the other is run_not_awaiting_input", async () => {
    const { run } = await waitingRun();
    const otherDb = store.name === "postgres" ? await shared.open() : db;
    const other = createTestEngine(otherDb, { clock }).engine;
    try {
      const results = await Promise.allSettled([
        engine.deliverInput({ accountId, runId: run.id, nodeId: "approve", input: { approved: true } }),
        other.deliverInput({ accountId, runId: run.id, nodeId: "approve", input: { approved: false } }),
      ]);
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      const lost = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
      expect(isDomainError(lost.reason, "run_not_awaiting_input")).toBe(true);
      const logs = (await engine.getRun(accountId, run.id)).logs.filter((l) => l.nodeId === "approve");
      expect(logs).toHaveLength(1);
    } finally {
      await other.close();
      if (otherDb !== db) await otherDb.close();
    }
  });

  it("a wait that runs out fails the run with ui_interaction_timeout at the node, found by any worker's sweep", async () => {
    const { run } = await waitingRun();
    clock.advance(HOUR - 1);
    await engine.createWorker().tick();
    expect((await engine.getRun(accountId, run.id)).status).toBe("awaiting_ui_interaction");
    clock.advance(1);
    // Past the deadline the input is refused even before a sweep has failed the run.
    expect(await codeOf(engine.deliverInput({ accountId, runId: run.id, nodeId: "approve", input: { approved: true } }))).toBe("run_not_awaiting_input");
    // A worker of another engine (another process) on the same store finds it.
    const otherDb = store.name === "postgres" ? await shared.open() : db;
    const other = createTestEngine(otherDb, { clock }).engine;
    try {
      await other.createWorker().tick();
    } finally {
      await other.close();
      if (otherDb !== db) await otherDb.close();
    }
    const failed = await engine.getRun(accountId, run.id);
    expect(failed).toMatchObject({ status: "failed", errorMessage: "Node 'approve' (ui_interaction) failed: no input arrived before its timeout" });
    expect(failed.logs.at(-1)).toMatchObject({ nodeId: "approve", componentId: "ui_interaction", status: "error", output: { code: "ui_interaction_timeout" } });
  });

  it("a rerun waits again (a person's input is never copied); a resume from a later node copies it as any ancestor's output", async () => {
    const { run } = await waitingRun();
    await engine.deliverInput({ accountId, runId: run.id, nodeId: "approve", input: { approved: false } });
    await engine.createWorker().drain();
    const rerun = await engine.rerunRun({ accountId, runId: run.id });
    const resumed = await engine.resumeRunFromNode({ accountId, runId: run.id, nodeId: "n4" });
    await engine.createWorker().drain();
    expect(await engine.getRun(accountId, rerun.run.id)).toMatchObject({ status: "awaiting_ui_interaction", awaitingNode: "approve" });
    const fromN4 = await engine.getRun(accountId, resumed.run.id);
    expect(fromN4.status).toBe("completed");
    expect(fromN4.logs.find((l) => l.nodeId === "approve")).toMatchObject({ output: { approved: false }, copiedFrom: expect.any(String) });
    expect(fromN4.logs.at(-1)!.output).toEqual({ approved: false, amount: 42 });
  });

  it("a waiting run can be cancelled: it fails at once with run_cancelled at the node it waits at, and input is then refused", async () => {
    const { run } = await waitingRun();
    const result = await engine.cancelRun({ accountId, runId: run.id });
    expect(result).toMatchObject({ stopping: false, run: { status: "failed" } });
    const after = await engine.getRun(accountId, run.id);
    expect(after.logs.at(-1)).toMatchObject({ nodeId: "approve", componentId: "ui_interaction", status: "error", output: { code: "run_cancelled" } });
    expect(await codeOf(engine.deliverInput({ accountId, runId: run.id, nodeId: "approve", input: { approved: true } }))).toBe("run_not_awaiting_input");
  });

  it("retention keeps a waiting run however old it is; it ends by its own timeout", async () => {
    const { run } = await waitingRun();
    await engine.purgeExpired({ days: 0 });
    expect((await engine.getRun(accountId, run.id)).status).toBe("awaiting_ui_interaction");
  });
});

describe.each(storesUnderTest())("a wait for a person outlives its process on $name", (store) => {
  it("a run parked before a restart is failed on time by a worker of the next process", async () => {
    const shared = await store.openShared();
    const clock = createManualClock();
    let db = await shared.open();
    let engine = createTestEngine(db, { clock }).engine;
    try {
      const accountId = await newAccount(engine);
      const wf = await addWorkflow(engine, accountId, APPROVAL);
      const { run } = await engine.executeWorkflow({ accountId, workflowId: wf.id, payload: { amount: 1 } });
      await engine.createWorker().drain();
      expect((await engine.getRun(accountId, run.id)).status).toBe("awaiting_ui_interaction");
      // The process ends; an hour later another one opens the same store.
      await engine.close();
      await db.close();
      clock.advance(HOUR);
      db = await shared.open();
      engine = createTestEngine(db, { clock }).engine;
      await engine.createWorker().tick();
      expect(await engine.getRun(accountId, run.id)).toMatchObject({ status: "failed", errorMessage: expect.stringContaining("no input arrived") });
    } finally {
      await engine.close();
      await db.close();
      await shared.dispose();
    }
  });
});
