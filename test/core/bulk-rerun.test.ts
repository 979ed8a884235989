import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isDomainError, MAX_ACTIVE_RERUN_JOBS, type Engine } from "../../src/core/index.ts";
import { StoreUnavailableError, type Db } from "../../src/store/index.ts";
import type { ManualClock } from "../support/clock.ts";
import { addWorkflow, countingDb, createTestEngine, newAccount } from "../support/engine.ts";
import { storesUnderTest } from "../support/stores.ts";
import { countRerunsBySource, seedRuns } from "./support/seed-runs.ts";

const BEFORE = new Date("2025-10-31T10:00:00.000Z");

async function expectCode(promise: Promise<unknown>, code: string) {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(isDomainError(err) ? err.code : err).toBe(code);
}

/** A Db whose page transactions fail once, after the reruns were inserted and before the cursor moved. */
function crashingOnceDb(db: Db): { db: Db; crashed: () => boolean } {
  let armed = true;
  let crashed = false;
  const wrap = (tx: Db): Db => ({
    ...tx,
    query: (text, values) => {
      if (armed && text.includes("UPDATE rerun_jobs SET") && text.includes("cursor_created_at")) {
        armed = false;
        crashed = true;
        return Promise.reject(new StoreUnavailableError("connection lost mid-page"));
      }
      return tx.query(text, values);
    },
    transaction: (fn) => tx.transaction((inner) => fn(wrap(inner))),
  });
  return { db: { ...db, query: db.query.bind(db), transaction: (fn) => db.transaction((tx) => fn(wrap(tx))), close: () => db.close() }, crashed: () => crashed };
}

