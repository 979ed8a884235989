import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServerWithTenant, type TestServer, type TestTenant } from "../../support/servers.ts";
import { expectError, readBundledSpec } from "../../support/error-body.ts";
import { createAlloyWorkflow, waitForExecution } from "../../support/http-runs.ts";
import { ECHO } from "../../support/workflows.ts";

// A small body limit, so the limits are reached with small bodies; the rerun's input bound follows it.
const BODY_LIMIT = 4096;
const OP = { path: "/workflows/{workflowId}/rerun/{executionId}", method: "post" };

describe("Alloy rerun with a body over HTTP", () => {
  let server: TestServer;
  let tenant: TestTenant;
  beforeAll(async () => void ({ server, tenant } = await startServerWithTenant({ BODY_LIMIT: String(BODY_LIMIT) })));
  afterAll(async () => server?.stop());

  const finished = async (data: unknown) => {
    const wf = await createAlloyWorkflow(server, tenant, ECHO);
    const { run } = await server.engine.executeWorkflow({ accountId: tenant.accountId, workflowId: wf.id, payload: data, endUserId: "user-1" });
    await waitForExecution(tenant, run.id);
    return { workflowId: wf.id, executionId: run.id };
  };
  const post = (at: { workflowId: string; executionId: string }, init: { body?: string; contentType?: string } = {}) =>
    fetch(`${server.alloyUrl}/workflows/${at.workflowId}/rerun/${at.executionId}`, {
      method: "POST",
      headers: { Authorization: `bearer ${tenant.apiKey}`, "x-api-version": "2025-09", ...(init.contentType ? { "Content-Type": init.contentType } : {}) },
      ...(init.body !== undefined ? { body: init.body } : {}),
    });
  const json = (at: { workflowId: string; executionId: string }, value: unknown) => post(at, { body: typeof value === "string" ? value : JSON.stringify(value), contentType: "application/json" });
  const rerunOf = async (res: Response) => {
    expect(res.status).toBe(200);
    const { executionId } = (await res.json()) as { executionId: string };
    await waitForExecution(tenant, executionId);
    return server.engine.getRun(tenant.accountId, executionId);
  };

  it("the body is optional in the contract, and no body (no Content-Type), an empty one or {} is today's rerun", async () => {
    const op = (readBundledSpec("alloy").paths as Record<string, Record<string, { requestBody?: { required?: boolean } }>>)[OP.path]!.post!;
    expect(op.requestBody?.required).toBe(false);
    const at = await finished({ a: 1 });
    for (const init of [{}, { body: "", contentType: "application/json" }, { body: "{}", contentType: "application/json" }]) {
      expect(await rerunOf(await post(at, init))).toMatchObject({ triggerPayload: { a: 1 }, rerunOf: at.executionId, endUserId: "user-1" });
    }
    const typed = await tenant.alloy.POST("/workflows/{workflowId}/rerun/{executionId}", { params: { path: at } });
    expect(typed.response.status).toBe(200);
  });

  it("replaces or merges the input (dataMode), and runs the original version after the workflow changed", async () => {
    const at = await finished({ a: 1, keep: "yes" });
    const v2 = { ...ECHO, nodes: [ECHO.nodes[0], { id: "n2", type: "transform" as const, config: { expression: "{ 'v2': trigger }" } }] };
    await server.engine.updateWorkflow({ accountId: tenant.accountId, workflowId: at.workflowId, definition: v2 });
    const typed = await tenant.alloy.POST("/workflows/{workflowId}/rerun/{executionId}", {
      params: { path: at },
      body: { data: { a: 2, added: true }, dataMode: "merge", version: "original" },
    });
    expect(typed.response.status).toBe(200);
    await waitForExecution(tenant, typed.data!.executionId);
    const merged = await server.engine.getRun(tenant.accountId, typed.data!.executionId);
    expect(merged).toMatchObject({ workflowVersion: 1, triggerPayload: { a: 2, keep: "yes", added: true }, status: "completed" });
    expect(merged.logs.find((l) => l.nodeId === "n2")?.output).toEqual({ echo: { a: 2, keep: "yes", added: true } });
    const replaced = await rerunOf(await json(at, { data: { b: 1 } }));
    expect(replaced).toMatchObject({ workflowVersion: 2, triggerPayload: { b: 1 } });
    expect(replaced.logs.find((l) => l.nodeId === "n2")?.output).toEqual({ v2: { b: 1 } });
  });

  it("merging onto an input that is not an object is 422 payload_not_mergeable in Alloy's shape", async () => {
    const at = await finished("just text");
    await expectError("alloy", await json(at, { data: { a: 1 }, dataMode: "merge" }), { status: 422, code: "payload_not_mergeable", op: OP, message: /string/ });
  });

  it("refuses wrong-typed, unknown or unparseable bodies with 400, and a body that is not JSON with 415", async () => {
    const at = await finished({ a: 1 });
    for (const body of [{ data: [1] }, { dataMode: "patch", data: {} }, { version: "first" }, { payload: {} }, { data: {}, payload_mode: "merge" }, []]) {
      await expectError("alloy", await json(at, body), { status: 400, code: "validation_failed", op: OP });
    }
    await expectError("alloy", await json(at, '{"data":'), { status: 400, code: "malformed_json", op: OP });
    await expectError("alloy", await post(at, { body: "data=1", contentType: "text/plain" }), { status: 415, code: "unsupported_media_type", op: OP });
  });

  it("bounds the input like runWorkflow's: body size (413), depth (400), unstorable text (400), and the merged size (413)", async () => {
    const at = await finished({ base: "x".repeat(BODY_LIMIT - 1000) });
    await expectError("alloy", await json(at, { data: { big: "y".repeat(BODY_LIMIT) } }), { status: 413, code: "payload_too_large", op: OP });
    let deep: unknown = 1;
    for (let i = 0; i < 70; i++) deep = { d: deep };
    await expectError("alloy", await json(at, { data: deep }), { status: 400, code: "json_too_deep", op: OP });
    await expectError("alloy", await json(at, '{"data":{"a":"\\ud800"}}'), { status: 400, code: "validation_failed", op: OP });
    await expectError("alloy", await json(at, { data: { more: "z".repeat(2000) }, dataMode: "merge" }), { status: 413, code: "payload_too_large", op: OP });
    const { rows } = await server.db.query<{ c: number }>("SELECT count(*)::int AS c FROM runs WHERE rerun_of = $1", [at.executionId]);
    expect(rows[0]!.c).toBe(0);
  });
});
