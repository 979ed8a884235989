// Text the store cannot hold (U+0000, unpaired UTF-16 surrogates) and bodies nested too deep, sent to
// every write endpoint of both APIs on a real server (port 0): always a documented 4xx in the API's
// error shape, nothing stored, never a 500; and a run whose own output cannot be stored fails with a
// reason the tenant can read, never the store's error text.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listOperations, readSpec } from "../../src/apis/http/spec-routes.ts";
import { expectError, type ApiName } from "../support/error-body.ts";
import { createAlloyWorkflow, createAltostratWorkflow, executeAltostrat, waitForExecution, waitForRun } from "../support/http-runs.ts";
import { ECHO, LINEAR } from "../support/workflows.ts";
import { startTestServer, type TestServer, type TestTenant } from "../support/servers.ts";

const nested = (depth: number) => `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;

/** A bad value as raw JSON text (escapes as a client sends them), and the code it must be refused with. */
const BAD: { name: string; json: string; code: string }[] = [
  { name: "NUL in a string", json: '"a\\u0000b"', code: "validation_failed" },
  { name: "only NUL", json: '"\\u0000"', code: "validation_failed" },
  { name: "an unpaired high surrogate", json: '"x\\ud800"', code: "validation_failed" },
  { name: "an unpaired low surrogate", json: '"\\uDFFFx"', code: "validation_failed" },
  { name: "surrogates in the wrong order", json: '"\\udc00\\ud800"', code: "validation_failed" },
  { name: "NUL in a key", json: '{"k\\u0000": 1}', code: "validation_failed" },
  { name: "an unpaired surrogate in a key", json: '{"\\udbff": [1]}', code: "validation_failed" },
  { name: "NUL deep inside an array", json: '[[[{"ok": ["fine", "bad\\u0000"]}]]]', code: "validation_failed" },
  { name: "65 levels of nesting", json: nested(65), code: "json_too_deep" },
  { name: "100,000 levels of nesting", json: nested(100_000), code: "json_too_deep" },
];

/** Where a bad value goes in a body: the body is serialized, then this marker is replaced by the raw text. */
const V = "\u2063bad\u2063";

/** One write endpoint and where a bad value goes in an otherwise valid request. */
interface Endpoint {
  api: ApiName;
  operationId: string;
  op: { path: string; method: string };
  url: () => string;
  headers: () => Record<string, string>;
  /** Otherwise valid bodies holding the marker `v`, one per place a value can be. */
  bodies: (v: string) => unknown[];
}

describe("unstorable input", () => {
  let server: TestServer;
  let tenant: TestTenant;
  let ids: { wf: string; webhookToken: string; run: string; alloyWf: string; execution: string };
  beforeAll(async () => {
    server = await startTestServer();
    tenant = await server.createTenant();
    const wf = await createAltostratWorkflow(tenant, LINEAR);
    const run = await waitForRun(tenant, (await executeAltostrat(tenant, wf.id, { value: 1 })).id);
    const alloyWf = await createAlloyWorkflow(server, tenant, ECHO);
    const started = await tenant.alloy.POST("/run/workflow", { body: { workflowId: alloyWf.id, userId: "u1", data: {} } });
    const execution = await waitForExecution(tenant, started.data!.executionId);
    ids = { wf: wf.id, webhookToken: wf.webhook_token!, run: run.id, alloyWf: alloyWf.id, execution: execution.executionId };
  });
  afterAll(async () => server?.stop());

  const bearer = () => ({ Authorization: `Bearer ${tenant.token}`, "content-type": "application/json" });
  const apiKey = () => ({ Authorization: `bearer ${tenant.apiKey}`, "x-api-version": "2025-09", "content-type": "application/json" });
  const endpoints = (): Endpoint[] => [
    {
      api: "altostrat",
      operationId: "createWorkflow",
      op: { path: "/workflows", method: "post" },
      url: () => `${server.altostratUrl}/workflows`,
      headers: bearer,
      bodies: (v) => [
        { name: v, definition: ECHO },
        { name: "w", description: v, definition: ECHO },
        { name: "w", definition: { ...ECHO, nodes: [ECHO.nodes[0], { id: "n2", type: "transform", config: { expression: "1", v } }] } },
      ],
    },
    {
      api: "altostrat",
      operationId: "executeWorkflow",
      op: { path: "/workflows/{workflowId}/execute", method: "post" },
      url: () => `${server.altostratUrl}/workflows/${ids.wf}/execute`,
      headers: bearer,
      bodies: (v) => [{ context: { v } }, { context: { list: [1, v] } }],
    },
    {
      api: "altostrat",
      operationId: "triggerWorkflowWebhook",
      op: { path: "/workflows/webhooks/{webhookToken}", method: "post" },
      url: () => `${server.altostratUrl}/workflows/webhooks/${ids.webhookToken}`,
      headers: () => ({ "content-type": "application/json" }),
      bodies: (v) => [{ v }, { event: "order.created", data: { v } }],
    },
    {
      api: "altostrat",
      operationId: "rerunWorkflowRun",
      op: { path: "/workflows/runs/{runId}/rerun", method: "post" },
      url: () => `${server.altostratUrl}/workflows/runs/${ids.run}/rerun`,
      headers: bearer,
      bodies: (v) => [{ v }],
    },
    {
      api: "altostrat",
      operationId: "resumeWorkflowRunFromNode",
      op: { path: "/workflows/runs/{runId}/resume-from/{nodeId}", method: "post" },
      url: () => `${server.altostratUrl}/workflows/runs/${ids.run}/resume-from/n2`,
      headers: bearer,
      bodies: (v) => [{ v }],
    },
    {
      api: "altostrat",
      operationId: "validateWorkflow",
      op: { path: "/workflows/validate", method: "post" },
      url: () => `${server.altostratUrl}/workflows/validate`,
      headers: bearer,
      bodies: (v) => [
        { name: v, definition: ECHO },
        { definition: { ...ECHO, nodes: [ECHO.nodes[0], { id: "n2", type: "transform", config: { expression: "1", v } }] } },
      ],
    },
    {
      api: "altostrat",
      operationId: "cancelWorkflowRun",
      op: { path: "/workflows/runs/{runId}/cancel", method: "post" },
      url: () => `${server.altostratUrl}/workflows/runs/${ids.run}/cancel`,
      headers: bearer,
      bodies: (v) => [{ v }],
    },
    {
      api: "altostrat",
      operationId: "cancelWorkflowRuns",
      op: { path: "/workflows/{workflowId}/runs/cancel", method: "post" },
      url: () => `${server.altostratUrl}/workflows/${ids.wf}/runs/cancel`,
      headers: bearer,
      bodies: (v) => [{ statuses: [v] }, { from: v }],
    },
    {
      api: "altostrat",
      operationId: "deliverWorkflowRunNodeInput",
      op: { path: "/workflows/runs/{runId}/nodes/{nodeId}/input", method: "post" },
      url: () => `${server.altostratUrl}/workflows/runs/${ids.run}/nodes/n2/input`,
      headers: bearer,
      bodies: (v) => [{ input: { v } }, { input: { list: [1, v] } }],
    },
    {
      api: "alloy",
      operationId: "deliverExecutionStepInput",
      op: { path: "/workflows/{workflowId}/executions/{executionId}/steps/{stepId}/input", method: "post" },
      url: () => `${server.alloyUrl}/workflows/${ids.alloyWf}/executions/${ids.execution}/steps/n2/input`,
      headers: apiKey,
      bodies: (v) => [{ data: { v } }],
    },
    {
      api: "alloy",
      operationId: "runWorkflow",
      op: { path: "/run/workflow", method: "post" },
      url: () => `${server.alloyUrl}/run/workflow`,
      headers: apiKey,
      bodies: (v) => [
        { workflowId: ids.alloyWf, userId: "u1", data: { v } },
        { workflowId: ids.alloyWf, userId: v, data: {} },
        { workflowId: v, userId: "u1", data: {} },
      ],
    },
    {
      api: "alloy",
      operationId: "rerunWorkflowExecution",
      op: { path: "/workflows/{workflowId}/rerun/{executionId}", method: "post" },
      url: () => `${server.alloyUrl}/workflows/${ids.alloyWf}/rerun/${ids.execution}`,
      headers: apiKey,
      bodies: (v) => [{ v }],
    },
    {
      api: "alloy",
      operationId: "triggerEvent",
      op: { path: "/run/event", method: "post" },
      url: () => `${server.alloyUrl}/run/event`,
      headers: apiKey,
      bodies: (v) => [
        { event: "order.paid", userId: "u1", data: { v } },
        { event: "order.paid", userId: v, data: {} },
        { event: v, userId: "u1" },
      ],
    },
    {
      api: "alloy",
      operationId: "cancelWorkflowExecution",
      op: { path: "/workflows/{workflowId}/executions/{executionId}/cancel", method: "post" },
      url: () => `${server.alloyUrl}/workflows/${ids.alloyWf}/executions/${ids.execution}/cancel`,
      headers: apiKey,
      bodies: (v) => [{ v }],
    },
    {
      api: "alloy",
      operationId: "cancelWorkflowExecutions",
      op: { path: "/workflows/{workflowId}/executions/cancel", method: "post" },
      url: () => `${server.alloyUrl}/workflows/${ids.alloyWf}/executions/cancel`,
      headers: apiKey,
      bodies: (v) => [{ userId: v }, { statuses: [v] }],
    },
  ];

  it("covers every write operation of both APIs", () => {
    const writes = (["altostrat", "alloy"] as const).flatMap((api) =>
      listOperations(readSpec(path.join(process.cwd(), "generated", api, "openapi.yaml")))
        .filter((op) => op.method !== "get")
        .map((op) => `${api} ${op.operationId}`),
    );
    expect(endpoints().map((e) => `${e.api} ${e.operationId}`).sort()).toEqual(writes.sort());
  });

  it.each(BAD.map((bad) => [bad.name, bad] as const))("refuses %s on every write endpoint with a documented 4xx, storing nothing", async (_name, bad) => {
    const before = await countStored();
    const failures: string[] = [];
    for (const endpoint of endpoints()) {
      for (const [i, body] of endpoint.bodies(V).entries()) {
        const text = JSON.stringify(body).replace(JSON.stringify(V), () => bad.json);
        expect(text).not.toContain(V);
        const response = await fetch(endpoint.url(), { method: "POST", headers: endpoint.headers(), body: text });
        try {
          await expectError(endpoint.api, response, { status: 400, code: bad.code, op: endpoint.op });
        } catch (error) {
          failures.push(`${endpoint.operationId} #${i}: ${(error as Error).message.split("\n")[0]}`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(await countStored()).toEqual(before);
  });

  it("names where the unstorable text is, as a JSON pointer into the body", async () => {
    const response = await fetch(`${server.altostratUrl}/workflows/${ids.wf}/execute`, {
      method: "POST",
      headers: bearer(),
      body: '{"context":{"order":{"lines":[{"sku":"ok"},{"sku":"bad\\u0000"}]}}}',
    });
    const { body } = await expectError("altostrat", response, { status: 400, code: "validation_failed", op: { path: "/workflows/{workflowId}/execute", method: "post" } });
    expect(body.errors).toEqual([{ path: "/body/context/order/lines/1/sku", message: "must not contain the character U+0000 or an unpaired UTF-16 surrogate" }]);
  });

  it("refuses unstorable text in a query parameter with 400", async () => {
    const response = await fetch(`${server.alloyUrl}/workflows/${ids.alloyWf}/logs?userId=%00`, { headers: apiKey() });
    const { body } = await expectError("alloy", response, { status: 400, code: "validation_failed", op: { path: "/workflows/{workflowId}/logs", method: "get" } });
    expect(body.details).toEqual([{ path: "/query/userId", message: "must not contain the character U+0000 or an unpaired UTF-16 surrogate" }]);
  });

  /** Workflows and runs of the tenant: a refused request must change neither. */
  async function countStored(): Promise<{ workflows: number; runs: number }> {
    const { rows } = await server.db.query<{ workflows: number; runs: number }>(
      `SELECT (SELECT count(*)::int FROM workflows WHERE account_id = $1) AS workflows, (SELECT count(*)::int FROM runs WHERE account_id = $1) AS runs`,
      [tenant.accountId],
    );
    return rows[0]!;
  }

  describe("a run whose output the store cannot hold", () => {
    it.each([
      ["NUL in a string", '"a\\u0000b"'],
      ["NUL in a key", '{"k\\u0000": 1}'],
      ["an unpaired surrogate", '"x\\ud800"'],
    ])("fails naming the node when it produces %s, never with the store's error text", async (_name, expression) => {
      const definition = {
        nodes: [
          { id: "n1", type: "trigger" },
          { id: "emit", type: "transform", config: { expression } },
        ],
        edges: [{ source: "n1", target: "emit" }],
      } as const;
      const wf = await createAltostratWorkflow(tenant, definition as never);
      const run = await waitForRun(tenant, (await executeAltostrat(tenant, wf.id)).id);
      expect(run.status).toBe("failed");
      expect(run.error_message).toMatch(/node 'emit'/);
      // PostgreSQL's words, e.g. "unsupported Unicode escape sequence" or "invalid input syntax for type json".
      expect(run.error_message).not.toMatch(/unicode escape|input syntax|invalid byte sequence|json|store refused/i);
    });
  });
});
