import assert from "node:assert/strict";
import { BOTH, MOCK, SERVER } from "../checks.ts";
import { expectAnswer, expectError } from "../expect-answer.ts";
import type { Scenario } from "../run-scenarios.ts";
import { FINISHED, newKey, ORDER, OVER_BODY_LIMIT, QUICK_DEFINITION } from "./definitions.ts";

/** Altostrat rerun with a body: merge a changed field over the payload on the original version; the body's refusals. */
export const altostratRerunWithBody: Scenario = {
  name: "altostrat rerun with a body",
  apis: ["altostrat"],
  async run(t) {
    const API = "altostrat";
    const created = await t.altostrat.POST("/workflows", { body: { name: "contract rerun with a body", definition: QUICK_DEFINITION } });
    const workflowId = created.data!.id;
    const executed = await t.altostrat.POST("/workflows/{workflowId}/execute", { params: { path: { workflowId } }, body: { context: ORDER } });
    const runId = executed.data!.id;
    await t.waitFor(() => t.altostrat.GET("/workflows/runs/{runId}", { params: { path: { runId } } }), (r) => FINISHED.has(r.data?.status ?? ""));

    const key = newKey("rerun-body");
    type Body = { payload?: Record<string, unknown>; payload_mode?: "replace" | "merge"; version?: "original" | "current" };
    const rerun = (body: Body, headers: Record<string, string> = {}) =>
      t.altostrat.POST("/workflows/runs/{runId}/rerun", { params: { path: { runId }, header: { "Idempotency-Key": key } }, body, headers });
    const changed = { order_id: "ord_2001" };
    const merged = await rerun({ payload: changed, payload_mode: "merge", version: "original" });
    await t.check("a rerun with a body answers 202 with the new run", BOTH, () => expectAnswer(API, "rerunWorkflowRun", merged, 202));
    await t.check("the new run's payload is the original's with the sent keys merged over it, on the original version", SERVER, () => {
      assert.deepEqual(merged.data?.new_run.trigger_payload, { ...ORDER, ...changed });
      assert.equal(merged.data?.new_run.workflow_version, executed.data?.workflow_version);
      assert.equal(merged.data?.new_run.rerun_of, runId);
    });
    await t.check("the same body with the same Idempotency-Key returns the same new run", SERVER, async () => {
      const again = await rerun({ payload: changed, payload_mode: "merge", version: "original" });
      expectAnswer(API, "rerunWorkflowRun", again, 202);
      assert.equal(again.data?.new_run.id, merged.data?.new_run.id);
    });
    const otherBody = await rerun({ payload: changed }, t.prefer({ code: 422, example: "idempotencyKeyMismatch" }));
    await t.check("the same Idempotency-Key with another body is 422 idempotency_key_mismatch", BOTH, () =>
      expectError(API, "rerunWorkflowRun", otherBody, 422, "idempotency_key_mismatch"),
    );
    const newRun = await t.waitFor(
      () => t.altostrat.GET("/workflows/runs/{runId}", { params: { path: { runId: merged.data!.new_run.id } } }),
      (r) => FINISHED.has(r.data?.status ?? ""),
    );
    await t.check("the rerun completes and its transform reads the changed field", SERVER, () => {
      assert.equal(newRun.data?.status, "completed");
      assert.deepEqual(newRun.data?.logs?.at(-1)?.output, { order: changed.order_id });
    });

    const plain = (body: Body, init: { headers?: Record<string, string>; bodySerializer?: (b: unknown) => string } = {}) =>
      t.altostrat.POST("/workflows/runs/{runId}/rerun", { params: { path: { runId }, header: {} }, body, ...init });
    // Bodies no server takes; decided on the server (the mock answers an invalid request with the operation's first 422).
    const wrongType = await plain({ payload: ["not", "an", "object"] } as never);
    await t.check("a payload that is not an object is 400 validation_failed", SERVER, () => expectError(API, "rerunWorkflowRun", wrongType, 400, "validation_failed"));
    const oversized = await plain({ payload: { padding: "x".repeat(OVER_BODY_LIMIT) } });
    await t.check("a body over the server's limit is 413 payload_too_large", SERVER, () => expectError(API, "rerunWorkflowRun", oversized, 413, "payload_too_large"));
    const plainText = await plain({ payload: changed }, { bodySerializer: (b) => JSON.stringify(b), headers: { "content-type": "text/plain" } });
    await t.check("a body not sent as JSON is 415 unsupported_media_type", SERVER, () => expectError(API, "rerunWorkflowRun", plainText, 415, "unsupported_media_type"));
  },
};

