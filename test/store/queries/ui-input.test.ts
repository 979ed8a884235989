// A run parked for a person: the settle statement parks it (fenced by the lease), a delivery resumes
// it in one conditional update, and the sweep fails it once its wait ran out.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { claimRuns, deliverNodeInput, expireAwaitingRuns, findRun, insertAccount, insertRunBatch, insertWorkflow, settleRuns, type Db } from "../../../src/store/index.ts";
import { storesUnderTest } from "../../support/stores.ts";

const AT = new Date("2025-11-01T12:00:00.000Z");
const later = (ms: number) => new Date(AT.getTime() + ms);
const ACCOUNT = "acct_wait";
let seq = 0;

describe.each(storesUnderTest())("waiting runs in the store on $name", (store) => {
  let db: Db;
  beforeAll(async () => {
    db = await store.open();
    await insertAccount(db, { id: ACCOUNT, name: "wait", createdAt: AT });
    const definition = { nodes: [{ id: "start", type: "trigger" as const }, { id: "ask", type: "ui_interaction" as const }], edges: [{ source: "start", target: "ask" }] };
    await insertWorkflow(db, { id: "wf_wait", accountId: ACCOUNT, idStyle: "altostrat", name: "wait", description: null, version: 1, definition, webhookToken: null, createdAt: AT, updatedAt: AT });
  });
  afterAll(() => db.close());

  /** Queues a run, claims it as `owner` and parks it at `ask` until `until`; returns its id. */
  const parked = async (until: Date, owner = "wk_a"): Promise<string> => {
    const [queued] = await insertRunBatch(db, [{ altostratId: `fl_run_wait${++seq}`, alloyId: `wait${seq}`, accountId: ACCOUNT, workflowId: "wf_wait", sourceRunId: null, triggerType: "manual", payload: {}, endUserId: null, resumeFromNode: null, createdAt: AT }], { rerunnableStatuses: [] });
    const id = queued!.run!.id;
    const claimed = await claimRuns(db, { owner, now: AT, leaseExpiresAt: later(30_000), limit: 10, maxAttempts: 3 });
    const attempt = claimed.find((r) => r.id === id)!.attempts;
    const logs = [{ id: `lg_start${seq}`, runId: id, nodeId: "start", componentId: "trigger", status: "success" as const, output: {}, startedAt: AT, createdAt: AT }];
    const written = await settleRuns(db, [{ runId: id, owner, attempt, logs, outcome: { kind: "await", nodeId: "ask", until } }]);
    expect(written.has(id)).toBe(true);
    return id;
  };
  const delivery = (runId: string, input: unknown, now = later(1_000)) => ({ accountId: ACCOUNT, runId, nodeId: "ask", input, logId: `lg_in${++seq}`, now });
  const logsOf = async (id: string) => (await db.query<{ node_id: string; status: string; output: unknown }>(`SELECT node_id, status, output FROM node_logs WHERE run_id = $1 ORDER BY seq`, [id])).rows;

  it("a settlement parks the run with its logs, no lease and a fresh attempt count; no claim takes it", async () => {
    const id = await parked(later(60_000));
    expect(await findRun(db, id)).toMatchObject({ status: "awaiting_ui_interaction", awaitingNode: "ask", inputDeadline: later(60_000), leaseOwner: null, attempts: 0 });
    expect(await logsOf(id)).toEqual([{ node_id: "start", status: "success", output: {} }]);
    const claimed = await claimRuns(db, { owner: "wk_b", now: later(120_000), leaseExpiresAt: later(150_000), limit: 10, maxAttempts: 3 });
    expect(claimed.map((r) => r.id)).not.toContain(id);
  });

  it("a parking settlement from a lost lease is not written", async () => {
    const [queued] = await insertRunBatch(db, [{ altostratId: `fl_run_wait${++seq}`, alloyId: `wait${seq}`, accountId: ACCOUNT, workflowId: "wf_wait", sourceRunId: null, triggerType: "manual", payload: {}, endUserId: null, resumeFromNode: null, createdAt: AT }], { rerunnableStatuses: [] });
    const id = queued!.run!.id;
    await claimRuns(db, { owner: "wk_a", now: AT, leaseExpiresAt: later(30_000), limit: 10, maxAttempts: 3 });
    const written = await settleRuns(db, [{ runId: id, owner: "wk_other", attempt: 1, logs: [], outcome: { kind: "await", nodeId: "ask", until: later(60_000) } }]);
    expect(written.size).toBe(0);
    expect((await findRun(db, id))!.status).toBe("running");
  });

  it("a delivery writes the input as the node's success log and queues the run, due now; a second one finds nothing", async () => {
    const id = await parked(later(60_000));
    const resumed = await deliverNodeInput(db, delivery(id, { ok: true }));
    expect(resumed).toMatchObject({ id, status: "pending", availableAt: later(1_000), awaitingNode: null, inputDeadline: null });
    expect(await deliverNodeInput(db, delivery(id, { ok: false }))).toBeUndefined();
    expect((await logsOf(id)).at(-1)).toEqual({ node_id: "ask", status: "success", output: { ok: true } });
    const claimed = await claimRuns(db, { owner: "wk_b", now: later(2_000), leaseExpiresAt: later(30_000), limit: 10, maxAttempts: 3 });
    expect(claimed.find((r) => r.id === id)?.completedOutputs).toEqual([["start", {}], ["ask", { ok: true }]]);
  });

  it("a delivery for another account, another node or after the deadline finds nothing", async () => {
    const id = await parked(later(60_000));
    expect(await deliverNodeInput(db, { ...delivery(id, {}), accountId: "acct_other" })).toBeUndefined();
    expect(await deliverNodeInput(db, { ...delivery(id, {}), nodeId: "start" })).toBeUndefined();
    expect(await deliverNodeInput(db, delivery(id, {}, later(60_000)))).toBeUndefined();
    expect((await findRun(db, id))!.status).toBe("awaiting_ui_interaction");
  });

  it("the sweep fails only the runs whose wait ran out, each with an error log at its node", async () => {
    const soon = await parked(later(10_000));
    const afterwards = await parked(later(10_000_000));
    const expired = await expireAwaitingRuns(db, {
      now: later(10_000),
      limit: 50,
      messageTemplate: "waited at {node} in vain",
      logOutput: { code: "ui_interaction_timeout" },
      logIds: Array.from({ length: 50 }, (_, i) => `lg_exp${seq}_${i}`),
    });
    expect(expired).toContain(soon);
    expect(expired).not.toContain(afterwards);
    expect(await findRun(db, soon)).toMatchObject({ status: "failed", errorMessage: "waited at ask in vain", completedAt: later(10_000) });
    expect((await logsOf(soon)).at(-1)).toEqual({ node_id: "ask", status: "error", output: { code: "ui_interaction_timeout" } });
    expect((await findRun(db, afterwards))!.status).toBe("awaiting_ui_interaction");
  });
});
