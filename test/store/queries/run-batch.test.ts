// insertRunBatch applies the rerun rule it is given (the SQL never restates it) and answers every
// request, in order, with its run or the reason it queued nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertAccount, insertRunBatch, insertWorkflow, type Db, type QueueRequest } from "../../../src/store/index.ts";
import { storesUnderTest } from "../../support/stores.ts";

const AT = new Date("2025-10-31T12:00:00.000Z");
let seq = 0;
const request = (fields: Partial<QueueRequest> & Pick<QueueRequest, "accountId">): QueueRequest => ({
  altostratId: `fl_run_batch${++seq}`,
  alloyId: `batch${seq}`,
  workflowId: null,
  sourceRunId: null,
  triggerType: "manual",
  payload: { n: seq },
  endUserId: null,
  resumeFromNode: null,
  createdAt: AT,
  ...fields,
});

describe.each(storesUnderTest())("insertRunBatch on $name", (store) => {
  let db: Db;
  const finishedRuns: Record<"completed" | "failed", string> = { completed: "", failed: "" };
  let pendingRun = "";
  const ALL = { rerunnableStatuses: ["completed", "failed"] } as const;
  beforeAll(async () => {
    db = await store.open();
    for (const id of ["acct_a", "acct_b"]) await insertAccount(db, { id, name: id, createdAt: AT });
    const definition = { nodes: [{ id: "start", type: "trigger" as const }], edges: [] };
    for (const [id, accountId] of [["wf_a", "acct_a"], ["wf_a2", "acct_a"]]) {
      await insertWorkflow(db, { id: id!, accountId: accountId!, idStyle: "altostrat", name: id!, description: null, version: 1, definition, webhookToken: null, createdAt: AT, updatedAt: AT });
    }
    const queued = await insertRunBatch(db, [0, 1, 2].map(() => request({ accountId: "acct_a", workflowId: "wf_a" })), ALL);
    [finishedRuns.completed, finishedRuns.failed, pendingRun] = queued.map((o) => o.run!.id) as [string, string, string];
    // Set-up only: the executor is what finishes runs.
    await db.query(`UPDATE runs SET status = 'completed' WHERE id = $1`, [finishedRuns.completed]);
    await db.query(`UPDATE runs SET status = 'failed' WHERE id = $1`, [finishedRuns.failed]);
  });
  afterAll(() => db.close());

  it("answers each request in order: queued runs, and the reason of each refusal", async () => {
    const outcomes = await insertRunBatch(
      db,
      [
        request({ accountId: "acct_a", sourceRunId: finishedRuns.failed, triggerType: "rerun" }),
        request({ accountId: "acct_a", sourceRunId: "fl_run_missing", triggerType: "rerun" }),
        request({ accountId: "acct_b", sourceRunId: finishedRuns.failed, triggerType: "rerun" }),
        request({ accountId: "acct_a", sourceRunId: finishedRuns.failed, workflowId: "wf_a2", triggerType: "rerun" }),
        request({ accountId: "acct_a", sourceRunId: pendingRun, triggerType: "rerun" }),
        request({ accountId: "acct_b", workflowId: "wf_a" }),
        request({ accountId: "acct_a", workflowId: "wf_a", payload: { kept: true } }),
        request({ accountId: "acct_a", sourceRunId: finishedRuns.completed, triggerType: "resume", resumeFromNode: "start" }),
      ],
      ALL,
    );
    expect(outcomes.map((o) => o.refusal ?? null)).toEqual([
      null,
      { reason: "run_not_found", sourceStatus: null, workflowId: null },
      { reason: "run_not_found", sourceStatus: null, workflowId: null },
      { reason: "run_not_found", sourceStatus: null, workflowId: "wf_a" },
      { reason: "run_not_rerunnable", sourceStatus: "pending", workflowId: "wf_a" },
      { reason: "workflow_not_found", sourceStatus: null, workflowId: "wf_a" },
      null,
      null,
    ]);
    expect(outcomes[0]!.run).toMatchObject({ status: "pending", triggerType: "rerun", rerunOf: finishedRuns.failed, rootRunId: finishedRuns.failed, workflowId: "wf_a" });
    expect(outcomes[6]!.run).toMatchObject({ triggerType: "manual", rerunOf: null, triggerPayload: { kept: true } });
    expect(outcomes[6]!.run!.rootRunId).toBe(outcomes[6]!.run!.id);
    expect(outcomes[7]!.run).toMatchObject({ triggerType: "resume", resumeFromNode: "start", rerunOf: finishedRuns.completed });
    const { rows } = await db.query<{ c: number }>(`SELECT count(*)::int AS c FROM runs WHERE id = ANY($1::text[])`, [outcomes.map((o) => o.run?.id ?? "")]);
    expect(rows[0]!.c).toBe(3);
  });

  it("takes the rule of what may be rerun as a parameter", async () => {
    const ask = () => [finishedRuns.completed, finishedRuns.failed].map((sourceRunId) => request({ accountId: "acct_a", sourceRunId, triggerType: "rerun" }));
    const onlyCompleted = await insertRunBatch(db, ask(), { rerunnableStatuses: ["completed"] });
    expect(onlyCompleted.map((o) => o.refusal?.reason ?? "queued")).toEqual(["queued", "run_not_rerunnable"]);
    expect(onlyCompleted[1]!.refusal!.sourceStatus).toBe("failed");
    const none = await insertRunBatch(db, ask(), { rerunnableStatuses: [] });
    expect(none.map((o) => o.refusal?.reason)).toEqual(["run_not_rerunnable", "run_not_rerunnable"]);
  });

  it("replaces or merges a rerun's payload, picks its version, and bounds what an override yields, in one batch", async () => {
    const [arraySource] = (await insertRunBatch(db, [request({ accountId: "acct_a", workflowId: "wf_a", payload: [1, 2] })], ALL)).map((o) => o.run!.id);
    await db.query(`UPDATE runs SET status = 'completed' WHERE id = $1`, [arraySource]);
    // The workflow moves on to version 2; its runs so far recorded version 1.
    await db.query(`UPDATE workflows SET version = 2 WHERE id = 'wf_a'`);
    const source = finishedRuns.completed;
    const { rows } = await db.query<{ p: unknown }>(`SELECT trigger_payload AS p FROM runs WHERE id = $1`, [source]);
    const sourcePayload = rows[0]!.p as Record<string, unknown>;
    const rerun = (fields: Partial<QueueRequest>) => request({ accountId: "acct_a", triggerType: "rerun", sourceRunId: source, payload: null, ...fields });
    const outcomes = await insertRunBatch(
      db,
      [
        rerun({}),
        rerun({ version: "original" }),
        rerun({ payload: { fresh: true }, payloadMode: "replace" }),
        rerun({ payload: { n: -1, added: { deep: 1 } }, payloadMode: "merge", version: "current" }),
        rerun({ sourceRunId: arraySource!, payload: { a: 1 }, payloadMode: "merge" }),
        rerun({ sourceRunId: arraySource!, payload: { a: 1 }, payloadMode: "replace" }),
        rerun({ payload: { big: "x".repeat(200) }, payloadMode: "merge" }),
        rerun({ payload: { big: "x".repeat(200) }, payloadMode: "replace" }),
        rerun({ payload: { big: "x".repeat(200) } }),
      ],
      { ...ALL, payloadMaxBytes: 100 },
    );
    expect(outcomes.map((o) => o.refusal?.reason ?? o.run!.triggerPayload)).toEqual([
      sourcePayload,
      sourcePayload,
      { fresh: true },
      { ...sourcePayload, n: -1, added: { deep: 1 } },
      "payload_not_mergeable",
      { a: 1 },
      "payload_too_large",
      // A replacing payload is bounded by the request that carried it, as an execution's is.
      { big: "x".repeat(200) },
      // Without a mode the payload field of a rerun is not read: the source's is copied.
      sourcePayload,
    ]);
    expect(outcomes.map((o) => o.run?.workflowVersion ?? null)).toEqual([2, 1, 2, 2, null, 2, null, 2, 2]);
    expect(outcomes[4]!.refusal).toEqual({ reason: "payload_not_mergeable", sourceStatus: null, workflowId: "wf_a", sourcePayloadType: "array" });
    await db.query(`UPDATE workflows SET version = 1 WHERE id = 'wf_a'`);
  });
});
