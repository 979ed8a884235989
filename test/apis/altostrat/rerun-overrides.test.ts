import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServerWithTenant, type TestServer, type TestTenant } from "../../support/servers.ts";
import { expectError, readBundledSpec } from "../../support/error-body.ts";
import { createAltostratWorkflow, executeAltostrat, waitForRun } from "../../support/http-runs.ts";
import { ECHO } from "../../support/workflows.ts";

// A small body limit, so the limits are reached with small bodies; the rerun's payload bound follows it.
const BODY_LIMIT = 4096;
const OP = { path: "/workflows/runs/{runId}/rerun", method: "post" };

describe("Altostrat rerun with a body over HTTP", () => {
  let server: TestServer;
  let tenant: TestTenant;
  beforeAll(async () => void ({ server, tenant } = await startServerWithTenant({ BODY_LIMIT: String(BODY_LIMIT) })));
  afterAll(async () => server?.stop());

  const finishedRun = async (context: Record<string, unknown>) => {
    const wf = await createAltostratWorkflow(tenant, ECHO);
    return { wf, run: await waitForRun(tenant, (await executeAltostrat(tenant, wf.id, context)).id) };
  };
  const post = (runId: string, init: { body?: string; contentType?: string; key?: string } = {}) =>
    fetch(`${server.altostratUrl}/workflows/runs/${runId}/rerun`, {
      method: "POST",
      headers: {
        Authorization: `Bearer ${tenant.token}`,
        ...(init.contentType ? { "Content-Type": init.contentType } : {}),
        ...(init.key ? { "Idempotency-Key": init.key } : {}),
      },
      ...(init.body !== undefined ? { body: init.body } : {}),
    });
  const echoOf = (run: { logs?: { node_id: string; output?: unknown }[] | null }) => run.logs?.find((l) => l.node_id === "n2")?.output;

  it("the body is optional in the contract, and no body at all (no Content-Type) is today's rerun", async () => {
    const op = (readBundledSpec("altostrat").paths as Record<string, Record<string, { requestBody?: { required?: boolean } }>>)[OP.path]!.post!;
    expect(op.requestBody?.required).toBe(false);
    const { run } = await finishedRun({ a: 1 });
    for (const init of [{}, { body: "", contentType: "application/json" }, { body: "{}", contentType: "application/json" }]) {
      const res = await post(run.id, init);
      expect(res.status, JSON.stringify(init)).toBe(202);
      const body = (await res.json()) as { new_run: { trigger_payload: unknown; rerun_of: string } };
      expect(body.new_run).toMatchObject({ trigger_payload: { a: 1 }, rerun_of: run.id });
    }
    // A mode without a payload has nothing to apply: the plain rerun.
    const modeAlone = await post(run.id, { body: '{"payload_mode":"merge","version":"current"}', contentType: "application/json" });
    expect(((await modeAlone.json()) as { new_run: unknown }).new_run).toMatchObject({ trigger_payload: { a: 1 } });
  });

  it("replaces or merges the payload, and runs the original version after the workflow changed", async () => {
    const { wf, run } = await finishedRun({ a: 1, keep: "yes" });
    const v2 = { ...ECHO, nodes: [ECHO.nodes[0], { id: "n2", type: "transform" as const, config: { expression: "{ 'v2': trigger }" } }] };
    await server.engine.updateWorkflow({ accountId: tenant.accountId, workflowId: wf.id, definition: v2 });

    const merged = await tenant.altostrat.POST("/workflows/runs/{runId}/rerun", {
      params: { path: { runId: run.id }, header: {} },
      body: { payload: { a: 2, added: true }, payload_mode: "merge", version: "original" },
    });
    expect(merged.response.status).toBe(202);
    expect(merged.data!.new_run).toMatchObject({ workflow_version: 1, trigger_payload: { a: 2, keep: "yes", added: true } });
    expect(echoOf(await waitForRun(tenant, merged.data!.new_run.id))).toEqual({ echo: { a: 2, keep: "yes", added: true } });

    const replaced = await tenant.altostrat.POST("/workflows/runs/{runId}/rerun", { params: { path: { runId: run.id }, header: {} }, body: { payload: { b: 1 } } });
    expect(replaced.data!.new_run).toMatchObject({ workflow_version: 2, trigger_payload: { b: 1 } });
    expect(echoOf(await waitForRun(tenant, replaced.data!.new_run.id))).toEqual({ v2: { b: 1 } });
  });

  it("merging onto a payload that is not an object is 422 payload_not_mergeable", async () => {
    const wf = await createAltostratWorkflow(tenant, ECHO);
    const queued = await server.engine.executeWorkflow({ accountId: tenant.accountId, workflowId: wf.id, payload: ["not", "an", "object"] });
    await waitForRun(tenant, queued.run.id);
    const res = await post(queued.run.id, { body: JSON.stringify({ payload: { a: 1 }, payload_mode: "merge" }), contentType: "application/json" });
    await expectError("altostrat", res, { status: 422, code: "payload_not_mergeable", type: "invalid_request_error", op: OP, message: /array/ });
  });

  it("refuses wrong-typed, unknown or unparseable bodies with 400, and a body that is not JSON with 415", async () => {
    const { run } = await finishedRun({ a: 1 });
    const json = (body: string) => post(run.id, { body, contentType: "application/json" });
    for (const body of ['{"payload":[1]}', '{"payload":"x"}', '{"payload_mode":"patch","payload":{}}', '{"version":"first"}', '{"payload":{},"extra":1}', "[]"]) {
      await expectError("altostrat", await json(body), { status: 400, code: "validation_failed", op: OP });
    }
    for (const body of ['{"payload":', '"text"']) await expectError("altostrat", await json(body), { status: 400, code: "malformed_json", op: OP });
    await expectError("altostrat", await post(run.id, { body: "payload=1", contentType: "text/plain" }), { status: 415, code: "unsupported_media_type", op: OP });
  });

  it("bounds the payload like execute's: body size (413), depth (400), unstorable text (400), and the merged size (413)", async () => {
    const { run } = await finishedRun({ base: "x".repeat(BODY_LIMIT - 1000) });
    const json = (value: unknown) => post(run.id, { body: JSON.stringify(value), contentType: "application/json" });
    await expectError("altostrat", await json({ payload: { big: "y".repeat(BODY_LIMIT) } }), { status: 413, code: "payload_too_large", op: OP });
    let deep: unknown = 1;
    for (let i = 0; i < 70; i++) deep = { d: deep };
    await expectError("altostrat", await json({ payload: deep }), { status: 400, code: "json_too_deep", op: OP });
    await expectError("altostrat", await post(run.id, { body: '{"payload":{"a":"\\u0000"}}', contentType: "application/json" }), { status: 400, code: "validation_failed", op: OP });
    // Each body fits the limit, but merged over the source's payload the result would not.
    const merged = await json({ payload: { more: "z".repeat(2000) }, payload_mode: "merge" });
    await expectError("altostrat", merged, { status: 413, code: "payload_too_large", op: OP });
    const { rows } = await server.db.query<{ c: number }>("SELECT count(*)::int AS c FROM runs WHERE rerun_of = $1", [run.id]);
    expect(rows[0]!.c).toBe(0);
  });

  it("the body is part of the Idempotency-Key's request: the same body replays, another is 422 idempotency_key_mismatch", async () => {
    const { run } = await finishedRun({ a: 1 });
    const body = JSON.stringify({ payload: { a: 2 }, payload_mode: "merge" });
    const first = await post(run.id, { body, contentType: "application/json", key: "ov-http-1" });
    expect(first.status).toBe(202);
    const again = await post(run.id, { body, contentType: "application/json", key: "ov-http-1" });
    expect(again.status).toBe(202);
    expect(((await again.json()) as { new_run: { id: string } }).new_run.id).toBe(((await first.json()) as { new_run: { id: string } }).new_run.id);
    const other = await post(run.id, { body: JSON.stringify({ payload: { a: 3 }, payload_mode: "merge" }), contentType: "application/json", key: "ov-http-1" });
    await expectError("altostrat", other, { status: 422, code: "idempotency_key_mismatch", op: OP });
    await expectError("altostrat", await post(run.id, { key: "ov-http-1" }), { status: 422, code: "idempotency_key_mismatch", op: OP });
  });
});
