import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServerWithTenant, waitFor, type TestServer, type TestTenant } from "../../support/servers.ts";
import { expectError } from "../../support/error-body.ts";
import { createAltostratWorkflow, executeAltostrat, waitForRun } from "../../support/http-runs.ts";
import { ECHO, SLOW } from "../../support/workflows.ts";

describe("Altostrat cancel over HTTP", () => {
  let server: TestServer;
  let tenant: TestTenant;
  beforeAll(async () => void ({ server, tenant } = await startServerWithTenant()));
  afterAll(async () => server?.stop());

  const cancel = (runId: string) => tenant.altostrat.POST("/workflows/runs/{runId}/cancel", { params: { path: { runId } } });
  /** A run of the slow workflow once its delay has parked it (pending until a minute from now). */
  const delayedRun = async (workflowId: string) => {
    const queued = await executeAltostrat(tenant, workflowId, { order: "ord_7" });
    await waitFor(async () => (await server.engine.getRun(tenant.accountId, queued.id)).logs.length, (n) => n >= 2);
    return queued;
  };

  it("cancels a delayed run at once (200, failed with run_cancelled), and the cancelled run can be rerun", async () => {
    const wf = await createAltostratWorkflow(tenant, SLOW);
    const queued = await delayedRun(wf.id);
    const { data, response } = await cancel(queued.id);
    expect(response.status).toBe(200);
    expect(data!.run).toMatchObject({ id: queued.id, status: "failed", error_message: expect.stringContaining("run_cancelled") });
    const run = await waitForRun(tenant, queued.id);
    expect(run.logs?.at(-1)).toMatchObject({ node_id: "n2", status: "error", output: { code: "run_cancelled" } });

    const rerun = await tenant.altostrat.POST("/workflows/runs/{runId}/rerun", { params: { path: { runId: queued.id }, header: {} } });
    expect(rerun.response.status).toBe(202);
    expect(rerun.data!.new_run).toMatchObject({ status: "pending", rerun_of: queued.id, trigger_payload: { order: "ord_7" } });
  });

  it("refuses a finished run with 409 run_not_cancellable, and an unknown run with 404", async () => {
    const wf = await createAltostratWorkflow(tenant, ECHO);
    const done = await waitForRun(tenant, (await executeAltostrat(tenant, wf.id, {})).id);
    const refused = await fetch(`${server.altostratUrl}/workflows/runs/${done.id}/cancel`, { method: "POST", headers: { Authorization: `Bearer ${tenant.token}` } });
    await expectError("altostrat", refused, { status: 409, code: "run_not_cancellable", type: "conflict_error", op: { path: "/workflows/runs/{runId}/cancel", method: "post" } });
    const missing = await cancel("fl_run_0000000000000000000000zzzz");
    expect(missing.response.status).toBe(404);
  });

  it("cancels a workflow's runs by filter, at most limit per request, and says how many remain", async () => {
    const wf = await createAltostratWorkflow(tenant, SLOW);
    for (let i = 0; i < 3; i++) await delayedRun(wf.id);
    const post = (body: object) => tenant.altostrat.POST("/workflows/{workflowId}/runs/cancel", { params: { path: { workflowId: wf.id } }, body });
    const first = await post({ statuses: ["pending"], limit: 2 });
    expect(first.response.status).toBe(200);
    expect(first.data).toEqual({ matched: 3, cancelled: 2, stopping: 0, remaining: 1 });
    const second = await post({ from: "2000-01-01T00:00:00Z" });
    expect(second.data).toEqual({ matched: 1, cancelled: 1, stopping: 0, remaining: 0 });
    const unknown = await tenant.altostrat.POST("/workflows/{workflowId}/runs/cancel", { params: { path: { workflowId: "fl_wf_0000000000000000000000zzzz" } }, body: {} });
    expect(unknown.response.status).toBe(404);
  });
});
