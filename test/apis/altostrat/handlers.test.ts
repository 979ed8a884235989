// Altostrat answers that RFC 9110 and the contract's text pin: an Idempotency-Key belongs to the
// caller across operations, a resumed run's inherited logs say where they were copied from, and
// every error carries its doc_url.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, waitFor, type TestServer, type TestTenant } from "../../support/servers.ts";

const DEFINITION = {
  nodes: [
    { id: "n1", type: "trigger" as const },
    { id: "n2", type: "transform" as const, config: { expression: "{ 'echo': trigger }" } },
  ],
  edges: [{ source: "n1", target: "n2" }],
};

describe("Altostrat over HTTP: keys, copies and error links", () => {
  let server: TestServer;
  let tenant: TestTenant;
  let workflowId: string;
  let sourceRunId: string;
  beforeAll(async () => {
    server = await startTestServer();
    tenant = await server.createTenant();
    workflowId = (await tenant.altostrat.POST("/workflows", { body: { name: "h", definition: DEFINITION } })).data!.id;
    sourceRunId = (await execute({ order: 1 })).data!.id;
    await finished(sourceRunId);
  }, 120_000);
  afterAll(async () => server?.stop());

  const execute = (context: Record<string, unknown>, key?: string) =>
    tenant.altostrat.POST("/workflows/{workflowId}/execute", { params: { path: { workflowId }, header: key ? { "Idempotency-Key": key } : {} }, body: { context } });
  const finished = (runId: string) =>
    waitFor(
      () => tenant.altostrat.GET("/workflows/runs/{runId}", { params: { path: { runId } } }),
      (r) => r.data?.status === "completed" || r.data?.status === "failed",
    );
  const runCount = async () => (await tenant.altostrat.GET("/workflows/{workflowId}/executions", { params: { path: { workflowId } } })).data!.meta.total;

  it("a key used for a rerun cannot start an execution: 422, and no run is made", async () => {
    const key = `key-${crypto.randomUUID()}`;
    const rerun = await tenant.altostrat.POST("/workflows/runs/{runId}/rerun", { params: { path: { runId: sourceRunId }, header: { "Idempotency-Key": key } } });
    expect(rerun.response.status).toBe(202);
    const before = await runCount();
    const reused = await execute({ order: 1 }, key);
    expect(reused.response.status).toBe(422);
    expect(reused.error).toMatchObject({ code: "idempotency_key_mismatch" });
    expect(await runCount()).toBe(before);
    // The key still stands for the rerun it was first used for.
    const again = await tenant.altostrat.POST("/workflows/runs/{runId}/rerun", { params: { path: { runId: sourceRunId }, header: { "Idempotency-Key": key } } });
    expect(again.data?.new_run.id).toBe(rerun.data?.new_run.id);
  });

  it("a key used for an execution cannot resume a run: 422", async () => {
    const key = `key-${crypto.randomUUID()}`;
    expect((await execute({ order: 2 }, key)).response.status).toBe(202);
    const resumed = await tenant.altostrat.POST("/workflows/runs/{runId}/resume-from/{nodeId}", {
      params: { path: { runId: sourceRunId, nodeId: "n2" }, header: { "Idempotency-Key": key } },
    });
    expect(resumed.response.status).toBe(422);
    expect(resumed.error).toMatchObject({ code: "idempotency_key_mismatch" });
  });

  it("keys of two accounts never meet", async () => {
    const key = `key-${crypto.randomUUID()}`;
    expect((await execute({ order: 3 }, key)).response.status).toBe(202);
    const other = await server.createTenant();
    const wf = await other.altostrat.POST("/workflows", { body: { name: "h", definition: DEFINITION } });
    const theirs = await other.altostrat.POST("/workflows/{workflowId}/execute", { params: { path: { workflowId: wf.data!.id }, header: { "Idempotency-Key": key } }, body: { context: {} } });
    expect(theirs.response.status).toBe(202);
  });

  it("a resumed run's inherited logs name the run they were copied from; the logs it wrote do not", async () => {
    const resumed = await tenant.altostrat.POST("/workflows/runs/{runId}/resume-from/{nodeId}", { params: { path: { runId: sourceRunId, nodeId: "n2" } } });
    const run = await finished(resumed.data!.new_run.id);
    expect(run.data?.logs?.map((l) => [l.node_id, l.copied_from_run_id ?? null])).toEqual([
      ["n1", sourceRunId],
      ["n2", null],
    ]);
    const listed = await tenant.altostrat.GET("/workflows/{workflowId}/logs", { params: { path: { workflowId }, query: { run_id: run.data!.id } } });
    expect(listed.data?.map((l) => [l.node_id, l.copied_from_run_id ?? null]).sort()).toEqual([
      ["n1", sourceRunId],
      ["n2", null],
    ]);
    const source = await finished(sourceRunId);
    expect(source.data?.logs?.every((l) => l.copied_from_run_id === undefined)).toBe(true);
  });

  it("every error carries its doc_url, now a required field", async () => {
    const res = await fetch(`${server.altostratUrl}/workflows/runs/fl_run_0000000000000000000000zzzz`, { headers: { Authorization: `Bearer ${tenant.token}` } });
    expect(await res.json()).toMatchObject({ code: "run_not_found", doc_url: "https://docs.altostrat.io/errors/run_not_found" });
  });
});
