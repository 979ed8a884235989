import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServerWithTenant, waitFor, type TestServer, type TestTenant } from "../../support/servers.ts";

const definition = {
  nodes: [
    { id: "n1", type: "trigger" as const },
    { id: "n2", type: "transform" as const, config: { expression: "{ 'greeting': 'hello ' & trigger.name }" } },
  ],
  edges: [{ source: "n1", target: "n2" }],
};

describe("smoke", () => {
  let server: TestServer;
  let tenant: TestTenant;
  beforeAll(async () => void ({ server, tenant } = await startServerWithTenant()));
  afterAll(async () => server?.stop());

  it("executes and reruns through Altostrat", async () => {
    const created = await tenant.altostrat.POST("/workflows", { body: { name: "greet", definition } });
    expect(created.error).toBeUndefined();
    const wf = created.data!;
    const exec = await tenant.altostrat.POST("/workflows/{workflowId}/execute", { params: { path: { workflowId: wf.id } }, body: { context: { name: "Ada" } } });
    expect(exec.response.status).toBe(202);
    const runId = exec.data!.id;
    const done = await waitFor(
      async () => (await tenant.altostrat.GET("/workflows/runs/{runId}", { params: { path: { runId } } })).data!,
      (run) => run.status === "completed" || run.status === "failed",
    );
    expect(done.status).toBe("completed");
    const rerun = await tenant.altostrat.POST("/workflows/runs/{runId}/rerun", { params: { path: { runId } } });
    expect(rerun.response.status).toBe(202);
    expect(rerun.data!.new_run.trigger_payload).toEqual({ name: "Ada" });
  });
});
