import net from "node:net";
import os from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAlloyClient, createAltostratClient } from "../../../src/client/index.ts";
import { startTestServer, type TestServer } from "../../support/servers.ts";
import { QUICK_DEFINITION } from "../../contract/support/scenarios/definitions.ts";

/** POSTs JSON (or a raw string) to the admin listener with the given Authorization header. */
async function post(url: string, authorization: string | undefined, body: unknown = {}): Promise<{ status: number; body: any; headers: Headers }> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...(authorization ? { authorization } : {}) },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
}

/** Whether a TCP connection to host:port is accepted. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
  });
}

describe("the admin listener", () => {
  let server: TestServer;
  let admin: { url: string; token: string };
  let bearer: string;
  beforeAll(async () => {
    server = await startTestServer({ ADMIN_LISTENER: "true", BODY_LIMIT: "4kb" });
    admin = server.admin!;
    bearer = `Bearer ${admin.token}`;
  }, 60_000);
  afterAll(() => server?.stop());

  it("is off unless asked for outside development", async () => {
    const plain = await startTestServer();
    try {
      expect(plain.admin).toBeUndefined();
    } finally {
      await plain.stop();
    }
  });

  it("refuses a request without the token, with another token of the same length, and with a shorter one", async () => {
    const url = `${admin.url}/admin/accounts`;
    const wrong = `Bearer ${admin.token.slice(0, -1)}${admin.token.endsWith("A") ? "B" : "A"}`;
    for (const authorization of [undefined, wrong, "Bearer x", `Basic ${admin.token}`]) {
      const answer = await post(url, authorization, { id: "acct_never" });
      expect([answer.status, answer.body.code]).toEqual([401, "unauthorized"]);
      expect(answer.headers.get("www-authenticate")).toMatch(/^Bearer/);
    }
    expect(await server.engine.getAccount("acct_never")).toBeNull();
  });

  it("refuses a body over BODY_LIMIT with 413, and a malformed one with 400", async () => {
    const big = await post(`${admin.url}/admin/accounts`, bearer, { id: "acct_big", name: "n".repeat(5000) });
    expect([big.status, big.body.code]).toEqual([413, "payload_too_large"]);
    const invalid = await post(`${admin.url}/admin/accounts/acct_x/workflows`, bearer, { api: "alloy", definition: {} });
    expect([invalid.status, invalid.body.code]).toEqual([400, "validation_failed"]);
  });

  it("binds 127.0.0.1 only, and no tenant listener serves its routes", async () => {
    const port = Number(new URL(admin.url).port);
    expect(new URL(admin.url).hostname).toBe("127.0.0.1");
    const external = Object.values(os.networkInterfaces()).flat().find((i) => i && i.family === "IPv4" && !i.internal);
    if (external) expect(await accepts(external.address, port)).toBe(false);
    expect(await accepts("127.0.0.1", port)).toBe(true);
    for (const tenant of [server.altostratUrl, server.alloyUrl]) {
      const answer = await post(`${tenant}/admin/accounts`, bearer, { id: "acct_via_tenant" });
      expect(answer.status).toBe(404);
    }
    expect(await server.engine.getAccount("acct_via_tenant")).toBeNull();
  });

  it("creates an account once, a key and a token that the APIs accept, and a workflow then its next version", async () => {
    const first = await post(`${admin.url}/admin/accounts`, bearer, { id: "acct_fixture", name: "Fixture" });
    const again = await post(`${admin.url}/admin/accounts`, bearer, { id: "acct_fixture" });
    expect([first.status, first.body, again.status, again.body.created]).toEqual([201, { id: "acct_fixture", name: "Fixture", created: true }, 200, false]);

    const key = await post(`${admin.url}/admin/accounts/acct_fixture/api-keys`, bearer, { name: "ci" });
    expect(key.status).toBe(201);
    const token = await post(`${admin.url}/admin/accounts/acct_fixture/tokens`, bearer, { ttlSeconds: 600 });
    expect([token.status, token.body.expiresInSeconds]).toEqual([201, 600]);

    const body = { name: "fixture quick", api: "alloy", definition: QUICK_DEFINITION };
    const created = await post(`${admin.url}/admin/accounts/acct_fixture/workflows`, bearer, body);
    const updated = await post(`${admin.url}/admin/accounts/acct_fixture/workflows`, bearer, body);
    expect([created.status, created.body.version, updated.status, updated.body]).toEqual([201, 1, 200, { id: created.body.id, version: 2, created: false }]);
    const refused = await post(`${admin.url}/admin/accounts/acct_fixture/workflows`, bearer, { ...body, definition: { nodes: [] } });
    expect([refused.status, refused.body.code]).toEqual([422, "invalid_workflow_definition"]);

    const alloy = createAlloyClient({ baseUrl: server.alloyUrl, apiKey: key.body.key });
    const logs = await alloy.GET("/workflows/{workflowId}/logs", { params: { path: { workflowId: created.body.id } } });
    expect(logs.response.status).toBe(200);
    const altostrat = createAltostratClient({ baseUrl: server.altostratUrl, token: token.body.token });
    const validated = await altostrat.POST("/workflows/validate", { body: { definition: QUICK_DEFINITION } });
    expect(validated.response.status).toBe(200);
  });
});
