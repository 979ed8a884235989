import assert from "node:assert/strict";
import { BOTH, SERVER } from "../checks.ts";
import { expectAnswer } from "../expect-answer.ts";
import type { Scenario } from "../run-scenarios.ts";
import { FINISHED } from "./definitions.ts";

const API = "alloy";
const DATA = { orderId: "ord_1042", amount: 129.9 };

/** The Alloy rerun loop: run → get the execution → rerun → get the new execution, plus the logs listing. */
export const alloyRerunLoop: Scenario = {
  name: "alloy rerun loop",
  apis: [API],
  unmet: (target) => (target.fixtures.alloyWorkflowId ? undefined : "no Alloy workflow to run (CONTRACT_ALLOY_WORKFLOW_ID)"),
  async run(t) {
    const workflowId = t.fixtures.alloyWorkflowId!;
    const userId = `user-${crypto.randomUUID()}`;
    const started = await t.alloy.POST("/run/workflow", { body: { workflowId, userId, data: DATA } });
    await t.check("runWorkflow answers 200 with success and an executionId", BOTH, () => {
      expectAnswer(API, "runWorkflow", started, 200);
      assert.equal(started.data?.message, "success");
    });
    const executionId = started.data!.executionId;
    const read = (id: string) => t.alloy.GET("/logs/{executionId}", { params: { path: { executionId: id } } });
    const first = await t.waitFor(() => read(executionId), (r) => FINISHED.has(r.data?.status ?? ""));
    await t.check("getExecution answers 200 with an Execution", BOTH, () => expectAnswer(API, "getExecution", first, 200));
    await t.check("a finished execution is marked finished with stoppedAt", BOTH, () => {
      assert.equal(first.data?.finished, true);
      assert.notEqual(first.data?.stoppedAt, null);
    });
    await t.check("the execution was started by the API for the user with the sent data", SERVER, () => {
      const exec = first.data!;
      assert.equal(exec.executionId, executionId);
      assert.equal(exec.workflowId, workflowId);
      assert.equal(exec.userId, userId);
      assert.equal(exec.status, "completed");
      assert.equal(exec.executionMode, "trigger");
      assert.equal(exec.rerunOf, null);
      assert.deepEqual(exec.inputs, [{ connectorId: "trigger", data: DATA }]);
      assert.ok(exec.results.length >= 1);
    });

    const rerun = await t.alloy.POST("/workflows/{workflowId}/rerun/{executionId}", { params: { path: { workflowId, executionId } } });
    await t.check("rerunWorkflowExecution answers 200 with success and the new executionId", BOTH, () => {
      expectAnswer(API, "rerunWorkflowExecution", rerun, 200);
      assert.equal(rerun.data?.message, "success");
    });
    const newId = rerun.data!.executionId;
    await t.check("the rerun is a new execution", SERVER, () => assert.notEqual(newId, executionId));
    const second = await t.waitFor(() => read(newId), (r) => FINISHED.has(r.data?.status ?? ""));
    await t.check("the new execution reads back with getExecution", BOTH, () => expectAnswer(API, "getExecution", second, 200));
    await t.check("the new execution is a retry of the original with the same input", SERVER, () => {
      const exec = second.data!;
      assert.equal(exec.executionId, newId);
      assert.equal(exec.executionMode, "retry");
      assert.equal(exec.rerunOf, executionId);
      assert.equal(exec.userId, userId);
      assert.equal(exec.status, "completed");
      assert.deepEqual(exec.inputs, first.data?.inputs);
    });
    await t.check("the original execution is unchanged by the rerun", SERVER, async () => {
      assert.deepEqual((await read(executionId)).data, first.data);
    });

    const logs = await t.alloy.GET("/workflows/{workflowId}/logs", { params: { path: { workflowId }, query: { userId, order: "desc", limit: 30 } } });
    await t.check("listWorkflowLogs answers 200 with a page of execution logs", BOTH, () => expectAnswer(API, "listWorkflowLogs", logs, 200));
    await t.check("the user's logs hold the rerun and the original, newest first", SERVER, () => {
      assert.deepEqual(logs.data?.data.map((entry) => entry.executionId), [newId, executionId]);
      assert.equal(logs.data?.total, 2);
    });
    // Browsers' URLSearchParams send a space as `+` and leave `@` alone: the mock accepts that, so must the server.
    const email = `Ada Lovelace@${crypto.randomUUID()}.test`;
    await t.alloy.POST("/run/workflow", { body: { workflowId, userId: email, data: DATA } });
    const formEncoded = await t.alloy.GET("/workflows/{workflowId}/logs", {
      params: { path: { workflowId }, query: { userId: email } },
      querySerializer: () => `userId=${email.replace(/ /g, "+")}`,
    });
    await t.check("a form-encoded userId filter (`+`, raw `@`) is accepted", BOTH, () => expectAnswer(API, "listWorkflowLogs", formEncoded, 200));
    await t.check("the form-encoded userId filter finds that user's execution", SERVER, () => assert.equal(formEncoded.data?.total, 1));
    const ascending = await t.alloy.GET("/workflows/{workflowId}/logs", { params: { path: { workflowId }, query: { userId, order: "asc" } } });
    await t.check("order=asc lists the original first", SERVER, () => {
      assert.deepEqual(ascending.data?.data.map((entry) => entry.executionId), [executionId, newId]);
    });
  },
};