describe.each(storesUnderTest())("bulk rerun jobs on $name", (store) => {
  let db: Db;
  let engine: Engine;
  let clock: ManualClock;
  const counter = { count: () => 0, reset: () => {} };
  beforeAll(async () => {
    db = await store.open();
    const counting = countingDb(db);
    Object.assign(counter, counting);
    ({ engine, clock } = createTestEngine(counting.db, { config: { rerunJobPageSize: 1_000, rerunJobMaxRate: 100_000, rerunJobDefaultRate: 5 } }));
  });
  afterAll(async () => {
    await engine.close();
    await db.close();
  });

  async function workflowWithRuns(count: number, extra: Partial<Parameters<typeof seedRuns>[1]> = {}) {
    const accountId = await newAccount(engine);
    const workflow = await addWorkflow(engine, accountId);
    const ids = await seedRuns(db, { accountId, workflowId: workflow.id, count, from: BEFORE, ...extra });
    return { accountId, workflowId: workflow.id, ids };
  }

  it("reruns 10,000 runs in pages of 1,000, one transaction each, each source exactly once", async () => {
    const { accountId, workflowId, ids } = await workflowWithRuns(10_000);
    const { job } = await engine.createRerunJob({ accountId, workflowId, ratePerSecond: 100_000 });
    expect(job).toMatchObject({ state: "pending", matched: 10_000, queued: 0, ratePerSecond: 100_000 });
    const runner = engine.startRerunJobRunner({ manual: true });
    counter.reset();
    let pages = 0;
    for (let turn = 0; turn < 20 && (await engine.getRerunJob({ accountId, jobId: job.id })).state !== "completed"; turn++) {
      pages += await runner.tick();
      clock.advance(1_000);
    }
    // Ten full pages and an empty one that ends the job; each page is one transaction (the reads
    // between turns and the tick that finds nothing due are the other statements).
    expect(pages).toBe(11);
    expect(counter.count()).toBeLessThanOrEqual(11 + 11 * 2 + 1);
    const done = await engine.getRerunJob({ accountId, jobId: job.id });
    expect(done).toMatchObject({ state: "completed", matched: 10_000, queued: 10_000, skipped: 0, failed: 0 });
    const reruns = await countRerunsBySource(db, accountId, workflowId);
    expect(reruns.size).toBe(10_000);
    expect([...reruns.values()].every((n) => n === 1)).toBe(true);
    expect(ids.every((id) => reruns.has(id))).toBe(true);
    // Linked like any rerun: the source is both rerun_of and root, the trigger says rerun.
    const { rows } = await db.query<{ bad: number }>(
      `SELECT count(*)::int AS bad FROM runs WHERE workflow_id = $1 AND rerun_of IS NOT NULL AND (root_run_id <> rerun_of OR trigger_type <> 'rerun' OR status <> 'pending')`,
      [workflowId],
    );
    expect(rows[0]!.bad).toBe(0);
    await runner.stop();
  }, 120_000);

  it("queues at its rate: a page per second's worth, the next only once the clock has moved on", async () => {
    const { accountId, workflowId } = await workflowWithRuns(12);
    const { job } = await engine.createRerunJob({ accountId, workflowId });
    expect(job.ratePerSecond).toBe(5);
    const runner = engine.startRerunJobRunner({ manual: true });
    const queued = async () => (await engine.getRerunJob({ accountId, jobId: job.id })).queued;
    expect(await runner.tick()).toBe(1);
    expect(await queued()).toBe(5);
    expect(await runner.tick()).toBe(0);
    clock.advance(999);
    expect(await runner.tick()).toBe(0);
    clock.advance(1);
    expect(await runner.tick()).toBe(1);
    expect(await queued()).toBe(10);
    clock.advance(1_000);
    await runner.tick();
    expect(await engine.getRerunJob({ accountId, jobId: job.id })).toMatchObject({ state: "completed", queued: 12 });
    await runner.stop();
  });

  it("never goes above the server's maximum rate, whatever the request asks", async () => {
    const limited = createTestEngine(db, { clock, config: { rerunJobMaxRate: 3 } }).engine;
    const { accountId, workflowId } = await workflowWithRuns(1);
    const { job } = await limited.createRerunJob({ accountId, workflowId, ratePerSecond: 10_000 });
    expect(job.ratePerSecond).toBe(3);
    await limited.cancelRerunJob({ accountId, jobId: job.id });
    await limited.close();
  });

  it("stops between pages when cancelled: nothing is queued after the cancel", async () => {
    const { accountId, workflowId } = await workflowWithRuns(20);
    const { job } = await engine.createRerunJob({ accountId, workflowId });
    const runner = engine.startRerunJobRunner({ manual: true });
    await runner.tick();
    const cancelled = await engine.cancelRerunJob({ accountId, jobId: job.id });
    expect(cancelled).toMatchObject({ state: "cancelled", queued: 5 });
    expect(cancelled.completedAt).not.toBeNull();
    clock.advance(10_000);
    await runner.tick();
    expect(await engine.getRerunJob({ accountId, jobId: job.id })).toMatchObject({ state: "cancelled", queued: 5 });
    expect((await countRerunsBySource(db, accountId, workflowId)).size).toBe(5);
    // Cancelling again answers the job; a completed job cannot be cancelled.
    expect((await engine.cancelRerunJob({ accountId, jobId: job.id })).state).toBe("cancelled");
    const { job: small } = await engine.createRerunJob({ accountId, workflowId, createdTo: new Date(BEFORE.getTime() + 1) });
    await runner.tick();
    await expectCode(engine.cancelRerunJob({ accountId, jobId: small.id }), "rerun_job_not_cancellable");
    await runner.stop();
  });

  it("answers the first job for a repeated Idempotency-Key, and refuses the key for another request or operation", async () => {
    const { accountId, workflowId, ids } = await workflowWithRuns(2);
    const first = await engine.createRerunJob({ accountId, workflowId, statuses: ["failed"], idempotencyKey: "bulk-1" });
    const again = await engine.createRerunJob({ accountId, workflowId, statuses: ["failed"], idempotencyKey: "bulk-1" });
    expect(again).toMatchObject({ replayed: true, job: { id: first.job.id } });
    await expectCode(engine.createRerunJob({ accountId, workflowId, statuses: ["completed"], idempotencyKey: "bulk-1" }), "idempotency_key_mismatch");
    await expectCode(engine.rerunRun({ accountId, runId: ids[0]!, idempotencyKey: "bulk-1" }), "idempotency_key_mismatch");
    await engine.rerunRun({ accountId, runId: ids[0]!, idempotencyKey: "single-1" });
    await expectCode(engine.createRerunJob({ accountId, workflowId, idempotencyKey: "single-1" }), "idempotency_key_mismatch");
    await engine.cancelRerunJob({ accountId, jobId: first.job.id });
  });

  it("takes only the matching runs of its own workflow and account, and skips the unfinished ones", async () => {
    const accountId = await newAccount(engine);
    const workflowId = (await addWorkflow(engine, accountId)).id;
    const other = (await addWorkflow(engine, accountId)).id;
    const at = (minutes: number) => new Date(BEFORE.getTime() + minutes * 60_000);
    const want = [
      ...(await seedRuns(db, { accountId, workflowId, count: 3, status: "failed", triggerType: "webhook", from: at(10) })),
      ...(await seedRuns(db, { accountId, workflowId, count: 2, status: "completed", triggerType: "webhook", from: at(20) })),
    ];
    const unfinished = await seedRuns(db, { accountId, workflowId, count: 2, status: "running", triggerType: "webhook", from: at(30) });
    await seedRuns(db, { accountId, workflowId, count: 2, status: "failed", triggerType: "manual", from: at(15) });
    await seedRuns(db, { accountId, workflowId, count: 2, status: "failed", triggerType: "webhook", from: at(0) });
    await seedRuns(db, { accountId, workflowId, count: 2, status: "failed", triggerType: "webhook", from: at(60) });
    await seedRuns(db, { accountId, workflowId: other, count: 2, status: "failed", triggerType: "webhook", from: at(10) });
    // Rows of another account written into this workflow (the store allows it; the job must not).
    const stranger = await newAccount(engine, "stranger");
    await seedRuns(db, { accountId: stranger, workflowId, count: 2, status: "failed", triggerType: "webhook", from: at(10) });

    const { job } = await engine.createRerunJob({ accountId, workflowId, triggerTypes: ["webhook"], createdFrom: at(5), createdTo: at(45), ratePerSecond: 1_000 });
    expect(job.matched).toBe(7);
    await engine.startRerunJobRunner({ manual: true }).tick();
    expect(await engine.getRerunJob({ accountId, jobId: job.id })).toMatchObject({ state: "completed", matched: 7, queued: 5, skipped: 2, failed: 0 });
    const reruns = await countRerunsBySource(db, accountId, workflowId);
    expect([...reruns.keys()].sort()).toEqual([...want].sort());
    expect(unfinished.some((id) => reruns.has(id))).toBe(false);

    // Statuses narrow the same walk; the job's end user filter is Alloy's userId.
    const { job: failedOnly } = await engine.createRerunJob({ accountId, workflowId, statuses: ["failed"], triggerTypes: ["webhook"], createdFrom: at(5), createdTo: at(45) });
    expect(failedOnly.matched).toBe(3);
    const { job: userOnly } = await engine.createRerunJob({ accountId, workflowId, endUserId: "nobody" });
    expect(userOnly.matched).toBe(0);

    // Another account sees neither the workflow nor the jobs.
    await expectCode(engine.createRerunJob({ accountId: stranger, workflowId }), "workflow_not_found");
    await expectCode(engine.getRerunJob({ accountId: stranger, jobId: job.id }), "rerun_job_not_found");
    await expectCode(engine.cancelRerunJob({ accountId: stranger, jobId: failedOnly.id }), "rerun_job_not_found");
    await expectCode(engine.getRerunJob({ accountId, jobId: job.id, workflowId: other }), "rerun_job_not_found");
    for (const id of [failedOnly.id, userOnly.id]) await engine.cancelRerunJob({ accountId, jobId: id });
  });

  it(`refuses a job beyond ${MAX_ACTIVE_RERUN_JOBS} active ones of the account`, async () => {
    const { accountId, workflowId } = await workflowWithRuns(1);
    const jobs = [];
    for (let i = 0; i < MAX_ACTIVE_RERUN_JOBS; i++) jobs.push((await engine.createRerunJob({ accountId, workflowId })).job);
    await expectCode(engine.createRerunJob({ accountId, workflowId }), "too_many_rerun_jobs");
    await engine.cancelRerunJob({ accountId, jobId: jobs[0]!.id });
    const { job } = await engine.createRerunJob({ accountId, workflowId });
    for (const j of [...jobs.slice(1), job]) await engine.cancelRerunJob({ accountId, jobId: j.id });
  });

  it("resumes after a page was lost mid-way: no source rerun twice, none skipped", async () => {
    const { accountId, workflowId, ids } = await workflowWithRuns(25);
    const crashing = crashingOnceDb(db);
    const fragile = createTestEngine(crashing.db, { clock, config: { rerunJobPageSize: 10 } }).engine;
    const { job } = await fragile.createRerunJob({ accountId, workflowId, ratePerSecond: 1_000 });
    const runner = fragile.startRerunJobRunner({ manual: true });
    await expect(runner.tick()).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(crashing.crashed()).toBe(true);
    // The lost page left nothing behind: no rerun, the cursor where it was, the job still active.
    expect((await countRerunsBySource(db, accountId, workflowId)).size).toBe(0);
    expect(await fragile.getRerunJob({ accountId, jobId: job.id })).toMatchObject({ state: "pending", queued: 0 });
    for (let i = 0; i < 5; i++) {
      await runner.tick();
      clock.advance(1_000);
    }
    const reruns = await countRerunsBySource(db, accountId, workflowId);
    expect(await fragile.getRerunJob({ accountId, jobId: job.id })).toMatchObject({ state: "completed", queued: 25 });
    expect(reruns.size).toBe(25);
    expect(ids.every((id) => reruns.get(id) === 1)).toBe(true);
    await fragile.close();
  });
});