/** Alloy rerun with a body: merge changed input over the earlier execution's on the original version; the body's refusals. */
export const alloyRerunWithBody: Scenario = {
  name: "alloy rerun with a body",
  apis: ["alloy"],
  unmet: (target) => (target.fixtures.alloyWorkflowId ? undefined : "no Alloy workflow to run (CONTRACT_ALLOY_WORKFLOW_ID)"),
  async run(t) {
    const API = "alloy";
    const workflowId = t.fixtures.alloyWorkflowId!;
    const data = { order_id: "ord_1042", amount: 129.9 };
    const started = await t.alloy.POST("/run/workflow", { body: { workflowId, userId: `user-${crypto.randomUUID()}`, data } });
    const executionId = started.data!.executionId;
    const read = (id: string) => t.alloy.GET("/logs/{executionId}", { params: { path: { executionId: id } } });
    await t.waitFor(() => read(executionId), (r) => FINISHED.has(r.data?.status ?? ""));

    type Body = { data?: Record<string, unknown>; dataMode?: "replace" | "merge"; version?: "original" | "current" };
    const rerun = (body: Body, init: { headers?: Record<string, string>; bodySerializer?: (b: unknown) => string } = {}) =>
      t.alloy.POST("/workflows/{workflowId}/rerun/{executionId}", { params: { path: { workflowId, executionId } }, body, ...init });
    const changed = { order_id: "ord_2001" };
    const merged = await rerun({ data: changed, dataMode: "merge", version: "original" });
    await t.check("a rerun with a body answers 200 with the new executionId", BOTH, () => expectAnswer(API, "rerunWorkflowExecution", merged, 200));
    const second = await t.waitFor(() => read(merged.data!.executionId), (r) => FINISHED.has(r.data?.status ?? ""));
    await t.check("the new execution's input is the earlier one with the sent keys merged over it", SERVER, () => {
      assert.equal(second.data?.rerunOf, executionId);
      assert.equal(second.data?.status, "completed");
      assert.deepEqual(second.data?.inputs, [{ connectorId: "trigger", data: { ...data, ...changed } }]);
    });

    // Bodies no server takes; decided on the server (the mock answers an invalid request with the operation's first 422).
    const wrongType = await rerun({ dataMode: "patch" } as never);
    await t.check("an unknown dataMode is 400 validation_failed", SERVER, () => expectError(API, "rerunWorkflowExecution", wrongType, 400, "validation_failed"));
    const oversized = await rerun({ data: { padding: "x".repeat(OVER_BODY_LIMIT) } });
    await t.check("a body over the server's limit is 413 payload_too_large", SERVER, () => expectError(API, "rerunWorkflowExecution", oversized, 413, "payload_too_large"));
    const plainText = await rerun({ data: changed }, { bodySerializer: (b) => JSON.stringify(b), headers: { "content-type": "text/plain" } });
    await t.check("a body not sent as JSON is 415 unsupported_media_type", SERVER, () => expectError(API, "rerunWorkflowExecution", plainText, 415, "unsupported_media_type"));
    // Every trigger of the API stores an object input, so only the mock (on request) answers payload_not_mergeable here.
    const notMergeable = await rerun({ data: changed, dataMode: "merge" }, { headers: t.prefer({ code: 422 }) });
    await t.check("the mock answers 422 payload_not_mergeable in Alloy's shape", MOCK, () => expectError(API, "rerunWorkflowExecution", notMergeable, 422, "payload_not_mergeable"));
  },
};
