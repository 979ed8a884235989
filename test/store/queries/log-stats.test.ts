// countWorkflowLogs: one workflow's log entries by status (copies left out) and its runs, recent ones by outcome.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countWorkflowLogs, insertAccount, insertWorkflow, type Db } from "../../../src/store/index.ts";
import { storesUnderTest } from "../../support/stores.ts";

const NOW = new Date("2025-10-31T12:00:00.000Z");
const DAY = 24 * 3600 * 1000;
const daysAgo = (days: number) => new Date(NOW.getTime() - days * DAY);

describe.each(storesUnderTest())("countWorkflowLogs on $name", (store) => {
  let db: Db;
  let seq = 0;
  /** A run of `workflowId` in `status`, finished `finishedDaysAgo` days ago (unfinished: null). */
  const addRun = async (workflowId: string, status: string, finishedDaysAgo: number | null): Promise<string> => {
    const id = `run_${++seq}`;
    const completedAt = finishedDaysAgo === null ? null : daysAgo(finishedDaysAgo);
    await db.query(
      `INSERT INTO runs (id, account_id, workflow_id, workflow_version, status, trigger_type, trigger_payload, created_at, completed_at, available_at)
       VALUES ($1, 'acct', $2, 1, $3, 'manual', '{}', $4, $5, $4)`,
      [id, workflowId, status, daysAgo((finishedDaysAgo ?? 0) + 1), completedAt],
    );
    return id;
  };
  const addLog = async (runId: string, workflowId: string, status: string, copiedFrom: string | null = null) => {
    await db.query(
      `INSERT INTO node_logs (id, run_id, workflow_id, account_id, node_id, component_id, status, output, copied_from, started_at, created_at)
       VALUES ($1, $2, $3, 'acct', 'n1', 'trigger', $4, '{}', $5, $6, $6)`,
      [`log_${++seq}`, runId, workflowId, status, copiedFrom, NOW],
    );
  };

  beforeAll(async () => {
    db = await store.open();
    await insertAccount(db, { id: "acct", name: "acct", createdAt: NOW });
    const definition = { nodes: [{ id: "n1", type: "trigger" as const }], edges: [] };
    for (const id of ["wf_stats", "wf_other", "wf_empty"]) {
      await insertWorkflow(db, { id, accountId: "acct", idStyle: "altostrat", name: id, description: null, version: 1, definition, webhookToken: null, createdAt: NOW, updatedAt: NOW });
    }
    const completed = await addRun("wf_stats", "completed", 1);
    await addLog(completed, "wf_stats", "success");
    await addLog(completed, "wf_stats", "warning");
    const failed = await addRun("wf_stats", "failed", 29);
    await addLog(failed, "wf_stats", "success");
    await addLog(failed, "wf_stats", "error");
    // A resumed run inherits its source's success: the copy is listed, but the node ran once.
    const resumed = await addRun("wf_stats", "completed", 0);
    await addLog(resumed, "wf_stats", "success", "log_copied");
    await addLog(resumed, "wf_stats", "success");
    await addRun("wf_stats", "completed", 31);
    await addRun("wf_stats", "failed", 45);
    await addRun("wf_stats", "running", null);
    await addLog(await addRun("wf_other", "failed", 1), "wf_other", "error");
  });
  afterAll(() => db.close());

  it("counts logs by status without copies, every run, and the runs finished since the given instant by outcome", async () => {
    expect(await countWorkflowLogs(db, { workflowId: "wf_stats", finishedSince: daysAgo(30) })).toEqual({
      success: 3,
      error: 1,
      warning: 1,
      completed: 2,
      failed: 1,
      totalRuns: 6,
    });
  });

  it("moves the recent window with the instant it is given, not with the database's clock", async () => {
    const wider = await countWorkflowLogs(db, { workflowId: "wf_stats", finishedSince: daysAgo(60) });
    expect({ completed: wider.completed, failed: wider.failed }).toEqual({ completed: 3, failed: 2 });
    const narrower = await countWorkflowLogs(db, { workflowId: "wf_stats", finishedSince: daysAgo(0.5) });
    expect({ completed: narrower.completed, failed: narrower.failed }).toEqual({ completed: 1, failed: 0 });
  });

  it("answers zeros for a workflow that never ran", async () => {
    expect(await countWorkflowLogs(db, { workflowId: "wf_empty", finishedSince: daysAgo(30) })).toEqual({
      success: 0,
      error: 0,
      warning: 0,
      completed: 0,
      failed: 0,
      totalRuns: 0,
    });
  });
});
