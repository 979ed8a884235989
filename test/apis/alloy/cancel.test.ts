import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServerWithTenant, waitFor, type TestServer, type TestTenant } from "../../support/servers.ts";
import { expectError } from "../../support/error-body.ts";
import { createAlloyWorkflow, waitForExecution } from "../../support/http-runs.ts";
import { ECHO, SLOW } from "../../support/workflows.ts";

describe("Alloy cancel over HTTP", () => {
  let server: TestServer;
  let tenant: TestTenant;
  beforeAll(async () => void ({ server, tenant } = await startServerWithTenant()));
  afterAll(async () => server?.stop());

  const start = async (workflowId: string, userId = "user-1") => {
    const { data, response } = await tenant.alloy.POST("/run/workflow", { body: { workflowId, userId, data: { order: "ord_3" } } });
    expect(response.status).toBe(200);
    return data!.executionId;
  };
  /** Waits until the slow workflow's delay has parked the execution. */
  const parked = (executionId: string) => waitFor(async () => (await server.engine.getRun(tenant.accountId, executionId)).logs.length, (n) => n >= 2);
  const cancel = (workflowId: string, executionId: string) =>
    tenant.alloy.POST("/workflows/{workflowId}/executions/{executionId}/cancel", { params: { path: { workflowId, executionId } } });
  /** The same request, raw, for error answers (the typed client reads their body). */
  const cancelRaw = (workflowId: string, executionId: string) =>
    fetch(`${server.alloyUrl}/workflows/${workflowId}/executions/${executionId}/cancel`, {
      method: "POST",
      headers: { Authorization: `bearer ${tenant.apiKey}`, "x-api-version": "2025-09" },
    });

  it("cancels a waiting execution at once (200), its last step result names run_cancelled, and it can be rerun", async () => {
    const wf = await createAlloyWorkflow(server, tenant, SLOW);
    const executionId = await start(wf.id);
    await parked(executionId);
    const { data, response } = await cancel(wf.id, executionId);
    expect(response.status).toBe(200);
    expect(data).toEqual({ message: "success", executionId, status: "failed" });
    const execution = await waitForExecution(tenant, executionId);
    expect(execution).toMatchObject({ status: "failed", finished: true });
    expect(execution.results.at(-1)).toMatchObject({ connectorId: "delay", data: { code: "run_cancelled" } });
    const rerun = await tenant.alloy.POST("/workflows/{workflowId}/rerun/{executionId}", { params: { path: { workflowId: wf.id, executionId } } });
    expect(rerun.response.status).toBe(200);
  });

  it("refuses a finished execution with 409 run_not_cancellable; an unknown workflow is workflow_not_found", async () => {
    const wf = await createAlloyWorkflow(server, tenant, ECHO);
    const executionId = await start(wf.id);
    await waitForExecution(tenant, executionId);
    const refused = await cancelRaw(wf.id, executionId);
    await expectError("alloy", refused, { status: 409, code: "run_not_cancellable", op: { path: "/workflows/{workflowId}/executions/{executionId}/cancel", method: "post" } });
    const unknown = await cancelRaw("0123456789abcdef01234567", executionId);
    await expectError("alloy", unknown, { status: 404, code: "workflow_not_found", op: { path: "/workflows/{workflowId}/executions/{executionId}/cancel", method: "post" } });
  });

  it("cancels by filter one user's executions and says how many remain", async () => {
    const wf = await createAlloyWorkflow(server, tenant, SLOW);
    const mine = [await start(wf.id, "alice"), await start(wf.id, "alice")];
    const theirs = await start(wf.id, "bob");
    for (const id of [...mine, theirs]) await parked(id);
    const { data, response } = await tenant.alloy.POST("/workflows/{workflowId}/executions/cancel", {
      params: { path: { workflowId: wf.id } },
      body: { userId: "alice", statuses: ["pending", "running"], limit: 1 },
    });
    expect(response.status).toBe(200);
    expect(data).toEqual({ matched: 2, cancelled: 1, stopping: 0, remaining: 1 });
    expect((await server.engine.getRun(tenant.accountId, theirs)).status).toBe("pending");
  });
});
