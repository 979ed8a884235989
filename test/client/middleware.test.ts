// The client's middleware against a real server on port 0: a 401 makes authRefreshMiddleware fetch a
// fresh token and send the request (body included) once more; the request id reaches the server,
// which echoes it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authRefreshMiddleware, createAlloyClient, createAltostratClient, requestIdMiddleware } from "../../src/client/index.ts";
import { ECHO } from "../support/workflows.ts";
import { startTestServer, type TestServer, type TestTenant } from "../support/servers.ts";

describe("client middleware against the server", () => {
  let server: TestServer;
  let tenant: TestTenant;

  beforeAll(async () => {
    server = await startTestServer({}, { workers: false });
    tenant = await server.createTenant();
  });
  afterAll(async () => server?.stop());

  /** A token source that starts with a stale token and hands out `fresh` (in turn) on each refresh. */
  function tokenSource(fresh: string[]) {
    const calls: boolean[] = [];
    let current = "stale-token";
    return {
      calls,
      getToken: async ({ refresh }: { refresh: boolean }) => {
        calls.push(refresh);
        if (refresh) current = fresh.shift() ?? current;
        return current;
      },
    };
  }

  it("refreshes the token after a 401 and resends the request with its body, once", async () => {
    const tokens = tokenSource([tenant.token]);
    const client = createAltostratClient({ baseUrl: server.altostratUrl });
    client.use(authRefreshMiddleware({ getToken: tokens.getToken }));

    const { data, response } = await client.POST("/workflows", { body: { name: "made after a refresh", definition: ECHO } });
    expect(response.status).toBe(201);
    expect(data?.name).toBe("made after a refresh");
    expect(tokens.calls).toEqual([false, true]);

    // The cached token now works: no refresh.
    const { response: read } = await client.GET("/workflows/{workflowId}", { params: { path: { workflowId: data!.id } } });
    expect(read.status).toBe(200);
    expect(tokens.calls).toEqual([false, true, false]);
  });

  it("returns a second 401 to the caller instead of refreshing again", async () => {
    const tokens = tokenSource(["still-not-a-token"]);
    const client = createAltostratClient({ baseUrl: server.altostratUrl });
    client.use(authRefreshMiddleware({ getToken: tokens.getToken }));

    const { error, response } = await client.GET("/workflows/runs/{runId}", { params: { path: { runId: "fl_run_01h3j4k5l6m7n8p9q0r1s2t3u4" } } });
    expect(response.status).toBe(401);
    expect(error?.code).toBe("unauthorized");
    expect(tokens.calls).toEqual([false, true]);
  });

  it("shares one refresh between requests that fail at the same time", async () => {
    let refreshes = 0;
    const client = createAltostratClient({ baseUrl: server.altostratUrl });
    client.use(
      authRefreshMiddleware({
        getToken: async ({ refresh }) => {
          if (!refresh) return "stale-token";
          refreshes++;
          await new Promise((resolve) => setTimeout(resolve, 20));
          return tenant.token;
        },
      }),
    );
    const runId = "fl_run_01h3j4k5l6m7n8p9q0r1s2t3u4";
    const answers = await Promise.all([1, 2, 3].map(() => client.GET("/workflows/runs/{runId}", { params: { path: { runId } } })));
    expect(answers.map((a) => a.response.status)).toEqual([404, 404, 404]);
    expect(refreshes).toBe(1);
  });

  it("uses the Alloy scheme for API keys", async () => {
    const client = createAlloyClient({ baseUrl: server.alloyUrl, apiKey: "not-a-key" });
    const calls: boolean[] = [];
    client.use(authRefreshMiddleware({ scheme: "bearer", getToken: ({ refresh }) => (calls.push(refresh), refresh ? tenant.apiKey : "not-a-key") }));
    const { error, response } = await client.GET("/logs/{executionId}", { params: { path: { executionId: "00000000-00000000" } } });
    expect(response.status).toBe(404);
    expect(error?.code).toBe("run_not_found");
    expect(calls).toEqual([false, true]);
  });

  it("sends a request id the server echoes, keeps one the caller set, and keeps it across a refresh", async () => {
    const ids = ["req_client_1", "req_client_2"];
    const client = createAltostratClient({ baseUrl: server.altostratUrl });
    client.use(authRefreshMiddleware({ getToken: tokenSource([tenant.token]).getToken }), requestIdMiddleware({ generate: () => ids.shift()! }));

    const first = await client.GET("/workflows/runs/{runId}", { params: { path: { runId: "fl_run_01h3j4k5l6m7n8p9q0r1s2t3u4" } } });
    expect(first.response.status).toBe(404);
    expect(first.response.headers.get("x-request-id")).toBe("req_client_1");
    expect(first.error?.request_id).toBe("req_client_1");

    const own = await client.GET("/workflows/runs/{runId}", { params: { path: { runId: "fl_run_01h3j4k5l6m7n8p9q0r1s2t3u4" } }, headers: { "X-Request-Id": "req_mine" } });
    expect(own.response.headers.get("x-request-id")).toBe("req_mine");

    const generated = createAltostratClient({ baseUrl: server.altostratUrl, token: tenant.token });
    generated.use(requestIdMiddleware());
    const third = await generated.GET("/workflows/runs/{runId}", { params: { path: { runId: "fl_run_01h3j4k5l6m7n8p9q0r1s2t3u4" } } });
    expect(third.response.headers.get("x-request-id")).toMatch(/^req_[0-9a-f]{26}$/);
  });
});
