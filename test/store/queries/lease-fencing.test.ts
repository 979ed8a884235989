// A worker whose lease ran out while it still executes a run must not get the run back, and when an
// owner does hold a newer claim of a run, only that claim's settlement is written.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { claimRuns, insertAccount, insertRunBatch, insertWorkflow, settleRuns, type Db } from "../../../src/store/index.ts";
import { storesUnderTest } from "../../support/stores.ts";

const AT = new Date("2025-11-01T12:00:00.000Z");
const later = (ms: number) => new Date(AT.getTime() + ms);
let seq = 0;

describe.each(storesUnderTest())("lease fencing on $name", (store) => {
  let db: Db;
  beforeAll(async () => {
    db = await store.open();
    await insertAccount(db, { id: "acct_lease", name: "lease", createdAt: AT });
    const definition = { nodes: [{ id: "start", type: "trigger" as const }], edges: [] };
    await insertWorkflow(db, { id: "wf_lease", accountId: "acct_lease", idStyle: "altostrat", name: "lease", description: null, version: 1, definition, webhookToken: null, createdAt: AT, updatedAt: AT });
  });
  afterAll(() => db.close());

  /** Queues one run and claims it as `owner` with a 1 s lease; returns its id. */
  const queueAndClaim = async (owner: string): Promise<string> => {
    const [queued] = await insertRunBatch(db, [{ altostratId: `fl_run_lease${++seq}`, alloyId: `lease${seq}`, accountId: "acct_lease", workflowId: "wf_lease", sourceRunId: null, triggerType: "manual", payload: {}, endUserId: null, resumeFromNode: null, createdAt: AT }], { rerunnableStatuses: [] });
    const id = queued!.run!.id;
    const claimed = await claimRuns(db, { owner, now: AT, leaseExpiresAt: later(1_000), limit: 10, maxAttempts: 3 });
    expect(claimed.map((r) => r.id)).toContain(id);
    return id;
  };
  const logsOf = async (id: string) => (await db.query<{ node_id: string }>(`SELECT node_id FROM node_logs WHERE run_id = $1`, [id])).rows;
  const finish = (runId: string, owner: string, attempt: number, logId: string) => ({
    runId, owner, attempt,
    logs: [{ id: logId, runId, nodeId: "start", componentId: "trigger", status: "success" as const, output: {}, startedAt: later(2_000), createdAt: later(2_000) }],
    outcome: { kind: "finish" as const, status: "completed" as const, errorMessage: null, at: later(2_000) },
  });

  it("a claim leaves out the expired runs its worker says it still executes; another worker may take them", async () => {
    const id = await queueAndClaim("wk_slow");
    const again = await claimRuns(db, { owner: "wk_slow", now: later(1_001), leaseExpiresAt: later(2_001), limit: 10, maxAttempts: 3, exclude: [id] });
    expect(again.map((r) => r.id)).not.toContain(id);
    const other = await claimRuns(db, { owner: "wk_other", now: later(1_001), leaseExpiresAt: later(2_001), limit: 10, maxAttempts: 3 });
    expect(other.find((r) => r.id === id)).toMatchObject({ leaseOwner: "wk_other", attempts: 2 });
  });

  it("of two claims by one owner, only the later one's settlement is written", async () => {
    const id = await queueAndClaim("wk_twice");
    const again = await claimRuns(db, { owner: "wk_twice", now: later(1_001), leaseExpiresAt: later(2_001), limit: 10, maxAttempts: 3 });
    expect(again.find((r) => r.id === id)).toMatchObject({ leaseOwner: "wk_twice", attempts: 2 });
    // Both executions settle in one group commit: the stale one's logs and finish are dropped.
    const written = await settleRuns(db, [finish(id, "wk_twice", 1, `lg_stale${seq}`), finish(id, "wk_twice", 2, `lg_current${seq}`)]);
    expect([...written.keys()]).toEqual([id]);
    expect(await logsOf(id)).toHaveLength(1);
    // Alone, too: a stale continue writes nothing.
    const stale = await settleRuns(db, [{ ...finish(id, "wk_twice", 1, `lg_late${seq}`), outcome: { kind: "continue" } }]);
    expect(stale.size).toBe(0);
    expect(await logsOf(id)).toHaveLength(1);
  });
});
