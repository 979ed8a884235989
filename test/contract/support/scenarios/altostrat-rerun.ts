import assert from "node:assert/strict";
import { BOTH, SERVER } from "../checks.ts";
import { expectAnswer, expectError } from "../expect-answer.ts";
import type { Scenario } from "../run-scenarios.ts";
import { FINISHED, newKey, ORDER, QUICK_DEFINITION } from "./definitions.ts";

const API = "altostrat";

/** The Altostrat rerun loop: create → execute → get → rerun → get the new run, plus the listings around it. */
export const altostratRerunLoop: Scenario = {
  name: "altostrat rerun loop",
  apis: [API],
  async run(t) {
    const created = await t.altostrat.POST("/workflows", { body: { name: "contract rerun loop", definition: QUICK_DEFINITION } });
    await t.check("createWorkflow answers 201 with a Workflow", BOTH, () => expectAnswer(API, "createWorkflow", created, 201));
    await t.check("a new workflow is at version 1 with a webhook token", BOTH, () => {
      assert.equal(created.data?.version, 1);
      assert.match(created.data?.webhook_token ?? "", /^whk_/);
    });
    await t.check("the stored workflow keeps the sent name and definition", SERVER, async () => {
      const read = await t.altostrat.GET("/workflows/{workflowId}", { params: { path: { workflowId: created.data!.id } } });
      expectAnswer(API, "getWorkflow", read, 200);
      assert.equal(read.data?.name, "contract rerun loop");
      assert.deepEqual(read.data?.definition, QUICK_DEFINITION);
    });
    const workflowId = created.data!.id;

    const key = newKey("execute");
    const execute = (context: Record<string, unknown>, headers: Record<string, string> = {}) =>
      t.altostrat.POST("/workflows/{workflowId}/execute", { params: { path: { workflowId }, header: { "Idempotency-Key": key } }, body: { context }, headers });
    const executed = await execute(ORDER);
    await t.check("executeWorkflow answers 202 with a WorkflowRun", BOTH, () => expectAnswer(API, "executeWorkflow", executed, 202));
    await t.check("a triggered run starts unfinished, manual, as its own root", BOTH, () => {
      const run = executed.data!;
      assert.ok(["pending", "running"].includes(run.status), `status ${run.status}`);
      assert.equal(run.trigger_type, "manual");
      assert.equal(run.rerun_of, null);
      assert.equal(run.root_run_id, run.id);
      assert.equal(run.completed_at, null);
    });
    await t.check("the run starts from the sent context on the current version", SERVER, () => {
      assert.deepEqual(executed.data?.trigger_payload, ORDER);
      assert.equal(executed.data?.workflow_id, workflowId);
      assert.equal(executed.data?.workflow_version, 1);
    });
    const runId = executed.data!.id;
    await t.check("repeating execute with the same Idempotency-Key returns the same run", SERVER, async () => {
      const again = await execute(ORDER);
      expectAnswer(API, "executeWorkflow", again, 202);
      assert.equal(again.data?.id, runId);
    });
    await t.check("the same Idempotency-Key with another body is refused with 422", BOTH, async () => {
      const other = await execute({ order_id: "another" }, t.prefer({ code: 422 }));
      expectError(API, "executeWorkflow", other, 422, "idempotency_key_mismatch");
    });

    const getRun = (id: string) => t.altostrat.GET("/workflows/runs/{runId}", { params: { path: { runId: id } }, headers: t.prefer({ example: "completedRun" }) });
    const finished = await t.waitFor(() => getRun(runId), (r) => FINISHED.has(r.data?.status ?? ""));
    await t.check("getWorkflowRun answers 200 with the run and its logs", BOTH, () => {
      expectAnswer(API, "getWorkflowRun", finished, 200);
      assert.ok(Array.isArray(finished.data?.logs), "a single run carries logs");
    });
    await t.check("a finished run has completed_at and a duration", BOTH, () => {
      assert.notEqual(finished.data?.completed_at, null);
      assert.ok((finished.data?.duration_in_seconds ?? -1) >= 0);
    });
    await t.check("the run completes with one success log per node, in order", SERVER, () => {
      const run = finished.data!;
      assert.equal(run.id, runId);
      assert.equal(run.status, "completed");
      assert.deepEqual(run.logs?.map((l) => [l.node_id, l.status, l.run_id]), [["n1", "success", runId], ["n2", "success", runId]]);
      assert.deepEqual(run.logs?.[1]?.output, { order: ORDER.order_id });
    });

    const rerunKey = newKey("rerun");
    const rerun = () => t.altostrat.POST("/workflows/runs/{runId}/rerun", { params: { path: { runId }, header: { "Idempotency-Key": rerunKey } } });
    const rerunned = await rerun();
    await t.check("rerunWorkflowRun answers 202 with a message and the new run", BOTH, () => expectAnswer(API, "rerunWorkflowRun", rerunned, 202));
    await t.check("the new run is a rerun linked to the run it reruns", BOTH, () => {
      const { new_run: run, original_run_id: original } = rerunned.data!;
      assert.equal(run.trigger_type, "rerun");
      assert.equal(run.rerun_of, original ?? run.rerun_of);
      assert.notEqual(run.id, run.rerun_of);
    });
    await t.check("the new run reruns the requested run with its payload", SERVER, () => {
      const { new_run: run, original_run_id: original } = rerunned.data!;
      assert.equal(original, runId);
      assert.equal(run.rerun_of, runId);
      assert.equal(run.root_run_id, runId);
      assert.deepEqual(run.trigger_payload, ORDER);
    });
    const newRunId = rerunned.data!.new_run.id;
    await t.check("repeating a rerun with the same Idempotency-Key returns the same new run", SERVER, async () => {
      const again = await rerun();
      expectAnswer(API, "rerunWorkflowRun", again, 202);
      assert.equal(again.data?.new_run.id, newRunId);
    });
    const newRun = await t.waitFor(() => getRun(newRunId), (r) => FINISHED.has(r.data?.status ?? ""));
    await t.check("the new run reads back with getWorkflowRun", BOTH, () => expectAnswer(API, "getWorkflowRun", newRun, 200));
    await t.check("the new run completes as a rerun of the original", SERVER, () => {
      assert.equal(newRun.data?.id, newRunId);
      assert.equal(newRun.data?.status, "completed");
      assert.equal(newRun.data?.trigger_type, "rerun");
      assert.equal(newRun.data?.rerun_of, runId);
    });
    await t.check("the original run is unchanged by the rerun", SERVER, async () => {
      const again = await getRun(runId);
      assert.deepEqual(again.data, finished.data);
    });
    // The key now stands for "rerun runId": rerunning another run with it is a client mistake (the listing below shows no run was made).
    const reused = await t.altostrat.POST("/workflows/runs/{runId}/rerun", {
      params: { path: { runId: newRunId }, header: { "Idempotency-Key": rerunKey } },
      headers: t.prefer({ code: 422, example: "idempotencyKeyMismatch" }),
    });
    await t.check("the same Idempotency-Key on a rerun of another run is refused with 422", BOTH, () =>
      expectError(API, "rerunWorkflowRun", reused, 422, "idempotency_key_mismatch"),
    );

    const page = await t.altostrat.GET("/workflows/{workflowId}/executions", { params: { path: { workflowId }, query: { per_page: 10 } } });
    await t.check("listWorkflowExecutions answers 200 with a page of runs without logs", BOTH, () => {
      expectAnswer(API, "listWorkflowExecutions", page, 200);
      assert.ok(page.data?.data.every((run) => run.logs === undefined));
    });
    await t.check("the list holds the rerun and the original, newest first", SERVER, () => {
      assert.deepEqual(page.data?.data.map((run) => run.id), [newRunId, runId]);
      assert.equal(page.data?.meta.total, 2);
      assert.equal(page.data?.meta.per_page, 10);
    });
    const logs = await t.altostrat.GET("/workflows/{workflowId}/logs", { params: { path: { workflowId }, query: { run_id: runId } } });
    await t.check("listWorkflowLogs answers 200 with log entries", BOTH, () => expectAnswer(API, "listWorkflowLogs", logs, 200));
    await t.check("the logs filtered by run_id are that run's", SERVER, () => {
      assert.equal(logs.data?.length, 2);
      assert.ok(logs.data?.every((entry) => entry.run_id === runId));
    });

    const resumeKey = newKey("resume");
    const resume = (nodeId: string, headers: Record<string, string> = {}) =>
      t.altostrat.POST("/workflows/runs/{runId}/resume-from/{nodeId}", { params: { path: { runId, nodeId }, header: { "Idempotency-Key": resumeKey } }, headers });
    const resumed = await resume("n2");
    await t.check("resumeWorkflowRunFromNode answers 202 with a resumed run", BOTH, () => {
      expectAnswer(API, "resumeWorkflowRunFromNode", resumed, 202);
      assert.equal(resumed.data?.new_run.trigger_type, "resume");
    });
    await t.check("the resumed run is linked to the original and keeps its payload", SERVER, () => {
      assert.equal(resumed.data?.new_run.rerun_of, runId);
      assert.equal(resumed.data?.new_run.root_run_id, runId);
      assert.deepEqual(resumed.data?.new_run.trigger_payload, ORDER);
    });
    const otherNode = await resume("n1", t.prefer({ code: 422, example: "idempotencyKeyMismatch" }));
    await t.check("the same Idempotency-Key on a resume from another node is refused with 422", BOTH, () =>
      expectError(API, "resumeWorkflowRunFromNode", otherNode, 422, "idempotency_key_mismatch"),
    );
  },
};
