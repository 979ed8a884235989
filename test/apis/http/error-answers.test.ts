import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mintDevToken } from "../../../src/auth/index.ts";
import { startTestServer, TEST_JWT_SECRET, type TestServer, type TestTenant } from "../../support/servers.ts";
import { expectError, type ApiName } from "../../support/error-body.ts";
import { BODY_LIMIT_BYTES, listAlloyErrorCases, listAltostratErrorCases, type Case } from "./support/error-cases.ts";
import { createAlloyWorkflow, createAltostratWorkflow, executeAltostrat, waitForExecution, waitForRun } from "../../support/http-runs.ts";
import { ECHO } from "../../support/workflows.ts";

/** A request tenant B makes: once with tenant A's real id, once with an id nobody has. */
interface Probe {
  name: string;
  method: string;
  /** Path with tenant A's ids. */
  owned: string;
  /** The same path with ids of the same shape that name nothing. */
  missing: string;
  body?: unknown;
  code: string;
}

describe("error answers", () => {
  let server: TestServer;
  let tenant: TestTenant;
  let ids: { wf: string; run: string; alloyWf: string; execution: string };
  beforeAll(async () => {
    server = await startTestServer({ BODY_LIMIT: `${BODY_LIMIT_BYTES}b` });
    tenant = await server.createTenant();
    const wf = await createAltostratWorkflow(tenant, ECHO);
    const run = await waitForRun(tenant, (await executeAltostrat(tenant, wf.id)).id);
    const alloyWf = await createAlloyWorkflow(server, tenant, ECHO);
    const started = await tenant.alloy.POST("/run/workflow", { body: { workflowId: alloyWf.id, userId: "u1", data: {} } });
    const execution = await waitForExecution(tenant, started.data!.executionId);
    ids = { wf: wf.id, run: run.id, alloyWf: alloyWf.id, execution: execution.executionId };
  });
  afterAll(async () => server?.stop());

  /** Replaces `:wf`, `:run`, `:alloyWf`, `:execution` with the ids made in beforeAll. */
  const fill = (path: string) => path.replace(/:(wf|run|alloyWf|execution)\b/g, (_, name: keyof typeof ids) => ids[name]);

  async function send(api: ApiName, c: Case): Promise<Response> {
    const base = api === "altostrat" ? server.altostratUrl : server.alloyUrl;
    const body = c.body === undefined ? undefined : typeof c.body === "string" ? c.body : JSON.stringify(c.body);
    return fetch(`${base}${fill(c.path)}`, { method: c.method, headers: c.headers ?? {}, ...(body === undefined ? {} : { body }) });
  }

  /** Sends every case and lists the ones answered differently (all at once, not only the first). */
  async function collectFailures(api: ApiName, cases: Case[]): Promise<string[]> {
    const failures: string[] = [];
    for (const c of cases) {
      try {
        await expectError(api, await send(api, c), c.want);
      } catch (error) {
        failures.push(`${c.name}: ${(error as Error).message.split("\n")[0]}`);
      }
    }
    return failures;
  }

  describe("Altostrat", () => {
    const auth = () => ({ Authorization: `Bearer ${tenant.token}` });
    const rerunOp = { path: "/workflows/runs/{runId}/rerun", method: "post" };
    const cases = () => listAltostratErrorCases({ token: tenant.token, apiKey: tenant.apiKey, ids });

    it("answers every refused request in the ErrorResponse shape, with a documented status", async () => {
      expect(await collectFailures("altostrat", cases())).toEqual([]);
    });

    it("lists every problem of an invalid definition as a JSON pointer into the body", async () => {
      const c = cases().find((x) => x.want.code === "invalid_workflow_definition")!;
      const { body } = await expectError("altostrat", await send("altostrat", c), c.want);
      const errors = body.errors as { path: string; message: string }[];
      expect(errors.map((e) => e.path).sort()).toEqual(["/body/definition/edges/0/target", "/body/definition/nodes/1/config/expression"]);
    });

    it("refuses an expired token and one signed with another secret with 401", async () => {
      const now = Date.now();
      const expired = await mintDevToken({ secret: TEST_JWT_SECRET, accountId: tenant.accountId, expiresInSeconds: 60, clock: () => now - 3_600_000 });
      const forged = await mintDevToken({ secret: "another-secret-another-secret-another-secret", accountId: tenant.accountId, expiresInSeconds: 60 });
      for (const [name, token] of [["expired", expired], ["forged", forged]] as const) {
        const response = await fetch(`${server.altostratUrl}/workflows/${ids.wf}`, { headers: { Authorization: `Bearer ${token}` } });
        const { body } = await expectError("altostrat", response, { status: 401, code: "unauthorized", type: "authentication_error" });
        if (name === "expired") expect(body.message).toMatch(/expired/);
      }
    });

    it("answers 404 for an Alloy execution id on the rerun seed (unpatterned runId), creating nothing", async () => {
      const response = await fetch(`${server.altostratUrl}/workflows/runs/${ids.execution}/rerun`, { method: "POST", headers: auth() });
      await expectError("altostrat", response, { status: 404, code: "run_not_found", op: rerunOp });
      const logs = await tenant.alloy.GET("/workflows/{workflowId}/logs", { params: { path: { workflowId: ids.alloyWf } } });
      expect(logs.data!.total).toBe(1);
    });
  });

  describe("Alloy", () => {
    const cases = () => listAlloyErrorCases({ token: tenant.token, apiKey: tenant.apiKey, ids });

    it("answers every refused request in the Error shape, with a documented status", async () => {
      expect(await collectFailures("alloy", cases())).toEqual([]);
    });
  });

  describe("tenant isolation", () => {
    let b: TestTenant;
    beforeAll(async () => {
      b = await server.createTenant("b");
    });

    async function sendAsB(api: ApiName, method: string, path: string, body?: unknown): Promise<Response> {
      const altostrat = api === "altostrat";
      const headers: Record<string, string> = altostrat
        ? { Authorization: `Bearer ${b.token}` }
        : { Authorization: `bearer ${b.apiKey}`, "x-api-version": "2025-09" };
      if (body !== undefined) headers["content-type"] = "application/json";
      return fetch(`${altostrat ? server.altostratUrl : server.alloyUrl}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    }

    /** B's answer for A's resource must equal its answer for a resource that does not exist (ids aside). */
    async function expectIndistinguishable(api: ApiName, probe: Probe, idsInPath: string[]): Promise<void> {
      const owned = await expectError(api, await sendAsB(api, probe.method, probe.owned, probe.body), { status: 404, code: probe.code });
      const missing = await expectError(api, await sendAsB(api, probe.method, probe.missing, probe.body), { status: 404, code: probe.code });
      const scrub = (message: unknown) => idsInPath.reduce((text, id) => text.replaceAll(id, "<id>"), String(message));
      expect(scrub(owned.body.message), probe.name).toBe(scrub(missing.body.message));
    }

    it("never lets tenant B see or act on tenant A's Altostrat workflows and runs: 404 as if absent", async () => {
      const wf0 = `fl_wf_${"0".repeat(26)}`;
      const run0 = `fl_run_${"0".repeat(26)}`;
      const probes: Probe[] = [
        { name: "getWorkflow", method: "GET", owned: `/workflows/${ids.wf}`, missing: `/workflows/${wf0}`, code: "workflow_not_found" },
        { name: "execute", method: "POST", owned: `/workflows/${ids.wf}/execute`, missing: `/workflows/${wf0}/execute`, body: { context: {} }, code: "workflow_not_found" },
        { name: "executions", method: "GET", owned: `/workflows/${ids.wf}/executions`, missing: `/workflows/${wf0}/executions`, code: "workflow_not_found" },
        { name: "logs", method: "GET", owned: `/workflows/${ids.wf}/logs`, missing: `/workflows/${wf0}/logs`, code: "workflow_not_found" },
        { name: "getRun", method: "GET", owned: `/workflows/runs/${ids.run}`, missing: `/workflows/runs/${run0}`, code: "run_not_found" },
        { name: "rerun", method: "POST", owned: `/workflows/runs/${ids.run}/rerun`, missing: `/workflows/runs/${run0}/rerun`, code: "run_not_found" },
        { name: "resume", method: "POST", owned: `/workflows/runs/${ids.run}/resume-from/n2`, missing: `/workflows/runs/${run0}/resume-from/n2`, code: "run_not_found" },
      ];
      for (const probe of probes) await expectIndistinguishable("altostrat", probe, [ids.wf, wf0, ids.run, run0]);
      const listed = await tenant.altostrat.GET("/workflows/{workflowId}/executions", { params: { path: { workflowId: ids.wf } } });
      expect(listed.data!.meta.total, "B's refused requests created no run for A").toBe(1);
    });

    it("never lets tenant B see or act on tenant A's Alloy workflows and executions: 404 as if absent", async () => {
      const wf0 = "0".repeat(24);
      const exec0 = "00000000-00000000";
      const probes: Probe[] = [
        { name: "run", method: "POST", owned: "/run/workflow", missing: "/run/workflow", body: { workflowId: ids.alloyWf, userId: "u1" }, code: "workflow_not_found" },
        { name: "logs", method: "GET", owned: `/workflows/${ids.alloyWf}/logs`, missing: `/workflows/${wf0}/logs`, code: "workflow_not_found" },
        { name: "getExecution", method: "GET", owned: `/logs/${ids.execution}`, missing: `/logs/${exec0}`, code: "run_not_found" },
        { name: "rerun", method: "POST", owned: `/workflows/${ids.alloyWf}/rerun/${ids.execution}`, missing: `/workflows/${wf0}/rerun/${exec0}`, code: "workflow_not_found" },
      ];
      for (const probe of probes) await expectIndistinguishable("alloy", probe, [ids.alloyWf, wf0, ids.execution, exec0]);
      const missingBody = await expectError("alloy", await sendAsB("alloy", "POST", "/run/workflow", { workflowId: wf0, userId: "u1" }), { status: 404, code: "workflow_not_found" });
      expect(missingBody.body.message).toContain(wf0);
      const logs = await tenant.alloy.GET("/workflows/{workflowId}/logs", { params: { path: { workflowId: ids.alloyWf } } });
      expect(logs.data!.total).toBe(1);
    });

    it("scopes Idempotency-Keys to the caller: B's key never replays A's run", async () => {
      const wfB = await createAltostratWorkflow(b, ECHO);
      const send = (tenant: TestTenant, workflowId: string) =>
        tenant.altostrat.POST("/workflows/{workflowId}/execute", { params: { path: { workflowId }, header: { "Idempotency-Key": "shared-key" } }, body: { context: {} } });
      const fromA = await send(tenant, ids.wf);
      const fromB = await send(b, wfB.id);
      expect([fromA.response.status, fromB.response.status]).toEqual([202, 202]);
      expect(fromB.data!.id).not.toBe(fromA.data!.id);
      expect(fromB.data!.workflow_id).toBe(wfB.id);
    });
  });
});
