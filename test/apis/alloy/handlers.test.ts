// Alloy's rerun names what is missing: the workflow when it does not exist (the contract's
// workflowNotFound example), the execution when only the execution does not.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServerWithTenant, type TestServer, type TestTenant } from "../../support/servers.ts";

const UNKNOWN_WORKFLOW = "0000000000000000ffffffff";
const UNKNOWN_EXECUTION = "00000000-0000ffff";

describe("Alloy rerun of something missing", () => {
  let server: TestServer;
  let tenant: TestTenant;
  let workflowId: string;
  beforeAll(async () => {
    ({ server, tenant } = await startServerWithTenant());
    const definition = { nodes: [{ id: "n1", type: "trigger" as const }], edges: [] };
    workflowId = (await server.engine.createWorkflow({ accountId: tenant.accountId, idStyle: "alloy", name: "known", definition })).id;
  }, 120_000);
  afterAll(async () => server?.stop());

  const rerun = async (wf: string, execution: string) => {
    const res = await fetch(`${server.alloyUrl}/workflows/${wf}/rerun/${execution}`, {
      method: "POST",
      headers: { Authorization: `bearer ${tenant.apiKey}`, "x-api-version": "2025-09" },
    });
    return { status: res.status, code: ((await res.json()) as { code?: string }).code };
  };

  it.each([
    ["an unknown workflow and an unknown execution", "workflow_not_found", UNKNOWN_WORKFLOW, UNKNOWN_EXECUTION],
    ["an unknown workflow and a malformed execution id", "workflow_not_found", UNKNOWN_WORKFLOW, "not-an-execution"],
    ["a malformed workflow id", "workflow_not_found", "not-a-workflow", UNKNOWN_EXECUTION],
    ["a known workflow and an unknown execution", "run_not_found", "known", UNKNOWN_EXECUTION],
    ["a known workflow and a malformed execution id", "run_not_found", "known", "not-an-execution"],
  ])("%s is 404 %s", async (_name, code, wf, execution) => {
    expect(await rerun(wf === "known" ? workflowId : wf, execution)).toEqual({ status: 404, code });
  });

  it("another account's workflow is unknown too", async () => {
    const other = await server.createTenant();
    const res = await fetch(`${server.alloyUrl}/workflows/${workflowId}/rerun/${UNKNOWN_EXECUTION}`, {
      method: "POST",
      headers: { Authorization: `bearer ${other.apiKey}`, "x-api-version": "2025-09" },
    });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ code: "workflow_not_found" });
  });
});
