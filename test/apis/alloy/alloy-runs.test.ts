import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServerWithTenant, type TestServer, type TestTenant } from "../../support/servers.ts";
import { expectError } from "../../support/error-body.ts";
import { createAlloyWorkflow, waitForExecution, waitForStarted } from "../../support/http-runs.ts";
import { ECHO, FAILING, SLOW } from "../../support/workflows.ts";

// Tests use their own workflows, so they run concurrently and their polling overlaps.
describe.concurrent("Alloy executions over HTTP", () => {
  let server: TestServer;
  let tenant: TestTenant;
  beforeAll(async () => void ({ server, tenant } = await startServerWithTenant()));
  afterAll(async () => server?.stop());

  const run = async (workflowId: string, data: Record<string, unknown> = {}, userId = "user-1") => {
    const { data: started, response } = await tenant.alloy.POST("/run/workflow", { body: { workflowId, userId, data } });
    expect(response.status).toBe(200);
    expect(started!.message).toBe("success");
    return started!.executionId;
  };
  const rerun = (workflowId: string, executionId: string) =>
    tenant.alloy.POST("/workflows/{workflowId}/rerun/{executionId}", { params: { path: { workflowId, executionId } } });

  describe("rerun", () => {
    it("reruns a completed execution: same input, executionMode retry, rerunOf the source", async () => {
      const wf = await createAlloyWorkflow(server, tenant, ECHO);
      const source = await waitForExecution(tenant, await run(wf.id, { orderId: "ord_1" }));
      expect(source).toMatchObject({ status: "completed", executionMode: "trigger", rerunOf: null, userId: "user-1", workflowId: wf.id });
      expect(source.results.map((r) => r.connectorId)).toEqual(["trigger", "transform"]);
      expect(source.inputs).toEqual([{ connectorId: "trigger", data: { orderId: "ord_1" } }]);

      const { data, response } = await rerun(wf.id, source.executionId);
      expect(response.status).toBe(200);
      expect(data!.message).toBe("success");
      expect(data!.executionId).not.toBe(source.executionId);
      const again = await waitForExecution(tenant, data!.executionId);
      expect(again).toMatchObject({ status: "completed", executionMode: "retry", rerunOf: source.executionId, userId: "user-1", inputs: source.inputs });
      expect(again.results.map((r) => r.data)).toEqual(source.results.map((r) => r.data));
    });

    it("reruns a failed execution and a rerun, always pointing at the execution it reruns", async () => {
      const wf = await createAlloyWorkflow(server, tenant, FAILING);
      const source = await waitForExecution(tenant, await run(wf.id, { value: "o-3" }));
      expect(source.status).toBe("failed");
      expect(source.results.at(-1)?.data).toMatchObject({ error: "value o-3 rejected" });

      const first = await waitForExecution(tenant, (await rerun(wf.id, source.executionId)).data!.executionId);
      expect(first).toMatchObject({ status: "failed", executionMode: "retry", rerunOf: source.executionId, inputs: source.inputs });
      const second = await waitForExecution(tenant, (await rerun(wf.id, first.executionId)).data!.executionId);
      expect(second).toMatchObject({ status: "failed", executionMode: "retry", rerunOf: first.executionId, inputs: source.inputs });
    });

    it("refuses to rerun an execution that has not finished with 409", async () => {
      const wf = await createAlloyWorkflow(server, tenant, SLOW);
      const executionId = await run(wf.id);
      await waitForStarted(server, tenant.accountId, executionId);
      const response = await fetch(`${server.alloyUrl}/workflows/${wf.id}/rerun/${executionId}`, {
        method: "POST",
        headers: { Authorization: `bearer ${tenant.apiKey}`, "x-api-version": "2025-09" },
      });
      await expectError("alloy", response, { status: 409, code: "run_not_rerunnable", op: { path: "/workflows/{workflowId}/rerun/{executionId}", method: "post" } });
      const execution = (await tenant.alloy.GET("/logs/{executionId}", { params: { path: { executionId } } })).data!;
      expect(execution).toMatchObject({ finished: false, stoppedAt: null });
      expect(["pending", "running"]).toContain(execution.status);
    });

    it("answers 404 when the execution belongs to another workflow", async () => {
      const a = await createAlloyWorkflow(server, tenant, ECHO);
      const b = await createAlloyWorkflow(server, tenant, ECHO);
      const executionId = await run(a.id);
      await waitForExecution(tenant, executionId);
      const response = await fetch(`${server.alloyUrl}/workflows/${b.id}/rerun/${executionId}`, {
        method: "POST",
        headers: { Authorization: `bearer ${tenant.apiKey}`, "x-api-version": "2025-09" },
      });
      await expectError("alloy", response, { status: 404, code: "run_not_found" });
    });
  });

  describe("workflow logs", () => {
    let workflowId: string;
    let ids: string[];
    beforeAll(async () => {
      const wf = await createAlloyWorkflow(server, tenant, ECHO);
      workflowId = wf.id;
      ids = [];
      for (let i = 0; i < 12; i++) ids.push(await run(wf.id, { i }, i === 5 ? "user-2" : "user-1"));
      await waitForExecution(tenant, ids.at(-1)!);
    });
    const list = async (query: { userId?: string; page?: number; limit?: number; order?: "asc" | "desc" }) => {
      const { data, response } = await tenant.alloy.GET("/workflows/{workflowId}/logs", { params: { path: { workflowId }, query } });
      expect(response.status).toBe(200);
      return data!;
    };

    it("pages executions: default limit 10 newest first, order asc, page 2, userId filter", async () => {
      const newestFirst = [...ids].reverse();
      const cases = [
        { name: "defaults", query: {}, want: { ids: newestFirst.slice(0, 10), page: 1, limit: 10, total: 12 } },
        { name: "page 2", query: { page: 2 }, want: { ids: newestFirst.slice(10), page: 2, limit: 10, total: 12 } },
        { name: "asc", query: { order: "asc" as const, limit: 3 }, want: { ids: ids.slice(0, 3), page: 1, limit: 3, total: 12 } },
        { name: "desc", query: { order: "desc" as const, limit: 30 }, want: { ids: newestFirst, page: 1, limit: 30, total: 12 } },
        { name: "userId", query: { userId: "user-2" }, want: { ids: [ids[5]!], page: 1, limit: 10, total: 1 } },
        { name: "unknown user", query: { userId: "nobody" }, want: { ids: [], page: 1, limit: 10, total: 0 } },
      ];
      for (const { name, query, want } of cases) {
        const page = await list(query);
        expect(page.data.map((e) => e.executionId), name).toEqual(want.ids);
        expect({ page: page.page, limit: page.limit, total: page.total }, name).toEqual({ page: want.page, limit: want.limit, total: want.total });
      }
    });

    it("lists each execution's step results in the order the steps ran", async () => {
      const page = await list({ order: "asc", limit: 1 });
      const entry = page.data[0]!;
      expect(entry).toMatchObject({ executionId: ids[0], finished: true, status: "completed", inputs: [{ connectorId: "trigger", data: { i: 0 } }] });
      expect(entry.results.map((r) => [r.connectorId, r.data])).toEqual([
        ["trigger", { i: 0 }],
        ["transform", { echo: { i: 0 } }],
      ]);
    });

    it("refuses a limit above 30 and other bad paging with 400", async () => {
      const op = { path: "/workflows/{workflowId}/logs", method: "get" };
      const headers = { Authorization: `bearer ${tenant.apiKey}`, "x-api-version": "2025-09" };
      for (const query of ["limit=31", "limit=0", "page=0", "order=up", "limit=ten"]) {
        const response = await fetch(`${server.alloyUrl}/workflows/${workflowId}/logs?${query}`, { headers });
        const { body } = await expectError("alloy", response, { status: 400, code: "validation_failed", op });
        expect((body.details as { path: string }[])[0]!.path, query).toBe(`/query/${query.split("=")[0]}`);
      }
    });
  });
});
