// The job statements: insert counts the matching runs and holds the per-account limit; the keyset
// walk reads each matching run once, in order, never another account's or workflow's; a locked job
// is skipped by a second locker; advancing and cancelling only move active jobs.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ACTIVE_RERUN_JOB_STATES } from "../../../src/domain/index.ts";
import {
  advanceRerunJob,
  cancelRerunJobRow,
  findRerunJob,
  insertAccount,
  insertRerunJob,
  insertWorkflow,
  listRerunSources,
  lockDueRerunJob,
  nextRerunJobDue,
  type Db,
  type NewRerunJob,
} from "../../../src/store/index.ts";
import { seedRuns } from "../../core/support/seed-runs.ts";
import { storesUnderTest } from "../../support/stores.ts";

const AT = new Date("2025-10-31T12:00:00.000Z");
const FROM = new Date("2025-10-31T10:00:00.000Z");
let n = 0;
const job = (fields: Partial<NewRerunJob> = {}): NewRerunJob => ({
  id: `rrj_test${String(++n).padStart(22, "0")}`,
  accountId: "acct_a",
  workflowId: "wf_a",
  statuses: null,
  triggerTypes: null,
  endUserId: null,
  createdFrom: null,
  createdTo: AT,
  ratePerSecond: 10,
  createdAt: AT,
  ...fields,
});

