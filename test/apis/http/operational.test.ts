import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mintDevToken } from "../../../src/auth/index.ts";
import { createAltostratClient } from "../../../src/client/index.ts";
import { openStore, StoreUnavailableError, type Db } from "../../../src/store/index.ts";
import { startTestServer, TEST_JWT_SECRET, type TestServer, type TestTenant } from "../../support/servers.ts";
import { expectError } from "../../support/error-body.ts";
import { createAlloyWorkflow, createAltostratWorkflow, executeAltostrat, waitForExecution, waitForRun } from "../../support/http-runs.ts";
import { ECHO } from "../../support/workflows.ts";

const DAY_MS = 24 * 3600 * 1000;

/** Wraps a store so a test can switch it off: every statement then fails as an unreachable store would. */
function createSwitchableDb(db: Db): Db & { down: boolean } {
  const outage = () => Promise.reject(new StoreUnavailableError("the store was switched off by the test"));
  const switchable = {
    kind: db.kind,
    down: false,
    query: <T,>(text: string, values?: unknown[]) => (switchable.down ? outage() : db.query<T>(text, values)),
    transaction: <T,>(fn: (tx: Db) => Promise<T>) => (switchable.down ? outage() : db.transaction(fn)),
    ...(db.listen ? { listen: db.listen.bind(db) } : {}),
    close: () => db.close(),
  };
  return switchable;
}

