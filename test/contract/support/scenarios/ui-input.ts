import assert from "node:assert/strict";
import { BOTH, MOCK, SERVER } from "../checks.ts";
import { expectAnswer, expectError } from "../expect-answer.ts";
import type { Scenario } from "../run-scenarios.ts";
import { APPROVAL_DEFINITION, FINISHED, ORDER, UNKNOWN_EXECUTION_ID, UNKNOWN_RUN_ID } from "./definitions.ts";

/** Altostrat: a run waits for a person; invalid input, the wrong node and a second delivery are refused; the input completes it. */
export const altostratUiInput: Scenario = {
  name: "altostrat ui input",
  apis: ["altostrat"],
  async run(t) {
    const API = "altostrat";
    const OP = "deliverWorkflowRunNodeInput";
    const created = await t.altostrat.POST("/workflows", { body: { name: "contract approval", definition: APPROVAL_DEFINITION } });
    const workflowId = created.data!.id;
    const executed = await t.altostrat.POST("/workflows/{workflowId}/execute", { params: { path: { workflowId } }, body: { context: ORDER } });
    const runId = executed.data!.id;
    const waiting = await t.waitFor(
      () => t.altostrat.GET("/workflows/runs/{runId}", { params: { path: { runId } } }),
      (r) => t.kind === "mock" || r.data?.status === "awaiting_ui_interaction",
    );
    await t.check("a run waiting for a person names the node and its deadline", SERVER, () => {
      assert.equal(waiting.data?.awaiting_node_id, "approve");
      assert.ok(waiting.data?.input_deadline);
    });
    const deliver = (id: string, nodeId: string, input: unknown, headers: Record<string, string> = {}) =>
      t.altostrat.POST("/workflows/runs/{runId}/nodes/{nodeId}/input", { params: { path: { runId: id, nodeId } }, body: { input } as never, headers });

    const invalid = await deliver(runId, "approve", { approved: "yes" }, t.prefer({ code: 422 }));
    await t.check("input the node's schema refuses is 422 invalid_node_input", BOTH, () => expectError(API, OP, invalid, 422, "invalid_node_input"));
    const wrongNode = await deliver(runId, "n2", {}, t.prefer({ code: 409 }));
    await t.check("a node the run does not wait at is 409 run_not_awaiting_input", BOTH, () => expectError(API, OP, wrongNode, 409, "run_not_awaiting_input"));
    const delivered = await deliver(runId, "approve", { approved: true });
    await t.check("deliverWorkflowRunNodeInput answers 202 with the run", BOTH, () => expectAnswer(API, OP, delivered, 202));
    const again = await deliver(runId, "approve", { approved: false }, t.prefer({ code: 409 }));
    await t.check("a second delivery is 409", BOTH, () => expectError(API, OP, again, 409, "run_not_awaiting_input"));
    const done = await t.waitFor(
      () => t.altostrat.GET("/workflows/runs/{runId}", { params: { path: { runId } } }),
      (r) => t.kind === "mock" || FINISHED.has(r.data?.status ?? ""),
    );
    await t.check("the run completes with the input as the node's output", SERVER, () => {
      assert.equal(done.data?.status, "completed");
      assert.deepEqual(done.data?.logs?.find((l) => l.node_id === "approve")?.output, { approved: true });
    });
    const unknown = await deliver(UNKNOWN_RUN_ID, "approve", {}, t.prefer({ code: 404 }));
    await t.check("an unknown run is 404 run_not_found", BOTH, () => expectError(API, OP, unknown, 404, "run_not_found"));
    // The mock answers a request that breaks the schema with the operation's 422, so the 400 is the server's alone.
    const noInput = await t.altostrat.POST("/workflows/runs/{runId}/nodes/{nodeId}/input", { params: { path: { runId, nodeId: "approve" } }, body: {} as never });
    await t.check("a body without input is 400", SERVER, () => expectError(API, OP, noInput, 400, "validation_failed"));
    const badShape = await deliver(runId, "approve", {}, t.prefer({ code: 400, example: "bodyNotAnObject" }));
    await t.check("the mock answers 400 validation_failed in the error shape", MOCK, () => expectError(API, OP, badShape, 400, "validation_failed"));
    const anonymous = await t.altostratWith(undefined).POST("/workflows/runs/{runId}/nodes/{nodeId}/input", { params: { path: { runId, nodeId: "approve" } }, body: { input: {} } });
    await t.check("a delivery without a token is 401", BOTH, () => expectError(API, OP, anonymous, 401, "unauthorized"));
  },
};

