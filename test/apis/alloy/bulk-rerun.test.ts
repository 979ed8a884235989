import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServerWithTenant, waitFor, type TestServer, type TestTenant } from "../../support/servers.ts";
import { expectError } from "../../support/error-body.ts";
import { createAlloyWorkflow, waitForExecution } from "../../support/http-runs.ts";
import { ECHO } from "../../support/workflows.ts";

describe("Alloy bulk rerun over HTTP", () => {
  let server: TestServer;
  let tenant: TestTenant;
  beforeAll(async () => void ({ server, tenant } = await startServerWithTenant()));
  afterAll(async () => server?.stop());

  const start = async (workflowId: string, userId: string) => {
    const { data } = await tenant.alloy.POST("/run/workflow", { body: { workflowId, userId, data: { order: "ord_9" } } });
    return waitForExecution(tenant, data!.executionId);
  };

  it("reruns one user's executions as a job (202), and reports its progress under the workflow", async () => {
    const wf = await createAlloyWorkflow(server, tenant, ECHO);
    const mine = [await start(wf.id, "user-1"), await start(wf.id, "user-1")];
    await start(wf.id, "user-2");
    const started = await tenant.alloy.POST("/workflows/{workflowId}/executions/rerun", {
      params: { path: { workflowId: wf.id }, header: { "Idempotency-Key": "alloy-bulk-1" } },
      body: { userId: "user-1", executionModes: ["trigger"], ratePerSecond: 100 },
    });
    expect(started.response.status).toBe(202);
    expect(started.data).toMatchObject({ workflowId: wf.id, state: "pending", matched: 2, ratePerSecond: 100 });
    const jobId = started.data!.jobId;
    const read = () => tenant.alloy.GET("/workflows/{workflowId}/rerun-jobs/{jobId}", { params: { path: { workflowId: wf.id, jobId } } });
    const done = await waitFor(async () => (await read()).data!, (job) => job.state === "completed");
    expect(done).toMatchObject({ matched: 2, queued: 2, skipped: 0, failed: 0 });
    const reruns = (await server.engine.listRuns({ accountId: tenant.accountId, workflowId: wf.id })).runs.filter((r) => r.triggerType === "rerun");
    expect(reruns.map((r) => r.rerunOf).sort()).toEqual(mine.map((e) => e.executionId).sort());
    expect(reruns.every((r) => r.endUserId === "user-1")).toBe(true);

    const mismatch = await fetch(`${server.alloyUrl}/workflows/${wf.id}/executions/rerun`, {
      method: "POST",
      headers: { Authorization: `bearer ${tenant.apiKey}`, "x-api-version": "2025-09", "content-type": "application/json", "Idempotency-Key": "alloy-bulk-1" },
      body: JSON.stringify({ userId: "user-2" }),
    });
    await expectError("alloy", mismatch, { status: 422, code: "idempotency_key_mismatch", op: { path: "/workflows/{workflowId}/executions/rerun", method: "post" } });
    const late = await fetch(`${server.alloyUrl}/workflows/${wf.id}/rerun-jobs/${jobId}/cancel`, { method: "POST", headers: { Authorization: `bearer ${tenant.apiKey}`, "x-api-version": "2025-09" } });
    await expectError("alloy", late, { status: 409, code: "rerun_job_not_cancellable", op: { path: "/workflows/{workflowId}/rerun-jobs/{jobId}/cancel", method: "post" } });
  });

  it("cancels a job, and a job read under another workflow is 404", async () => {
    const wf = await createAlloyWorkflow(server, tenant, ECHO);
    const other = await createAlloyWorkflow(server, tenant, ECHO, "other");
    for (let i = 0; i < 3; i++) await start(wf.id, "user-1");
    // One execution per second: the job is still in progress when the cancel arrives.
    const { data: job } = await tenant.alloy.POST("/workflows/{workflowId}/executions/rerun", { params: { path: { workflowId: wf.id }, header: {} }, body: { ratePerSecond: 1 } });
    const cancelled = await tenant.alloy.POST("/workflows/{workflowId}/rerun-jobs/{jobId}/cancel", { params: { path: { workflowId: wf.id, jobId: job!.jobId } } });
    expect(cancelled.response.status).toBe(200);
    expect(cancelled.data).toMatchObject({ state: "cancelled", completedAt: expect.any(String) });
    const elsewhere = await fetch(`${server.alloyUrl}/workflows/${other.id}/rerun-jobs/${job!.jobId}`, { headers: { Authorization: `bearer ${tenant.apiKey}`, "x-api-version": "2025-09" } });
    await expectError("alloy", elsewhere, { status: 404, code: "rerun_job_not_found", op: { path: "/workflows/{workflowId}/rerun-jobs/{jobId}", method: "get" } });
  });
});
