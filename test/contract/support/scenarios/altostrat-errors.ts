import assert from "node:assert/strict";
import { BOTH, MOCK, SERVER } from "../checks.ts";
import { expectAnswer, expectError } from "../expect-answer.ts";
import type { Scenario } from "../run-scenarios.ts";
import { FINISHED, forgeTokens, QUICK_DEFINITION, SLOW_DEFINITION, UNKNOWN_RUN_ID, UNKNOWN_WORKFLOW_ID } from "./definitions.ts";

const API = "altostrat";

/** The documented error answers of the Altostrat rerun loop. */
export const altostratErrors: Scenario = {
  name: "altostrat documented errors",
  apis: [API],
  async run(t) {
    const notFound = { code: 404, example: "runNotFound" };
    const unknownRun = await t.altostrat.GET("/workflows/runs/{runId}", { params: { path: { runId: UNKNOWN_RUN_ID } }, headers: t.prefer(notFound) });
    await t.check("getWorkflowRun of an unknown run is 404 run_not_found", BOTH, () => expectError(API, "getWorkflowRun", unknownRun, 404, "run_not_found"));
    for (const runId of [UNKNOWN_RUN_ID, "not-a-run-id", "37e974f0-5d0c4035"]) {
      const res = await t.altostrat.POST("/workflows/runs/{runId}/rerun", { params: { path: { runId } }, headers: t.prefer(notFound) });
      await t.check(`rerunWorkflowRun of '${runId}' is 404 run_not_found`, BOTH, () => expectError(API, "rerunWorkflowRun", res, 404, "run_not_found"));
    }
    const badId = await t.altostrat.GET("/workflows/runs/{runId}", { params: { path: { runId: "fl_run_NOT-VALID" } }, headers: t.prefer({ code: 400 }) });
    await t.check("a malformed run id is 400 validation_failed", BOTH, () => expectError(API, "getWorkflowRun", badId, 400, "validation_failed"));
    await t.check("the 400 names the offending parameter", SERVER, () => {
      assert.deepEqual((badId.error as { errors?: { path: string }[] }).errors?.map((e) => e.path), ["/params/runId"]);
    });
    const unknownWf = await t.altostrat.POST("/workflows/{workflowId}/execute", { params: { path: { workflowId: UNKNOWN_WORKFLOW_ID } }, body: { context: {} }, headers: t.prefer({ code: 404 }) });
    await t.check("executeWorkflow of an unknown workflow is 404 workflow_not_found", BOTH, () => expectError(API, "executeWorkflow", unknownWf, 404, "workflow_not_found"));
    const longKey = await t.altostrat.POST("/workflows/{workflowId}/execute", {
      params: { path: { workflowId: UNKNOWN_WORKFLOW_ID }, header: { "Idempotency-Key": "k".repeat(256) } },
      body: { context: {} },
      headers: t.prefer({ code: 400 }),
    });
    // Prism answers an invalid request with the operation's 422 when one is documented, whatever `Prefer` asks.
    await t.check("an Idempotency-Key over 255 characters is 400", SERVER, () => expectError(API, "executeWorkflow", longKey, 400, "validation_failed"));
    const perPage = await t.altostrat.GET("/workflows/{workflowId}/executions", { params: { path: { workflowId: UNKNOWN_WORKFLOW_ID }, query: { per_page: 101 } }, headers: t.prefer({ code: 400 }) });
    await t.check("per_page above 100 is 400 validation_failed", BOTH, () => expectError(API, "listWorkflowExecutions", perPage, 400, "validation_failed"));

    const anonymous = await t.altostratWith(undefined).POST("/workflows/runs/{runId}/rerun", { params: { path: { runId: UNKNOWN_RUN_ID } } });
    await t.check("a request without a token is 401 unauthorized", BOTH, () => expectError(API, "rerunWorkflowRun", anonymous, 401, "unauthorized"));
    const forged = await forgeTokens();
    const described = { algNone: "an unsigned (alg: none)", foreignSecret: "a foreign-signed", garbage: "a malformed" } as const;
    for (const kind of ["algNone", "foreignSecret", "garbage"] as const) {
      const res = await t.altostratWith(forged[kind]).POST("/workflows/runs/{runId}/rerun", { params: { path: { runId: UNKNOWN_RUN_ID } }, headers: t.prefer({ code: 401 }) });
      await t.check(`${described[kind]} token is 401 unauthorized`, BOTH, () => expectError(API, "rerunWorkflowRun", res, 401, "unauthorized"));
    }

    const slow = await t.altostrat.POST("/workflows", { body: { name: "contract slow", definition: SLOW_DEFINITION } });
    const pending = await t.altostrat.POST("/workflows/{workflowId}/execute", { params: { path: { workflowId: slow.data!.id } }, body: { context: {} } });
    const pendingId = pending.data!.id;
    const conflict = { code: 409, example: "runNotRerunnable" };
    const early = await t.altostrat.POST("/workflows/runs/{runId}/rerun", { params: { path: { runId: pendingId } }, headers: t.prefer(conflict) });
    await t.check("rerunning an unfinished run is 409 run_not_rerunnable", BOTH, () => expectError(API, "rerunWorkflowRun", early, 409, "run_not_rerunnable"));
    const earlyResume = await t.altostrat.POST("/workflows/runs/{runId}/resume-from/{nodeId}", { params: { path: { runId: pendingId, nodeId: "n2" } }, headers: t.prefer(conflict) });
    await t.check("resuming an unfinished run is 409 run_not_rerunnable", BOTH, () =>
      expectError(API, "resumeWorkflowRunFromNode", earlyResume, 409, "run_not_rerunnable"),
    );
    await t.check("a refused rerun creates no run", SERVER, async () => {
      const page = await t.altostrat.GET("/workflows/{workflowId}/executions", { params: { path: { workflowId: slow.data!.id } } });
      assert.deepEqual(page.data?.data.map((run) => run.id), [pendingId]);
    });

    const quick = await t.altostrat.POST("/workflows", { body: { name: "contract resume", definition: QUICK_DEFINITION } });
    const run = await t.altostrat.POST("/workflows/{workflowId}/execute", { params: { path: { workflowId: quick.data!.id } }, body: { context: {} } });
    await t.waitFor(
      () => t.altostrat.GET("/workflows/runs/{runId}", { params: { path: { runId: run.data!.id } } }),
      (r) => FINISHED.has(r.data?.status ?? ""),
    );
    const noNode = await t.altostrat.POST("/workflows/runs/{runId}/resume-from/{nodeId}", {
      params: { path: { runId: run.data!.id, nodeId: "n9" } },
      headers: t.prefer({ code: 404, example: "nodeNotFound" }),
    });
    await t.check("resuming from a node the workflow lacks is 404 node_not_found", BOTH, () =>
      expectError(API, "resumeWorkflowRunFromNode", noNode, 404, "node_not_found"),
    );

    const unavailable = await t.altostrat.GET("/workflows/{workflowId}", { params: { path: { workflowId: UNKNOWN_WORKFLOW_ID } }, headers: t.prefer({ code: 503 }) });
    await t.check("503 store_unavailable carries Retry-After in seconds", MOCK, () => {
      expectError(API, "getWorkflow", unavailable, 503, "store_unavailable");
      assert.match(unavailable.response.headers.get("retry-after") ?? "", /^[1-9]\d*$/);
    });
  },
};

