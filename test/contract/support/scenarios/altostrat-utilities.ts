import assert from "node:assert/strict";
import { BOTH, SERVER } from "../checks.ts";
import { expectAnswer, expectError } from "../expect-answer.ts";
import type { Scenario } from "../run-scenarios.ts";
import { FINISHED, ORDER, OVER_BODY_LIMIT, QUICK_DEFINITION, UNKNOWN_WORKFLOW_ID } from "./definitions.ts";

const API = "altostrat";

/** A definition create refuses: a condition edge without a branch, and a second trigger. */
const BROKEN_DEFINITION = {
  nodes: [
    { id: "n1", type: "trigger" as const },
    { id: "n2", type: "condition" as const, config: { expression: "true" } },
    { id: "n3", type: "trigger" as const },
  ],
  edges: [{ source: "n1", target: "n2" }, { source: "n2", target: "n3" }],
};

/** Validating a definition (nothing is stored) and reading a workflow's log statistics. */
export const altostratUtilities: Scenario = {
  name: "altostrat validate and log stats",
  apis: [API],
  async run(t) {
    const validate = (definition: unknown, example?: string) =>
      t.altostrat.POST("/workflows/validate", { body: { definition } as never, headers: t.prefer(example ? { code: 200, example } : {}) });
    const valid = await validate(QUICK_DEFINITION, "valid");
    await t.check("validateWorkflow answers 200 with a verdict", BOTH, () => expectAnswer(API, "validateWorkflow", valid, 200));
    await t.check("a definition create accepts is valid with no errors", SERVER, () => assert.deepEqual(valid.data, { valid: true, errors: [] }));
    const invalid = await validate(BROKEN_DEFINITION, "invalid");
    await t.check("a definition create refuses is not valid, with pointers into the body", BOTH, () => {
      expectAnswer(API, "validateWorkflow", invalid, 200);
      assert.equal(invalid.data?.valid, false);
      assert.ok(invalid.data?.errors.every((e) => e.path.startsWith("/body/definition")));
    });
    await t.check("validate lists exactly the problems create refuses with 422", SERVER, async () => {
      const created = await t.altostrat.POST("/workflows", { body: { name: "contract invalid", definition: BROKEN_DEFINITION as never } });
      expectError(API, "createWorkflow", created, 422, "invalid_workflow_definition");
      assert.deepEqual(invalid.data?.errors, (created.error as { errors?: unknown }).errors);
    });
    const noNodes = await t.altostrat.POST("/workflows/validate", {
      body: { definition: { edges: [] } } as never,
      headers: t.prefer({ code: 400, example: "validationFailed" }),
    });
    await t.check("a body that breaks the workflow schema is 400 validation_failed, as on create", BOTH, () =>
      expectError(API, "validateWorkflow", noNodes, 400, "validation_failed"),
    );
    // Bodies no server takes; decided on the server (the static mock answers them only on request).
    const oversized = await t.altostrat.POST("/workflows/validate", { body: { definition: QUICK_DEFINITION, description: "d".repeat(OVER_BODY_LIMIT) } });
    await t.check("a body over the server's limit is 413 payload_too_large", SERVER, () => expectError(API, "validateWorkflow", oversized, 413, "payload_too_large"));
    const plainText = await t.altostrat.POST("/workflows/validate", { body: { definition: QUICK_DEFINITION }, bodySerializer: (b) => JSON.stringify(b), headers: { "content-type": "text/plain" } });
    await t.check("a body not sent as JSON is 415 unsupported_media_type", SERVER, () => expectError(API, "validateWorkflow", plainText, 415, "unsupported_media_type"));
    const anonymous = await t.altostratWith(undefined).POST("/workflows/validate", { body: { definition: QUICK_DEFINITION } });
    await t.check("validate without a token is 401 unauthorized", BOTH, () => expectError(API, "validateWorkflow", anonymous, 401, "unauthorized"));

    const created = await t.altostrat.POST("/workflows", { body: { name: "contract stats", definition: QUICK_DEFINITION } });
    const workflowId = created.data!.id;
    const stats = () => t.altostrat.GET("/workflows/{workflowId}/logs/stats", { params: { path: { workflowId } } });
    const empty = await stats();
    await t.check("getWorkflowLogStats answers 200 with counts", BOTH, () => expectAnswer(API, "getWorkflowLogStats", empty, 200));
    await t.check("a workflow that never ran has nothing to count", SERVER, () =>
      assert.deepEqual(empty.data, { log_statuses: { success: 0, error: 0, warning: 0 }, recent_runs: { completed: 0, failed: 0 }, total_runs: 0, success_rate: 0 }),
    );
    const run = await t.altostrat.POST("/workflows/{workflowId}/execute", { params: { path: { workflowId } }, body: { context: ORDER } });
    await t.waitFor(
      () => t.altostrat.GET("/workflows/runs/{runId}", { params: { path: { runId: run.data!.id } } }),
      (r) => FINISHED.has(r.data?.status ?? ""),
    );
    const counted = await stats();
    await t.check("a completed run counts as a recent completed run with its node logs", SERVER, () =>
      assert.deepEqual(counted.data, { log_statuses: { success: 2, error: 0, warning: 0 }, recent_runs: { completed: 1, failed: 0 }, total_runs: 1, success_rate: 100 }),
    );
    const unknown = await t.altostrat.GET("/workflows/{workflowId}/logs/stats", { params: { path: { workflowId: UNKNOWN_WORKFLOW_ID } }, headers: t.prefer({ code: 404 }) });
    await t.check("stats of an unknown workflow are 404 workflow_not_found", BOTH, () => expectError(API, "getWorkflowLogStats", unknown, 404, "workflow_not_found"));
    const malformed = await t.altostrat.GET("/workflows/{workflowId}/logs/stats", { params: { path: { workflowId: "fl_wf_NOT-VALID" } }, headers: t.prefer({ code: 400 }) });
    await t.check("stats of a malformed workflow id are 400 validation_failed", BOTH, () => expectError(API, "getWorkflowLogStats", malformed, 400, "validation_failed"));
    const anonymousStats = await t.altostratWith(undefined).GET("/workflows/{workflowId}/logs/stats", { params: { path: { workflowId } } });
    await t.check("stats without a token are 401 unauthorized", BOTH, () => expectError(API, "getWorkflowLogStats", anonymousStats, 401, "unauthorized"));
  },
};
