import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServerWithTenant, waitFor, type TestServer, type TestTenant } from "../../support/servers.ts";
import { expectError } from "../../support/error-body.ts";
import { createAltostratWorkflow, executeAltostrat, waitForRun } from "../../support/http-runs.ts";
import { ECHO } from "../../support/workflows.ts";

describe("Altostrat bulk rerun over HTTP", () => {
  let server: TestServer;
  let tenant: TestTenant;
  beforeAll(async () => void ({ server, tenant } = await startServerWithTenant()));
  afterAll(async () => server?.stop());

  const raw = (path: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}) =>
    fetch(`${server.altostratUrl}${path}`, {
      method: init.method ?? "POST",
      headers: { Authorization: `Bearer ${tenant.token}`, ...(init.body !== undefined ? { "content-type": "application/json" } : {}), ...init.headers },
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    });

  it("starts a job (202) that reruns the matching runs, linked to their sources, and reports its progress", async () => {
    const wf = await createAltostratWorkflow(tenant, ECHO);
    const sources = [];
    for (let i = 0; i < 3; i++) sources.push(await waitForRun(tenant, (await executeAltostrat(tenant, wf.id, { i })).id));
    const started = await tenant.altostrat.POST("/workflows/{workflowId}/runs/rerun", {
      params: { path: { workflowId: wf.id }, header: { "Idempotency-Key": "bulk-http-1" } },
      body: { statuses: ["completed"], trigger_types: ["manual"], rate_per_second: 100 },
    });
    expect(started.response.status).toBe(202);
    expect(started.data).toMatchObject({ workflow_id: wf.id, state: "pending", matched: 3, queued: 0, rate_per_second: 100, filter: { statuses: ["completed"] } });
    const jobId = started.data!.id;
    const read = () => tenant.altostrat.GET("/workflows/rerun-jobs/{jobId}", { params: { path: { jobId } } });
    const done = await waitFor(async () => (await read()).data!, (job) => job.state === "completed");
    expect(done).toMatchObject({ matched: 3, queued: 3, skipped: 0, failed: 0 });
    expect(done.completed_at).not.toBeNull();
    const { data: page } = await tenant.altostrat.GET("/workflows/{workflowId}/executions", { params: { path: { workflowId: wf.id }, query: { per_page: 10 } } });
    const reruns = page!.data.filter((run) => run.trigger_type === "rerun");
    expect(reruns.map((run) => run.rerun_of).sort()).toEqual(sources.map((s) => s.id).sort());
    // The same key and body answer the same job; the key with another body is 422.
    const again = await tenant.altostrat.POST("/workflows/{workflowId}/runs/rerun", {
      params: { path: { workflowId: wf.id }, header: { "Idempotency-Key": "bulk-http-1" } },
      body: { statuses: ["completed"], trigger_types: ["manual"], rate_per_second: 100 },
    });
    expect(again.response.status).toBe(202);
    expect(again.data!.id).toBe(jobId);
    const mismatch = await raw(`/workflows/${wf.id}/runs/rerun`, { body: { statuses: ["failed"] }, headers: { "Idempotency-Key": "bulk-http-1" } });
    await expectError("altostrat", mismatch, { status: 422, code: "idempotency_key_mismatch", op: { path: "/workflows/{workflowId}/runs/rerun", method: "post" } });
    // A finished job cannot be cancelled.
    const late = await raw(`/workflows/rerun-jobs/${jobId}/cancel`);
    await expectError("altostrat", late, { status: 409, code: "rerun_job_not_cancellable", type: "conflict_error", op: { path: "/workflows/rerun-jobs/{jobId}/cancel", method: "post" } });
  });

  it("cancels a running job, and answers 404 for another account's job and 400 for a bad body", async () => {
    const wf = await createAltostratWorkflow(tenant, ECHO);
    for (let i = 0; i < 3; i++) await waitForRun(tenant, (await executeAltostrat(tenant, wf.id, { i })).id);
    // One run per second: the job is still in progress when the cancel arrives.
    const { data: job } = await tenant.altostrat.POST("/workflows/{workflowId}/runs/rerun", { params: { path: { workflowId: wf.id }, header: {} }, body: { rate_per_second: 1 } });
    const cancelled = await tenant.altostrat.POST("/workflows/rerun-jobs/{jobId}/cancel", { params: { path: { jobId: job!.id } } });
    expect(cancelled.response.status).toBe(200);
    expect(cancelled.data).toMatchObject({ state: "cancelled", completed_at: expect.any(String) });
    expect(cancelled.data!.queued).toBeLessThan(3);

    const stranger = await server.createTenant("stranger");
    const foreign = await fetch(`${server.altostratUrl}/workflows/rerun-jobs/${job!.id}`, { headers: { Authorization: `Bearer ${stranger.token}` } });
    await expectError("altostrat", foreign, { status: 404, code: "rerun_job_not_found", op: { path: "/workflows/rerun-jobs/{jobId}", method: "get" } });
    const bad = await raw(`/workflows/${wf.id}/runs/rerun`, { body: { statuses: ["running"] } });
    expect(bad.status).toBe(400);
    const unknownWorkflow = await raw(`/workflows/fl_wf_0000000000000000000000zzzz/runs/rerun`, { body: {} });
    await expectError("altostrat", unknownWorkflow, { status: 404, code: "workflow_not_found", op: { path: "/workflows/{workflowId}/runs/rerun", method: "post" } });
  });

  it("answers 429 too_many_rerun_jobs beyond five jobs in progress", async () => {
    const busy = await server.createTenant("busy");
    const wf = await createAltostratWorkflow(busy, ECHO);
    for (let i = 0; i < 3; i++) await waitForRun(busy, (await executeAltostrat(busy, wf.id, { i })).id);
    // At one run per second each job stays in progress for a few seconds.
    const post = () =>
      fetch(`${server.altostratUrl}/workflows/${wf.id}/runs/rerun`, {
        method: "POST",
        headers: { Authorization: `Bearer ${busy.token}`, "content-type": "application/json" },
        body: JSON.stringify({ rate_per_second: 1 }),
      });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const answer = await post();
      expect(answer.status).toBe(202);
      ids.push(((await answer.json()) as { id: string }).id);
    }
    await expectError("altostrat", await post(), { status: 429, code: "too_many_rerun_jobs", op: { path: "/workflows/{workflowId}/runs/rerun", method: "post" } });
    for (const jobId of ids) await busy.altostrat.POST("/workflows/rerun-jobs/{jobId}/cancel", { params: { path: { jobId } } });
  });
});
