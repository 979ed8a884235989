import assert from "node:assert/strict";
import { BOTH, MOCK, SERVER } from "../checks.ts";
import { expectAnswer, expectError } from "../expect-answer.ts";
import type { Scenario } from "../run-scenarios.ts";
import { FINISHED, ORDER, SLOW_DEFINITION, UNKNOWN_ALLOY_WORKFLOW_ID, UNKNOWN_EXECUTION_ID, UNKNOWN_RUN_ID, UNKNOWN_WORKFLOW_ID } from "./definitions.ts";

/** Altostrat cancel: a delayed run is cancelled (failed, run_cancelled), then refused as finished; cancel by filter. */
export const altostratCancel: Scenario = {
  name: "altostrat cancel",
  apis: ["altostrat"],
  async run(t) {
    const API = "altostrat";
    const created = await t.altostrat.POST("/workflows", { body: { name: "contract cancel", definition: SLOW_DEFINITION } });
    const workflowId = created.data!.id;
    const executed = await t.altostrat.POST("/workflows/{workflowId}/execute", { params: { path: { workflowId } }, body: { context: ORDER } });
    const runId = executed.data!.id;
    // Once its delay is logged the run waits, pending, held by no worker: a cancel ends it at once.
    await t.waitFor(
      () => t.altostrat.GET("/workflows/runs/{runId}", { params: { path: { runId } } }),
      (r) => t.kind === "mock" || (r.data?.status === "pending" && (r.data.logs?.length ?? 0) >= 2),
    );
    const cancel = (id: string, headers: Record<string, string> = {}) => t.altostrat.POST("/workflows/runs/{runId}/cancel", { params: { path: { runId: id } }, headers });
    const cancelled = await cancel(runId);
    await t.check("cancelWorkflowRun answers 200 with the run", BOTH, () => expectAnswer(API, "cancelWorkflowRun", cancelled, 200));
    await t.check("a cancelled run is failed and its error names run_cancelled", SERVER, () => {
      assert.equal(cancelled.data?.run.status, "failed");
      assert.match(cancelled.data?.run.error_message ?? "", /run_cancelled/);
    });
    const stopping = await cancel(runId, t.prefer({ code: 202 }));
    await t.check("the mock answers 202 for a run still stopping", MOCK, () => expectAnswer(API, "cancelWorkflowRun", stopping, 202));
    const again = await cancel(runId, t.prefer({ code: 409 }));
    await t.check("a finished run is 409 run_not_cancellable", BOTH, () => expectError(API, "cancelWorkflowRun", again, 409, "run_not_cancellable"));
    const unknown = await cancel(UNKNOWN_RUN_ID, t.prefer({ code: 404 }));
    await t.check("an unknown run is 404 run_not_found", BOTH, () => expectError(API, "cancelWorkflowRun", unknown, 404, "run_not_found"));
    const badId = await cancel("fl_run_NOT-VALID", t.prefer({ code: 400 }));
    await t.check("a malformed run id is 400", BOTH, () => expectError(API, "cancelWorkflowRun", badId, 400, "validation_failed"));
    const anonymous = await t.altostratWith(undefined).POST("/workflows/runs/{runId}/cancel", { params: { path: { runId } } });
    await t.check("a cancel without a token is 401", BOTH, () => expectError(API, "cancelWorkflowRun", anonymous, 401, "unauthorized"));

    const byFilter = (id: string, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
      t.altostrat.POST("/workflows/{workflowId}/runs/cancel", { params: { path: { workflowId: id } }, body, headers });
    const filtered = await byFilter(workflowId, { statuses: ["pending"], from: "2000-01-01T00:00:00Z" });
    await t.check("cancelWorkflowRuns answers 200 with its counts", BOTH, () => expectAnswer(API, "cancelWorkflowRuns", filtered, 200));
    await t.check("nothing is left to cancel in the workflow", SERVER, () => assert.deepEqual(filtered.data, { matched: 0, cancelled: 0, stopping: 0, remaining: 0 }));
    const noWorkflow = await byFilter(UNKNOWN_WORKFLOW_ID, {}, t.prefer({ code: 404 }));
    await t.check("an unknown workflow is 404", BOTH, () => expectError(API, "cancelWorkflowRuns", noWorkflow, 404, "workflow_not_found"));
    const overLimit = await byFilter(workflowId, { limit: 1001 }, t.prefer({ code: 400 }));
    await t.check("a limit over 1,000 is 400", BOTH, () => expectError(API, "cancelWorkflowRuns", overLimit, 400, "validation_failed"));
    const noToken = await t.altostratWith(undefined).POST("/workflows/{workflowId}/runs/cancel", { params: { path: { workflowId } }, body: {} });
    await t.check("a cancel by filter without a token is 401", BOTH, () => expectError(API, "cancelWorkflowRuns", noToken, 401, "unauthorized"));
  },
};

/** Alloy cancel: a finished execution is refused; unknown ids; cancel by filter on the fixture workflow. */
export const alloyCancel: Scenario = {
  name: "alloy cancel",
  apis: ["alloy"],
  unmet: (target) => (target.fixtures.alloyWorkflowId ? undefined : "no Alloy workflow to run (CONTRACT_ALLOY_WORKFLOW_ID)"),
  async run(t) {
    const API = "alloy";
    const workflowId = t.fixtures.alloyWorkflowId!;
    const started = await t.alloy.POST("/run/workflow", { body: { workflowId, userId: `user-${crypto.randomUUID()}`, data: {} } });
    const executionId = started.data!.executionId;
    await t.waitFor(() => t.alloy.GET("/logs/{executionId}", { params: { path: { executionId } } }), (r) => FINISHED.has(r.data?.status ?? ""));
    const cancel = (wf: string, id: string, headers: Record<string, string> = {}) =>
      t.alloy.POST("/workflows/{workflowId}/executions/{executionId}/cancel", { params: { path: { workflowId: wf, executionId: id } }, headers });
    const finished = await cancel(workflowId, executionId, t.prefer({ code: 409 }));
    await t.check("a finished execution is 409 run_not_cancellable", BOTH, () => expectError(API, "cancelWorkflowExecution", finished, 409, "run_not_cancellable"));
    const unknown = await cancel(workflowId, UNKNOWN_EXECUTION_ID, t.prefer({ code: 404, example: "executionNotFound" }));
    await t.check("an unknown execution is 404 run_not_found", BOTH, () => expectError(API, "cancelWorkflowExecution", unknown, 404, "run_not_found"));
    const badId = await cancel(workflowId, "not-an-execution", t.prefer({ code: 400 }));
    await t.check("a malformed execution id is 400", BOTH, () => expectAnswer(API, "cancelWorkflowExecution", badId, 400));
    const wrongKey = await t.alloyWith({ apiKey: "not-a-key" }).POST("/workflows/{workflowId}/executions/{executionId}/cancel", {
      params: { path: { workflowId, executionId } },
      headers: t.prefer({ code: 401 }),
    });
    await t.check("an unknown API key is 401", BOTH, () => expectError(API, "cancelWorkflowExecution", wrongKey, 401, "unauthorized"));

    const byFilter = (wf: string, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
      t.alloy.POST("/workflows/{workflowId}/executions/cancel", { params: { path: { workflowId: wf } }, body, headers });
    const filtered = await byFilter(workflowId, { userId: `nobody-${crypto.randomUUID()}` });
    await t.check("cancelWorkflowExecutions answers 200 with its counts", BOTH, () => expectAnswer(API, "cancelWorkflowExecutions", filtered, 200));
    await t.check("a user with no executions matches none", SERVER, () => assert.deepEqual(filtered.data, { matched: 0, cancelled: 0, stopping: 0, remaining: 0 }));
    const noWorkflow = await byFilter(UNKNOWN_ALLOY_WORKFLOW_ID, {}, t.prefer({ code: 404 }));
    await t.check("an unknown workflow is 404", BOTH, () => expectError(API, "cancelWorkflowExecutions", noWorkflow, 404, "workflow_not_found"));
    const overLimit = await byFilter(workflowId, { limit: 0 }, t.prefer({ code: 400 }));
    await t.check("a limit below 1 is 400", BOTH, () => expectAnswer(API, "cancelWorkflowExecutions", overLimit, 400));
    const noKey = await t.alloyWith({ apiKey: "not-a-key" }).POST("/workflows/{workflowId}/executions/cancel", { params: { path: { workflowId } }, body: {}, headers: t.prefer({ code: 401 }) });
    await t.check("a cancel by filter with an unknown key is 401", BOTH, () => expectError(API, "cancelWorkflowExecutions", noKey, 401, "unauthorized"));
  },
};
