import assert from "node:assert/strict";
import { BOTH, SERVER } from "../checks.ts";
import { expectAnswer, expectError } from "../expect-answer.ts";
import type { Scenario } from "../run-scenarios.ts";
import { UNKNOWN_ALLOY_WORKFLOW_ID, UNKNOWN_EXECUTION_ID } from "./definitions.ts";

const API = "alloy";

/** The documented error answers of the Alloy rerun loop. */
export const alloyErrors: Scenario = {
  name: "alloy documented errors",
  apis: [API],
  unmet: (target) =>
    target.fixtures.alloyWorkflowId && target.fixtures.alloySlowWorkflowId
      ? undefined
      : "no Alloy workflows to run (CONTRACT_ALLOY_WORKFLOW_ID and CONTRACT_ALLOY_SLOW_WORKFLOW_ID)",
  async run(t) {
    const workflowId = t.fixtures.alloyWorkflowId!;
    const rerun = (wf: string, executionId: string, example?: string) =>
      t.alloy.POST("/workflows/{workflowId}/rerun/{executionId}", { params: { path: { workflowId: wf, executionId } }, headers: t.prefer({ code: 404, ...(example ? { example } : {}) }) });

    const unknownExec = await rerun(workflowId, UNKNOWN_EXECUTION_ID, "executionNotFound");
    await t.check("rerunning an unknown execution is 404 run_not_found", BOTH, () => expectError(API, "rerunWorkflowExecution", unknownExec, 404, "run_not_found"));
    const malformed = await rerun("not-a-workflow", "not-an-execution", "workflowNotFound");
    await t.check("rerunning with ids of the wrong shape is 404", BOTH, () => {
      expectAnswer(API, "rerunWorkflowExecution", malformed, 404);
    });
    const unknownWf = await rerun(UNKNOWN_ALLOY_WORKFLOW_ID, UNKNOWN_EXECUTION_ID, "workflowNotFound");
    await t.check("rerunning under an unknown workflow is 404 workflow_not_found", BOTH, () =>
      expectError(API, "rerunWorkflowExecution", unknownWf, 404, "workflow_not_found"),
    );
    const missing = await t.alloy.GET("/logs/{executionId}", { params: { path: { executionId: UNKNOWN_EXECUTION_ID } }, headers: t.prefer({ code: 404 }) });
    await t.check("getExecution of an unknown execution is 404 run_not_found", BOTH, () => expectError(API, "getExecution", missing, 404, "run_not_found"));
    const noWorkflow = await t.alloy.POST("/run/workflow", { body: { workflowId: UNKNOWN_ALLOY_WORKFLOW_ID, userId: "u1", data: {} }, headers: t.prefer({ code: 404 }) });
    await t.check("runWorkflow of an unknown workflow is 404 workflow_not_found", BOTH, () => expectError(API, "runWorkflow", noWorkflow, 404, "workflow_not_found"));

    const slow = await t.alloy.POST("/run/workflow", { body: { workflowId: t.fixtures.alloySlowWorkflowId!, userId: "u1", data: {} } });
    const early = await t.alloy.POST("/workflows/{workflowId}/rerun/{executionId}", {
      params: { path: { workflowId: t.fixtures.alloySlowWorkflowId!, executionId: slow.data!.executionId } },
      headers: t.prefer({ code: 409 }),
    });
    await t.check("rerunning an unfinished execution is 409 run_not_rerunnable", BOTH, () =>
      expectError(API, "rerunWorkflowExecution", early, 409, "run_not_rerunnable"),
    );

    const wrongKey = await t.alloyWith({ apiKey: "not-a-key" }).GET("/logs/{executionId}", { params: { path: { executionId: UNKNOWN_EXECUTION_ID } }, headers: t.prefer({ code: 401 }) });
    await t.check("an unknown API key is 401 unauthorized", BOTH, () => expectError(API, "getExecution", wrongKey, 401, "unauthorized"));
    const noKey = await t.alloyWith({ drop: ["Authorization"] }).GET("/logs/{executionId}", { params: { path: { executionId: UNKNOWN_EXECUTION_ID } } });
    await t.check("a request without a key is 401 unauthorized", SERVER, () => expectError(API, "getExecution", noKey, 401, "unauthorized"));
    const version = await t.alloyWith({ apiVersion: "2024-01" }).GET("/logs/{executionId}", {
      params: { path: { executionId: UNKNOWN_EXECUTION_ID } },
      headers: t.prefer({ code: 400, example: "unsupportedApiVersion" }),
    });
    await t.check("another x-api-version is 400 unsupported_api_version", BOTH, () => expectError(API, "getExecution", version, 400, "unsupported_api_version"));
    const noVersion = await t.alloyWith({ drop: ["x-api-version"] }).GET("/logs/{executionId}", { params: { path: { executionId: UNKNOWN_EXECUTION_ID } } });
    await t.check("a request without x-api-version is 400", BOTH, () => expectAnswer(API, "getExecution", noVersion, 400));
    await t.check("a missing x-api-version is reported as unsupported_api_version", SERVER, () => {
      assert.equal((noVersion.error as { code?: string }).code, "unsupported_api_version");
    });
    const limit = await t.alloy.GET("/workflows/{workflowId}/logs", { params: { path: { workflowId }, query: { limit: 31 } }, headers: t.prefer({ code: 400 }) });
    await t.check("limit above 30 is 400 validation_failed", BOTH, () => expectError(API, "listWorkflowLogs", limit, 400, "validation_failed"));
  },
};