describe("operational behaviour", () => {
  // A clock only the test moves: runs are stamped with it, and retention compares against it.
  let nowMs = Date.now();
  const clock = () => new Date(nowMs);
  let store: Db & { down: boolean };
  let server: TestServer;
  let tenant: TestTenant;
  beforeAll(async () => {
    // `/docs` serves dist/docs/<api>/index.html; build it once while the store opens.
    const [db] = await Promise.all([openStore({ memory: true }), promisify(execFile)(process.execPath, ["scripts/docs.mjs"])]);
    store = createSwitchableDb(db);
    server = await startTestServer({}, { clock, db: store });
    tenant = await server.createTenant();
  });
  afterAll(async () => {
    await server?.stop();
    await store?.close();
  });

  /** A token valid at the fake clock's current time (one minted days earlier has expired). */
  const tokenNow = () => mintDevToken({ secret: TEST_JWT_SECRET, accountId: tenant.accountId, expiresInSeconds: 3600, clock: () => nowMs });
  const altostratNow = async () => createAltostratClient({ baseUrl: server.altostratUrl, token: await tokenNow() });

  it("purges runs older than 7 days: both APIs then answer 404 run_not_found, younger runs stay", async () => {
    const wf = await createAltostratWorkflow(tenant, ECHO);
    const alloyWf = await createAlloyWorkflow(server, tenant, ECHO);
    const runBoth = async () => {
      const client = { ...tenant, altostrat: await altostratNow() };
      const run = await waitForRun(client, (await executeAltostrat(client, wf.id, { at: nowMs })).id);
      const started = await tenant.alloy.POST("/run/workflow", { body: { workflowId: alloyWf.id, userId: "u1", data: { at: nowMs } } });
      const execution = await waitForExecution(tenant, started.data!.executionId);
      return { runId: run.id, executionId: execution.executionId };
    };
    const old = await runBoth();
    nowMs += 6 * DAY_MS;
    const young = await runBoth();
    nowMs += 2 * DAY_MS;

    const purged = await server.engine.purgeExpired();
    expect(purged.runs).toBe(2);

    const altostrat = await altostratNow();
    const gone = await fetch(`${server.altostratUrl}/workflows/runs/${old.runId}`, { headers: { Authorization: `Bearer ${await tokenNow()}` } });
    await expectError("altostrat", gone, { status: 404, code: "run_not_found", op: { path: "/workflows/runs/{runId}", method: "get" } });
    const kept = await altostrat.GET("/workflows/runs/{runId}", { params: { path: { runId: young.runId } } });
    expect(kept.response.status).toBe(200);
    const listed = await altostrat.GET("/workflows/{workflowId}/executions", { params: { path: { workflowId: wf.id } } });
    expect(listed.data!.data.map((r) => r.id)).toEqual([young.runId]);
    const logs = await altostrat.GET("/workflows/{workflowId}/logs", { params: { path: { workflowId: wf.id } } });
    expect(new Set(logs.data!.map((l) => l.run_id))).toEqual(new Set([young.runId]));

    const goneExecution = await fetch(`${server.alloyUrl}/logs/${old.executionId}`, { headers: { Authorization: `bearer ${tenant.apiKey}`, "x-api-version": "2025-09" } });
    await expectError("alloy", goneExecution, { status: 404, code: "run_not_found", op: { path: "/logs/{executionId}", method: "get" } });
    const rerunGone = await fetch(`${server.alloyUrl}/workflows/${alloyWf.id}/rerun/${old.executionId}`, {
      method: "POST",
      headers: { Authorization: `bearer ${tenant.apiKey}`, "x-api-version": "2025-09" },
    });
    await expectError("alloy", rerunGone, { status: 404, code: "run_not_found" });
    const alloyLogs = await tenant.alloy.GET("/workflows/{workflowId}/logs", { params: { path: { workflowId: alloyWf.id } } });
    expect(alloyLogs.data!.data.map((e) => e.executionId)).toEqual([young.executionId]);
    expect(alloyLogs.data!.total).toBe(1);
  });

  it("answers 503 store_unavailable with Retry-After in each API's error shape while the store is down", async () => {
    // The purge test moved the clock: use a token minted at the current fake time.
    const wf = await createAltostratWorkflow({ ...tenant, altostrat: await altostratNow() }, ECHO);
    const alloyWf = await createAlloyWorkflow(server, tenant, ECHO);
    const alloyHeaders = { Authorization: `bearer ${tenant.apiKey}`, "x-api-version": "2025-09" };
    // A key the server has resolved once is cached, so Alloy requests get past authentication.
    expect((await fetch(`${server.alloyUrl}/workflows/${alloyWf.id}/logs`, { headers: alloyHeaders })).status).toBe(200);
    const altostratHeaders = { Authorization: `Bearer ${await tokenNow()}`, "content-type": "application/json" };
    store.down = true;
    try {
      const cases = [
        { api: "altostrat" as const, url: `${server.altostratUrl}/workflows/${wf.id}`, init: { headers: altostratHeaders }, op: { path: "/workflows/{workflowId}", method: "get" } },
        {
          api: "altostrat" as const,
          url: `${server.altostratUrl}/workflows/${wf.id}/execute`,
          init: { method: "POST", headers: altostratHeaders, body: "{}" },
          op: { path: "/workflows/{workflowId}/execute", method: "post" },
        },
        { api: "alloy" as const, url: `${server.alloyUrl}/workflows/${alloyWf.id}/logs`, init: { headers: alloyHeaders }, op: { path: "/workflows/{workflowId}/logs", method: "get" } },
        // A key this process has not resolved yet needs the store to be told apart from an unknown one.
        {
          api: "alloy" as const,
          url: `${server.alloyUrl}/workflows/${alloyWf.id}/logs`,
          init: { headers: { ...alloyHeaders, Authorization: `bearer alloy_${"x".repeat(40)}` } },
          op: { path: "/workflows/{workflowId}/logs", method: "get" },
        },
      ];
      for (const { api, url, init, op } of cases) {
        const answer = await expectError(api, await fetch(url, init), { status: 503, code: "store_unavailable", op, ...(api === "altostrat" ? { type: "api_error" } : {}) });
        expect(answer.headers.get("retry-after"), url).toMatch(/^[1-9]\d*$/);
      }
      const ready = await fetch(`${server.altostratUrl}/readyz`);
      expect([ready.status, await ready.json()]).toEqual([503, { status: "unavailable" }]);
    } finally {
      store.down = false;
    }
    expect((await fetch(`${server.alloyUrl}/readyz`)).status).toBe(200);
  });

  it("serves each API's reference as HTML at /docs, without credentials", async () => {
    const cases = [
      { url: `${server.altostratUrl}/docs`, title: "Altostrat Workflows API" },
      { url: `${server.altostratUrl}/docs/`, title: "Altostrat Workflows API" },
      { url: `${server.alloyUrl}/docs`, title: "Embedded 2025-09" },
    ];
    for (const { url, title } of cases) {
      const response = await fetch(url);
      expect(response.status, url).toBe(200);
      expect(response.headers.get("content-type")).toMatch(/^text\/html/);
      expect(await response.text()).toContain(`<title>${title}</title>`);
    }
  });

  it("answers /healthz and /readyz on both listeners", async () => {
    for (const base of [server.altostratUrl, server.alloyUrl]) {
      expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ status: "ok" });
      expect(await (await fetch(`${base}/readyz`)).json()).toEqual({ status: "ready" });
    }
  });
});
