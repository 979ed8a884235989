import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServerWithTenant, waitFor, type TestServer, type TestTenant } from "../../support/servers.ts";
import { expectError } from "../../support/error-body.ts";
import { createAlloyWorkflow, waitForExecution } from "../../support/http-runs.ts";
import { APPROVAL } from "../../support/workflows.ts";

const OP = { path: "/workflows/{workflowId}/executions/{executionId}/steps/{stepId}/input", method: "post" } as const;

describe("Alloy input delivery over HTTP", () => {
  let server: TestServer;
  let tenant: TestTenant;
  beforeAll(async () => void ({ server, tenant } = await startServerWithTenant()));
  afterAll(async () => server?.stop());

  const deliver = (workflowId: string, executionId: string, stepId: string, body: unknown, apiKey = tenant.apiKey) =>
    fetch(`${server.alloyUrl}/workflows/${workflowId}/executions/${executionId}/steps/${stepId}/input`, {
      method: "POST",
      headers: { Authorization: `bearer ${apiKey}`, "x-api-version": "2025-09", "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  /** An execution of the approval workflow once it waits at `approve`. */
  const waiting = async () => {
    const wf = await createAlloyWorkflow(server, tenant, APPROVAL);
    const { data } = await tenant.alloy.POST("/run/workflow", { body: { workflowId: wf.id, userId: "user-1", data: { amount: 3 } } });
    const executionId = data!.executionId;
    const execution = await waitFor(
      async () => (await tenant.alloy.GET("/logs/{executionId}", { params: { path: { executionId } } })).data!,
      (e) => e.awaitingStepId !== undefined,
    );
    return { wf, executionId, execution };
  };

  it("a waiting execution reads `running` with the step it waits at; the input resumes it to completion", async () => {
    const { wf, executionId, execution } = await waiting();
    expect(execution).toMatchObject({ status: "running", finished: false, awaitingStepId: "approve", inputDeadline: expect.any(String) });
    const { data, response } = await tenant.alloy.POST("/workflows/{workflowId}/executions/{executionId}/steps/{stepId}/input", {
      params: { path: { workflowId: wf.id, executionId, stepId: "approve" } },
      body: { data: { approved: false, note: "too expensive" } },
    });
    expect(response.status).toBe(200);
    expect(data).toEqual({ message: "success", executionId, status: "pending" });
    const done = await waitForExecution(tenant, executionId);
    expect(done.status).toBe("completed");
    expect(done.awaitingStepId).toBeUndefined();
    expect(done.results.at(-1)!.data).toEqual({ approved: false, amount: 3 });
  });

  it("input the schema refuses is 400 invalid_node_input with each problem under /body/data", async () => {
    const { wf, executionId } = await waiting();
    const answer = await expectError("alloy", await deliver(wf.id, executionId, "approve", { data: { note: 5 } }), { status: 400, code: "invalid_node_input", op: OP });
    expect(answer.body.details).toEqual(
      expect.arrayContaining([
        { path: "/body/data", message: "must have required property 'approved'" },
        { path: "/body/data/note", message: "must be string" },
      ]),
    );
  });

  it("another step is 409; another workflow's path, another account and an unknown execution are 404", async () => {
    const { wf, executionId } = await waiting();
    await expectError("alloy", await deliver(wf.id, executionId, "n4", { data: {} }), { status: 409, code: "run_not_awaiting_input", op: OP });
    await expectError("alloy", await deliver("0123456789abcdef01234567", executionId, "approve", { data: {} }), { status: 404, code: "workflow_not_found", op: OP });
    const stranger = await server.createTenant("stranger");
    await expectError("alloy", await deliver(wf.id, executionId, "approve", { data: { approved: true } }, stranger.apiKey), { status: 404, code: "workflow_not_found", op: OP });
    await expectError("alloy", await deliver(wf.id, "00000000-0000ffff", "approve", { data: {} }), { status: 404, code: "run_not_found", op: OP });
    expect((await server.engine.getRun(tenant.accountId, executionId)).status).toBe("awaiting_ui_interaction");
  });
});