/**
 * Alloy: an execution of the approval fixture waits at `approve` (read `running`, naming the step); invalid
 * input and another step are refused, the input completes it, and a later delivery is 409; unknown ids, bad
 * bodies and keys.
 */
export const alloyUiInput: Scenario = {
  name: "alloy ui input",
  apis: ["alloy"],
  unmet: (target) => (target.fixtures.alloyApprovalWorkflowId ? undefined : "no approval Alloy workflow to run (CONTRACT_ALLOY_APPROVAL_WORKFLOW_ID)"),
  async run(t) {
    const API = "alloy";
    const OP = "deliverExecutionStepInput";
    const workflowId = t.fixtures.alloyApprovalWorkflowId!;
    const started = await t.alloy.POST("/run/workflow", { body: { workflowId, userId: `user-${crypto.randomUUID()}`, data: { amount: 42 } } });
    const executionId = started.data!.executionId;
    const read = () => t.alloy.GET("/logs/{executionId}", { params: { path: { executionId } } });
    const waiting = await t.waitFor(read, (r) => r.data?.awaitingStepId !== undefined || FINISHED.has(r.data?.status ?? ""));
    await t.check("a waiting execution reads running and names the step and its deadline", SERVER, () => {
      assert.equal(waiting.data?.status, "running");
      assert.equal(waiting.data?.awaitingStepId, "approve");
      assert.ok(waiting.data?.inputDeadline);
    });
    const deliver = (id: string, stepId: string, body: unknown, headers: Record<string, string> = {}) =>
      t.alloy.POST("/workflows/{workflowId}/executions/{executionId}/steps/{stepId}/input", { params: { path: { workflowId, executionId: id, stepId } }, body: body as never, headers });

    const invalid = await deliver(executionId, "approve", { data: { approved: "yes" } }, t.prefer({ code: 400, example: "invalidNodeInput" }));
    await t.check("input the step's schema refuses is 400 invalid_node_input", BOTH, () => expectError(API, OP, invalid, 400, "invalid_node_input"));
    const wrongStep = await deliver(executionId, "n4", { data: {} }, t.prefer({ code: 409 }));
    await t.check("a step the execution does not wait at is 409 run_not_awaiting_input", BOTH, () => expectError(API, OP, wrongStep, 409, "run_not_awaiting_input"));
    const accepted = await deliver(executionId, "approve", { data: { approved: true } }, t.prefer({ code: 200 }));
    await t.check("deliverExecutionStepInput answers 200 with the execution queued again", BOTH, () => expectAnswer(API, OP, accepted, 200));
    const done = await t.waitFor(read, (r) => FINISHED.has(r.data?.status ?? ""));
    await t.check("the execution completes with the input as the step's output", SERVER, () => {
      assert.equal(done.data?.status, "completed");
      assert.equal(done.data?.awaitingStepId, undefined);
      assert.deepEqual(done.data?.results.map((r) => r.data).slice(-2), [{ approved: true }, { approved: true, amount: 42 }]);
    });
    const finished = await deliver(executionId, "approve", { data: { approved: false } }, t.prefer({ code: 409 }));
    await t.check("a finished execution is 409 run_not_awaiting_input", BOTH, () => expectError(API, OP, finished, 409, "run_not_awaiting_input"));
    const unknown = await deliver(UNKNOWN_EXECUTION_ID, "approve", { data: {} }, t.prefer({ code: 404, example: "executionNotFound" }));
    await t.check("an unknown execution is 404 run_not_found", BOTH, () => expectError(API, OP, unknown, 404, "run_not_found"));
    const noData = await deliver(executionId, "approve", {}, t.prefer({ code: 400, example: "validationFailed" }));
    await t.check("a body without data is 400", BOTH, () => expectError(API, OP, noData, 400, "validation_failed"));
    const wrongKey = await t.alloyWith({ apiKey: "not-a-key" }).POST("/workflows/{workflowId}/executions/{executionId}/steps/{stepId}/input", {
      params: { path: { workflowId, executionId, stepId: "approve" } },
      body: { data: {} },
      headers: t.prefer({ code: 401 }),
    });
    await t.check("an unknown API key is 401", BOTH, () => expectError(API, OP, wrongKey, 401, "unauthorized"));
  },
};