/** Webhook delivery: the token in the path is the only credential. */
export const altostratWebhook: Scenario = {
  name: "altostrat webhook trigger",
  apis: [API],
  async run(t) {
    const created = await t.altostrat.POST("/workflows", { body: { name: "contract webhook", definition: QUICK_DEFINITION } });
    const webhookToken = created.data!.webhook_token!;
    const anonymous = t.altostratWith(undefined);
    const delivered = await anonymous.POST("/workflows/webhooks/{webhookToken}", { params: { path: { webhookToken } }, body: { event: "order.paid" } });
    await t.check("triggerWorkflowWebhook answers 202 with the queued run's id", BOTH, () => expectAnswer(API, "triggerWorkflowWebhook", delivered, 202));
    await t.check("the webhook run wraps the body as webhook_payload", SERVER, async () => {
      const run = await t.altostrat.GET("/workflows/runs/{runId}", { params: { path: { runId: delivered.data!.run_id } } });
      assert.equal(run.data?.trigger_type, "webhook");
      assert.deepEqual(run.data?.trigger_payload, { webhook_payload: { event: "order.paid" } });
      assert.equal(run.data?.workflow_id, created.data!.id);
    });
    const unknown = await anonymous.POST("/workflows/webhooks/{webhookToken}", {
      params: { path: { webhookToken: `whk_${"0".repeat(32)}` } },
      body: { context: {} },
      headers: t.prefer({ code: 404 }),
    });
    await t.check("an unknown webhook token is 404 workflow_not_found", BOTH, () => expectError(API, "triggerWorkflowWebhook", unknown, 404, "workflow_not_found"));
  },
};
