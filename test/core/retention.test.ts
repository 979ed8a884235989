import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DomainError, type Engine } from "../../src/core/index.ts";
import type { Db } from "../../src/store/index.ts";
import type { ManualClock } from "../support/clock.ts";
import { storesUnderTest } from "../support/stores.ts";
import { addWorkflow, newAccount, openTestEngine } from "../support/engine.ts";

const DAY = 24 * 3600 * 1000;

describe.each(storesUnderTest())("retention on $name", (store) => {
  let db: Db;
  let engine: Engine;
  let clock: ManualClock;
  beforeAll(async () => void ({ db, engine, clock } = await openTestEngine(store)));
  afterAll(() => db.close());

  it("purges finished runs and their logs older than the window, in batches; purged runs are run_not_found", async () => {
    const accountId = await newAccount(engine);
    const wf = await addWorkflow(engine, accountId);
    const old: string[] = [];
    for (let i = 0; i < 5; i++) old.push((await engine.executeWorkflow({ accountId, workflowId: wf.id, payload: { value: i } })).run.id);
    await engine.createWorker().drain();
    const stillPending = (await engine.executeWorkflow({ accountId, workflowId: wf.id, payload: { value: 9 } })).run.id;
    clock.advance(6 * DAY);
    const recent = (await engine.executeWorkflow({ accountId, workflowId: wf.id, payload: { value: 7 } })).run.id;
    await engine.createWorker().tick(); // finishes `recent` and the pending one
    await db.query("UPDATE runs SET status = 'pending' WHERE id = $1", [stillPending]);
    clock.advance(1 * DAY + 1);

    const result = await engine.purgeExpired({ batchSize: 2 });
    expect(result.runs).toBe(5);
    for (const id of old) {
      const err = await engine.getRun(accountId, id).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DomainError);
      expect((err as DomainError).code).toBe("run_not_found");
    }
    const { rows } = await db.query<{ c: number }>("SELECT count(*)::int AS c FROM node_logs WHERE run_id = ANY($1::text[])", [old]);
    expect(rows[0]?.c).toBe(0);
    expect((await engine.getRun(accountId, recent)).status).toBe("completed");
    expect((await engine.getRun(accountId, stillPending)).status).toBe("pending"); // unfinished runs are kept
    await db.query("UPDATE runs SET status = 'completed' WHERE id = $1", [stillPending]);
  });

  it("honours a custom window and purges expired idempotency keys", async () => {
    const accountId = await newAccount(engine);
    const wf = await addWorkflow(engine, accountId);
    const { run } = await engine.executeWorkflow({ accountId, workflowId: wf.id, payload: {}, idempotencyKey: "old-key" });
    await engine.createWorker().drain();
    clock.advance(2 * DAY);
    const keys = async () =>
      (await db.query<{ c: number }>("SELECT count(*)::int AS c FROM idempotency_keys WHERE account_id = $1", [accountId])).rows[0]?.c;
    expect(await keys()).toBe(1);
    // Two days on, the run is inside a 3-day window but its 24-hour idempotency key has expired.
    const first = await engine.purgeExpired({ days: 3 });
    expect(first.idempotencyKeys).toBeGreaterThanOrEqual(1);
    expect(await keys()).toBe(0);
    expect((await engine.getRun(accountId, run.id)).status).toBe("completed");
    expect((await engine.purgeExpired({ days: 1 })).runs).toBeGreaterThanOrEqual(1);
    await expect(engine.getRun(accountId, run.id)).rejects.toMatchObject({ code: "run_not_found" });
  });

  it("purges bulk rerun jobs that ended before the window, and keeps active ones", async () => {
    const accountId = await newAccount(engine);
    const wf = await addWorkflow(engine, accountId);
    const { job: ended } = await engine.createRerunJob({ accountId, workflowId: wf.id });
    await engine.cancelRerunJob({ accountId, jobId: ended.id });
    const { job: active } = await engine.createRerunJob({ accountId, workflowId: wf.id });
    clock.advance(8 * DAY);
    expect((await engine.purgeExpired()).rerunJobs).toBeGreaterThanOrEqual(1);
    await expect(engine.getRerunJob({ accountId, jobId: ended.id })).rejects.toMatchObject({ code: "rerun_job_not_found" });
    expect((await engine.getRerunJob({ accountId, jobId: active.id })).state).toBe("pending");
    await engine.cancelRerunJob({ accountId, jobId: active.id });
  });

  it("startRetention purges periodically until stopped", async () => {
    const accountId = await newAccount(engine);
    const wf = await addWorkflow(engine, accountId);
    const { run } = await engine.executeWorkflow({ accountId, workflowId: wf.id, payload: {} });
    await engine.createWorker().drain();
    const later = () => new Date(clock().getTime() + 8 * DAY);
    const task = engine.startRetention({ intervalMs: 10, days: 7, clock: later });
    await expect.poll(() => engine.getRun(accountId, run.id).then(() => "kept", () => "purged"), { timeout: 5_000, interval: 10 }).toBe("purged");
    await task.stop();
  });
});
