import assert from "node:assert/strict";
import { SERVER } from "../checks.ts";
import { expectError } from "../expect-answer.ts";
import type { Scenario } from "../run-scenarios.ts";
import { FINISHED, QUICK_DEFINITION } from "./definitions.ts";

/** One account never sees, reruns or runs another account's workflows, runs and executions. */
export const accountIsolation: Scenario = {
  name: "account isolation",
  apis: ["altostrat", "alloy"],
  unmet: (target) =>
    !target.other
      ? "no second account (CONTRACT_OTHER_TOKEN and CONTRACT_OTHER_API_KEY)"
      : !target.fixtures.alloyWorkflowId
        ? "no Alloy workflow to run (CONTRACT_ALLOY_WORKFLOW_ID)"
        : undefined,
  async run(t) {
    const wf = await t.altostrat.POST("/workflows", { body: { name: "contract isolation", definition: QUICK_DEFINITION } });
    const workflowId = wf.data!.id;
    const run = await t.altostrat.POST("/workflows/{workflowId}/execute", { params: { path: { workflowId } }, body: { context: {} } });
    const runId = run.data!.id;
    await t.waitFor(() => t.altostrat.GET("/workflows/runs/{runId}", { params: { path: { runId } } }), (r) => FINISHED.has(r.data?.status ?? ""));
    const other = t.other.altostrat;
    const path = { runId };

    const read = await other.GET("/workflows/runs/{runId}", { params: { path } });
    await t.check("another account cannot read the run (404)", SERVER, () => expectError("altostrat", "getWorkflowRun", read, 404, "run_not_found"));
    const rerun = await other.POST("/workflows/runs/{runId}/rerun", { params: { path } });
    await t.check("another account cannot rerun the run (404)", SERVER, () => expectError("altostrat", "rerunWorkflowRun", rerun, 404, "run_not_found"));
    const resume = await other.POST("/workflows/runs/{runId}/resume-from/{nodeId}", { params: { path: { runId, nodeId: "n2" } } });
    await t.check("another account cannot resume the run (404)", SERVER, () => expectError("altostrat", "resumeWorkflowRunFromNode", resume, 404, "run_not_found"));
    const getWf = await other.GET("/workflows/{workflowId}", { params: { path: { workflowId } } });
    await t.check("another account cannot read the workflow (404)", SERVER, () => expectError("altostrat", "getWorkflow", getWf, 404, "workflow_not_found"));
    const exec = await other.POST("/workflows/{workflowId}/execute", { params: { path: { workflowId } }, body: { context: {} } });
    await t.check("another account cannot execute the workflow (404)", SERVER, () => expectError("altostrat", "executeWorkflow", exec, 404, "workflow_not_found"));
    const list = await other.GET("/workflows/{workflowId}/executions", { params: { path: { workflowId } } });
    await t.check("another account cannot list the workflow's runs (404)", SERVER, () =>
      expectError("altostrat", "listWorkflowExecutions", list, 404, "workflow_not_found"),
    );
    const logs = await other.GET("/workflows/{workflowId}/logs", { params: { path: { workflowId } } });
    await t.check("another account cannot list the workflow's logs (404)", SERVER, () => expectError("altostrat", "listWorkflowLogs", logs, 404, "workflow_not_found"));
    await t.check("the refused requests created no run", SERVER, async () => {
      const page = await t.altostrat.GET("/workflows/{workflowId}/executions", { params: { path: { workflowId } } });
      assert.deepEqual(page.data?.data.map((r) => r.id), [runId]);
    });

    const alloyWf = t.fixtures.alloyWorkflowId!;
    const started = await t.alloy.POST("/run/workflow", { body: { workflowId: alloyWf, userId: "isolation", data: {} } });
    const executionId = started.data!.executionId;
    await t.waitFor(() => t.alloy.GET("/logs/{executionId}", { params: { path: { executionId } } }), (r) => FINISHED.has(r.data?.status ?? ""));
    const foreign = t.other.alloy;
    const getExec = await foreign.GET("/logs/{executionId}", { params: { path: { executionId } } });
    await t.check("another key cannot read the execution (404)", SERVER, () => expectError("alloy", "getExecution", getExec, 404, "run_not_found"));
    const rerunExec = await foreign.POST("/workflows/{workflowId}/rerun/{executionId}", { params: { path: { workflowId: alloyWf, executionId } } });
    await t.check("another key cannot rerun the execution (404)", SERVER, () => {
      assert.equal(rerunExec.response.status, 404);
      assert.ok(["workflow_not_found", "run_not_found"].includes(String((rerunExec.error as { code?: string }).code)));
    });
    const runForeign = await foreign.POST("/run/workflow", { body: { workflowId: alloyWf, userId: "intruder", data: {} } });
    await t.check("another key cannot run the workflow (404)", SERVER, () => expectError("alloy", "runWorkflow", runForeign, 404, "workflow_not_found"));
    const foreignLogs = await foreign.GET("/workflows/{workflowId}/logs", { params: { path: { workflowId: alloyWf } } });
    await t.check("another key cannot list the workflow's logs (404)", SERVER, () => expectError("alloy", "listWorkflowLogs", foreignLogs, 404, "workflow_not_found"));
  },
};
