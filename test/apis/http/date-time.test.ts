// A date-time query value may carry its `:` unencoded (RFC 3986 §3.4 allows it in a query; curl and
// Postman send it so, and it is the contract's own example); the strict reading still applies.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, waitFor, type TestServer, type TestTenant } from "../../support/servers.ts";

describe("date-time query parameters over HTTP", () => {
  let server: TestServer;
  let tenant: TestTenant;
  let logsUrl: string;
  beforeAll(async () => {
    server = await startTestServer();
    tenant = await server.createTenant();
    const definition = { nodes: [{ id: "n1", type: "trigger" as const }], edges: [] };
    const wf = await tenant.altostrat.POST("/workflows", { body: { name: "dates", definition } });
    const run = await tenant.altostrat.POST("/workflows/{workflowId}/execute", { params: { path: { workflowId: wf.data!.id } }, body: { context: {} } });
    await waitFor(
      () => tenant.altostrat.GET("/workflows/runs/{runId}", { params: { path: { runId: run.data!.id } } }),
      (r) => r.data?.status === "completed",
    );
    logsUrl = `${server.altostratUrl}/workflows/${wf.data!.id}/logs`;
  }, 120_000);
  afterAll(async () => server?.stop());

  const get = (query: string) => fetch(`${logsUrl}?${query}`, { headers: { Authorization: `Bearer ${tenant.token}` } });

  it.each([
    ["an unencoded ':'", "from=2000-01-01T00:00:00Z&to=9999-12-31T23:59:59Z"],
    ["a percent-encoded ':'", "from=2000-01-01T00%3A00%3A00Z&to=9999-12-31T23%3A59%3A59Z"],
    ["an offset with '-' and unencoded ':'", "from=2000-01-01T00:00:00-05:00"],
  ])("accepts %s and filters by the instant it names", async (_name, query) => {
    const res = await get(query);
    expect(res.status).toBe(200);
    expect(await res.json()).toHaveLength(1);
  });

  it("filters out entries before an unencoded 'from' in the future", async () => {
    const res = await get("from=9999-01-01T00:00:00Z");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual([]);
  });

  it("still refuses a date-time that names no instant, with its ':' unencoded", async () => {
    const res = await get("from=2025-02-30T00:00:00Z");
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: "validation_failed", errors: [{ path: "/query/from" }] });
  });

  it("reads a raw '+' as a space, as form encoding does: the offset must be sent as %2B", async () => {
    expect((await get("from=2000-01-01T00:00:00+01:00")).status).toBe(400);
    expect((await get("from=2000-01-01T00:00:00%2B01:00")).status).toBe(200);
  });
});
