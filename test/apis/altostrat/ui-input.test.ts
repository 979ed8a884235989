import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServerWithTenant, waitFor, type TestServer, type TestTenant } from "../../support/servers.ts";
import { expectError } from "../../support/error-body.ts";
import { createAltostratWorkflow, executeAltostrat, waitForRun } from "../../support/http-runs.ts";
import { APPROVAL, ECHO } from "../../support/workflows.ts";

const OP = { path: "/workflows/runs/{runId}/nodes/{nodeId}/input", method: "post" } as const;

describe("Altostrat input delivery over HTTP", () => {
  let server: TestServer;
  let tenant: TestTenant;
  beforeAll(async () => void ({ server, tenant } = await startServerWithTenant()));
  afterAll(async () => server?.stop());

  const deliver = (runId: string, nodeId: string, body: unknown, token = tenant.token) =>
    fetch(`${server.altostratUrl}/workflows/runs/${runId}/nodes/${nodeId}/input`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  /** A run of the approval workflow once it waits at `approve`, as GET shows it. */
  const waitingRun = async () => {
    const wf = await createAltostratWorkflow(tenant, APPROVAL);
    const queued = await executeAltostrat(tenant, wf.id, { amount: 12 });
    return waitFor(
      async () => (await tenant.altostrat.GET("/workflows/runs/{runId}", { params: { path: { runId: queued.id } } })).data!,
      (run) => run.status === "awaiting_ui_interaction",
    );
  };

  it("a run waits at the node (awaiting_ui_interaction, the node and the deadline shown); the input resumes it to completion (202)", async () => {
    const run = await waitingRun();
    expect(run).toMatchObject({ status: "awaiting_ui_interaction", awaiting_node_id: "approve", input_deadline: expect.any(String), completed_at: null });
    const { data, response } = await tenant.altostrat.POST("/workflows/runs/{runId}/nodes/{nodeId}/input", {
      params: { path: { runId: run.id, nodeId: "approve" } },
      body: { input: { approved: true } },
    });
    expect(response.status).toBe(202);
    expect(data!.run).toMatchObject({ id: run.id, status: "pending" });
    expect(data!.run.awaiting_node_id).toBeUndefined();
    const done = await waitForRun(tenant, run.id);
    expect(done.status).toBe("completed");
    expect(done.logs!.map((l) => [l.node_id, l.output])).toContainEqual(["approve", { approved: true }]);
    expect(done.logs!.at(-1)!.output).toEqual({ approved: true, amount: 12 });
  });

  it("input the schema refuses is 422 invalid_node_input with each problem under /body/input; the run keeps waiting", async () => {
    const run = await waitingRun();
    const answer = await expectError("altostrat", await deliver(run.id, "approve", { input: { approved: "yes" } }), { status: 422, code: "invalid_node_input", type: "invalid_request_error", op: OP });
    expect(answer.body.errors).toEqual([{ path: "/body/input/approved", message: "must be boolean" }]);
    expect((await server.engine.getRun(tenant.accountId, run.id)).status).toBe("awaiting_ui_interaction");
  });

  it("a body without input, or not an object, is 400", async () => {
    const run = await waitingRun();
    await expectError("altostrat", await deliver(run.id, "approve", {}), { status: 400, code: "validation_failed", op: OP });
    await expectError("altostrat", await deliver(run.id, "approve", { input: [true] }), { status: 400, code: "validation_failed", op: OP });
  });

  it("a run not waiting at the node is 409; a second delivery is 409; unknown and another account's runs are 404", async () => {
    const run = await waitingRun();
    await expectError("altostrat", await deliver(run.id, "n2", { input: {} }), { status: 409, code: "run_not_awaiting_input", type: "conflict_error", op: OP });
    const stranger = await server.createTenant("stranger");
    await expectError("altostrat", await deliver(run.id, "approve", { input: { approved: true } }, stranger.token), { status: 404, code: "run_not_found", op: OP });
    await expectError("altostrat", await deliver("fl_run_0000000000000000000000zzzz", "approve", { input: {} }), { status: 404, code: "run_not_found", op: OP });
    const [first, second] = await Promise.all([deliver(run.id, "approve", { input: { approved: true } }), deliver(run.id, "approve", { input: { approved: false } })]);
    expect([first.status, second.status].sort()).toEqual([202, 409]);
    const wf = await createAltostratWorkflow(tenant, ECHO);
    const done = await waitForRun(tenant, (await executeAltostrat(tenant, wf.id, {})).id);
    await expectError("altostrat", await deliver(done.id, "n2", { input: {} }), { status: 409, code: "run_not_awaiting_input", op: OP });
  });

  it("a definition whose ui_interaction schema is unsafe or whose timeout is out of range is refused with 422", async () => {
    const node = (config: Record<string, unknown>) => ({ nodes: [{ id: "t", type: "trigger" as const }, { id: "u", type: "ui_interaction" as const, config }], edges: [{ source: "t", target: "u" }] });
    for (const [config, path] of [
      [{ input_schema: { type: "object", properties: { a: { $ref: "https://evil.test/s.json" } } } }, "/body/definition/nodes/1/config/input_schema/properties/a/$ref"],
      [{ input_schema: { type: "object", properties: { a: { type: "string", pattern: "^(a+)+$" } } } }, "/body/definition/nodes/1/config/input_schema/properties/a/pattern"],
      [{ timeout_seconds: 0 }, "/body/definition/nodes/1/config/timeout_seconds"],
    ] as const) {
      const { response, error } = await tenant.altostrat.POST("/workflows", { body: { name: "unsafe", definition: node(config) } });
      expect(response.status, JSON.stringify(config)).toBe(422);
      expect(error!.errors!.map((e) => e.path)).toEqual([path]);
    }
  });
});
