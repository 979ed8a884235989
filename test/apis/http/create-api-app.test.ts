// RFC 9110: a 401 carries WWW-Authenticate (§11.6.1, with RFC 6750's Bearer challenge) and a 405
// carries Allow (§10.2.1), on both listeners.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServerWithTenant, type TestServer, type TestTenant } from "../../support/servers.ts";

describe("status headers over HTTP", () => {
  let server: TestServer;
  let tenant: TestTenant;
  beforeAll(async () => void ({ server, tenant } = await startServerWithTenant()));
  afterAll(async () => server?.stop());

  const altostrat = (path: string, init: RequestInit = {}) => fetch(`${server.altostratUrl}${path}`, init);
  const alloy = (path: string, headers: Record<string, string>) => fetch(`${server.alloyUrl}${path}`, { headers: { "x-api-version": "2025-09", ...headers } });
  const RUN = "/workflows/runs/fl_run_0000000000000000000000zzzz";

  it("a 401 without credentials names the realm and no error", async () => {
    const res = await altostrat(RUN);
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe('Bearer realm="altostrat"');
    const alloyRes = await alloy("/logs/00000000-0000ffff", {});
    expect(alloyRes.status).toBe(401);
    expect(alloyRes.headers.get("www-authenticate")).toBe('Bearer realm="alloy"');
  });

  it("a 401 for a refused token says invalid_token", async () => {
    const res = await altostrat(RUN, { headers: { Authorization: "Bearer not.a.jwt" } });
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe('Bearer realm="altostrat", error="invalid_token"');
    const alloyRes = await alloy("/logs/00000000-0000ffff", { Authorization: "bearer not-a-key" });
    expect(alloyRes.status).toBe(401);
    expect(alloyRes.headers.get("www-authenticate")).toBe('Bearer realm="alloy", error="invalid_token"');
  });

  it("a 401 for a credential of another scheme names the realm only", async () => {
    const res = await altostrat(RUN, { headers: { Authorization: "Basic dXNlcjpwYXNz" } });
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe('Bearer realm="altostrat"');
  });

  it("answers other statuses without WWW-Authenticate", async () => {
    const res = await altostrat(RUN, { headers: { Authorization: `Bearer ${tenant.token}` } });
    expect(res.status).toBe(404);
    expect(res.headers.get("www-authenticate")).toBeNull();
  });

  it.each([
    ["GET", "/workflows/validate", "POST"],
    ["DELETE", "/workflows/fl_wf_0000000000000000000000zzzz", "GET"],
    ["GET", "/workflows/fl_wf_0000000000000000000000zzzz/execute", "POST"],
    ["PUT", "/workflows", "POST"],
  ])("%s %s is 405 with Allow: %s", async (method, path, allow) => {
    const res = await altostrat(path, { method, headers: { Authorization: `Bearer ${tenant.token}` } });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe(allow);
    expect(await res.json()).toMatchObject({ code: "method_not_allowed" });
  });

  it("an Alloy 405 carries Allow too", async () => {
    const res = await fetch(`${server.alloyUrl}/run/event`, { headers: { Authorization: `bearer ${tenant.apiKey}`, "x-api-version": "2025-09" } });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("POST");
  });

  it("POST /workflows/validate reaches its operation, not /workflows/{workflowId}", async () => {
    const definition = { nodes: [{ id: "n1", type: "trigger" }], edges: [] };
    const res = await altostrat("/workflows/validate", {
      method: "POST",
      headers: { Authorization: `Bearer ${tenant.token}`, "content-type": "application/json" },
      body: JSON.stringify({ definition }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ valid: true, errors: [] });
  });
});