describe.each(storesUnderTest())("rerun job statements on $name", (store) => {
  let db: Db;
  let sources: string[];
  beforeAll(async () => {
    db = await store.open();
    for (const id of ["acct_a", "acct_b"]) await insertAccount(db, { id, name: id, createdAt: AT });
    const definition = { nodes: [{ id: "start", type: "trigger" as const }], edges: [] };
    for (const [id, accountId] of [["wf_a", "acct_a"], ["wf_a2", "acct_a"], ["wf_b", "acct_b"]] as const) {
      await insertWorkflow(db, { id, accountId, idStyle: "altostrat", name: id, description: null, version: 1, definition, webhookToken: null, createdAt: AT, updatedAt: AT });
    }
    // Seven runs one millisecond apart, then the same creation time three times over (ties broken by seq).
    sources = await seedRuns(db, { accountId: "acct_a", workflowId: "wf_a", count: 7, from: FROM });
    sources.push(...(await seedRuns(db, { accountId: "acct_a", workflowId: "wf_a", count: 3, from: new Date(FROM.getTime() + 100), stepMs: 0 })));
    await seedRuns(db, { accountId: "acct_a", workflowId: "wf_a2", count: 2, from: FROM });
    await seedRuns(db, { accountId: "acct_b", workflowId: "wf_a", count: 2, from: FROM });
    await seedRuns(db, { accountId: "acct_a", workflowId: "wf_a", count: 2, from: AT });
  });
  afterAll(() => db.close());

  it("counts the matching runs when it inserts, and walks them by keyset: each once, in order, only its own", async () => {
    const inserted = (await insertRerunJob(db, job(), 10, ACTIVE_RERUN_JOB_STATES))!;
    expect(inserted).toMatchObject({ state: "pending", matched: 10, queued: 0, cursorCreatedAt: null });
    const seen: string[] = [];
    for (let page = 0; page < 10; page++) {
      const rows = await listRerunSources(db, inserted.id, 3);
      if (rows.length === 0) break;
      seen.push(...rows.map((r) => r.id));
      const last = rows.at(-1)!;
      await advanceRerunJob(db, { id: inserted.id, cursorCreatedAt: last.createdAt, cursorSeq: last.seq, queued: rows.length, skipped: 0, failed: 0, state: "running", availableAt: AT, now: AT, activeStates: ACTIVE_RERUN_JOB_STATES });
    }
    expect(seen).toEqual(sources);
    const ended = await advanceRerunJob(db, { id: inserted.id, cursorCreatedAt: null, cursorSeq: null, queued: 0, skipped: 0, failed: 0, state: "completed", availableAt: AT, now: AT, activeStates: ACTIVE_RERUN_JOB_STATES });
    expect(ended).toMatchObject({ state: "completed", queued: 10, matched: 10, completedAt: AT });
    // An ended job is not advanced again.
    expect(await advanceRerunJob(db, { id: inserted.id, cursorCreatedAt: null, cursorSeq: null, queued: 5, skipped: 0, failed: 0, state: "running", availableAt: AT, now: AT, activeStates: ACTIVE_RERUN_JOB_STATES })).toBeUndefined();
  });

  it("filters by status, trigger type, end user and time with the cancel filter's rule", async () => {
    const count = async (fields: Partial<NewRerunJob>) => (await insertRerunJob(db, job(fields), 100, ACTIVE_RERUN_JOB_STATES))!.matched;
    expect(await count({ statuses: ["failed"] })).toBe(0);
    expect(await count({ statuses: ["completed"], triggerTypes: ["manual"] })).toBe(10);
    expect(await count({ triggerTypes: ["webhook"] })).toBe(0);
    expect(await count({ endUserId: "someone" })).toBe(0);
    expect(await count({ createdFrom: new Date(FROM.getTime() + 5) })).toBe(5);
    expect(await count({ createdTo: new Date(FROM.getTime() + 5) })).toBe(5);
    expect(await count({ accountId: "acct_b", workflowId: "wf_b" })).toBe(0);
  });

  it("refuses an insert beyond the account's active jobs, and cancels only active jobs of the account", async () => {
    await db.query(`UPDATE rerun_jobs SET state = 'cancelled'`);
    const first = (await insertRerunJob(db, job(), 2, ACTIVE_RERUN_JOB_STATES))!;
    await insertRerunJob(db, job(), 2, ACTIVE_RERUN_JOB_STATES);
    expect(await insertRerunJob(db, job(), 2, ACTIVE_RERUN_JOB_STATES)).toBeUndefined();
    expect(await insertRerunJob(db, job({ accountId: "acct_b", workflowId: "wf_b" }), 2, ACTIVE_RERUN_JOB_STATES)).toBeDefined();
    expect(await cancelRerunJobRow(db, { accountId: "acct_b", jobId: first.id, now: AT, activeStates: ACTIVE_RERUN_JOB_STATES })).toBeUndefined();
    expect(await findRerunJob(db, "acct_b", first.id)).toBeUndefined();
    expect(await findRerunJob(db, "acct_a", first.id, "wf_a2")).toBeUndefined();
    expect(await cancelRerunJobRow(db, { accountId: "acct_a", jobId: first.id, now: AT, activeStates: ACTIVE_RERUN_JOB_STATES })).toMatchObject({ state: "cancelled", completedAt: AT });
    expect(await cancelRerunJobRow(db, { accountId: "acct_a", jobId: first.id, now: AT, activeStates: ACTIVE_RERUN_JOB_STATES })).toBeUndefined();
  });

  it("locks the due job for one transaction at a time, and says when the next is due", async () => {
    await db.query(`UPDATE rerun_jobs SET state = 'cancelled'`);
    const later = new Date(AT.getTime() + 5_000);
    const inserted = (await insertRerunJob(db, job(), 10, ACTIVE_RERUN_JOB_STATES))!;
    await advanceRerunJob(db, { id: inserted.id, cursorCreatedAt: null, cursorSeq: null, queued: 0, skipped: 0, failed: 0, state: "running", availableAt: later, now: AT, activeStates: ACTIVE_RERUN_JOB_STATES });
    expect(await lockDueRerunJob(db, AT, ACTIVE_RERUN_JOB_STATES)).toBeUndefined();
    expect(await nextRerunJobDue(db, ACTIVE_RERUN_JOB_STATES)).toEqual(later);
    if (store.name === "postgres") {
      // Two transactions at once: the second skips the job the first holds.
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      let locked!: () => void;
      const isLocked = new Promise<void>((r) => (locked = r));
      const first = db.transaction(async (tx) => {
        expect((await lockDueRerunJob(tx, later, ACTIVE_RERUN_JOB_STATES))?.id).toBe(inserted.id);
        locked();
        await held;
      });
      await isLocked;
      expect(await db.transaction((tx) => lockDueRerunJob(tx, later, ACTIVE_RERUN_JOB_STATES))).toBeUndefined();
      release();
      await first;
    }
    expect((await db.transaction((tx) => lockDueRerunJob(tx, later, ACTIVE_RERUN_JOB_STATES)))?.id).toBe(inserted.id);
  });
});
