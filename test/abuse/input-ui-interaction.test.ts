// A ui_interaction node compiles a tenant's JSON Schema on the serving thread and checks another
// person's input with it: the schema is bounded (size, depth, no regular expressions, no references
// outside itself) when the definition is saved, and the input is bounded when it is delivered.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_DEFINITION_INPUT_SCHEMA_BYTES, MAX_INPUT_BYTES, MAX_INPUT_SCHEMA_BYTES, MAX_INPUT_SCHEMA_DEPTH } from "../../src/core/index.ts";
import { expectError } from "../support/error-body.ts";
import { createAltostratWorkflow, executeAltostrat } from "../support/http-runs.ts";
import { startServerWithTenant, waitFor, type TestServer, type TestTenant } from "../support/servers.ts";

const OP = { path: "/workflows/runs/{runId}/nodes/{nodeId}/input", method: "post" } as const;
const waitingOn = (inputSchema: Record<string, unknown>) => ({
  nodes: [
    { id: "t", type: "trigger" as const },
    { id: "ask", type: "ui_interaction" as const, config: { input_schema: inputSchema } },
  ],
  edges: [{ source: "t", target: "ask" }],
});
/** A schema whose JSON nests `depth` levels deep (an array property whose items are arrays of arrays…). */
const deepSchema = (depth: number): Record<string, unknown> => {
  let items: Record<string, unknown> = {};
  for (let i = 4; i < depth; i++) items = { items };
  return { type: "object", properties: { a: { items } } };
};

describe("ui_interaction schemas and inputs from adversarial tenants", () => {
  let server: TestServer;
  let tenant: TestTenant;
  beforeAll(async () => void ({ server, tenant } = await startServerWithTenant()));
  afterAll(async () => server?.stop());

  /** The problems createWorkflow answers for a definition waiting on `schema` (422), by path. */
  const refusal = async (schema: Record<string, unknown>) => {
    const { response, error } = await tenant.altostrat.POST("/workflows", { body: { name: "hostile", definition: waitingOn(schema) } });
    expect(response.status, JSON.stringify(schema).slice(0, 200)).toBe(422);
    return error!.errors!;
  };
  const at = "/body/definition/nodes/1/config/input_schema";

  it(`refuses a schema larger than ${MAX_INPUT_SCHEMA_BYTES} bytes, and takes one just under it`, async () => {
    const withDescription = (n: number) => ({ type: "object", description: "d".repeat(n) });
    const overhead = Buffer.byteLength(JSON.stringify(withDescription(0)));
    expect(await refusal(withDescription(MAX_INPUT_SCHEMA_BYTES - overhead + 1))).toEqual([{ path: at, message: expect.stringContaining(`at most ${MAX_INPUT_SCHEMA_BYTES} bytes`) }]);
    const { response } = await tenant.altostrat.POST("/workflows", { body: { name: "big", definition: waitingOn(withDescription(MAX_INPUT_SCHEMA_BYTES - overhead)) } });
    expect(response.status).toBe(201);
  });

  it(`refuses a definition whose input schemas together exceed ${MAX_DEFINITION_INPUT_SCHEMA_BYTES} bytes, before compiling any`, async () => {
    const schema = { type: "object", description: "d".repeat(MAX_INPUT_SCHEMA_BYTES - 100) };
    const count = Math.floor(MAX_DEFINITION_INPUT_SCHEMA_BYTES / Buffer.byteLength(JSON.stringify(schema))) + 1;
    const definition = {
      nodes: [{ id: "t", type: "trigger" as const }, ...Array.from({ length: count }, (_, i) => ({ id: `ask${i}`, type: "ui_interaction" as const, config: { input_schema: schema } }))],
      edges: Array.from({ length: count }, (_, i) => ({ source: i === 0 ? "t" : `ask${i - 1}`, target: `ask${i}` })),
    };
    const { response, error } = await tenant.altostrat.POST("/workflows", { body: { name: "many", definition } });
    expect(response.status).toBe(422);
    expect(error!.errors).toEqual([{ path: "/body/definition/nodes", message: expect.stringContaining(`total at most ${MAX_DEFINITION_INPUT_SCHEMA_BYTES} bytes`) }]);
  });

  it(`refuses a schema nested deeper than ${MAX_INPUT_SCHEMA_DEPTH} levels`, async () => {
    const [problem] = await refusal(deepSchema(MAX_INPUT_SCHEMA_DEPTH + 1));
    expect(problem!.message).toContain(`at most ${MAX_INPUT_SCHEMA_DEPTH} levels`);
    const { response } = await tenant.altostrat.POST("/workflows", { body: { name: "deep", definition: waitingOn(deepSchema(MAX_INPUT_SCHEMA_DEPTH)) } });
    expect(response.status).toBe(201);
  });

  it.each([
    ["a remote $ref", { type: "object", properties: { a: { $ref: "https://schemas.evil.test/a.json" } } }, "/properties/a/$ref"],
    ["a relative $ref to another document", { type: "object", properties: { a: { $ref: "other.json#/x" } } }, "/properties/a/$ref"],
    ["an $id rebasing references", { type: "object", $id: "https://schemas.evil.test/root.json" }, "/$id"],
    ["a regular expression", { type: "object", properties: { a: { type: "string", pattern: "^(a|a)*$" } } }, "/properties/a/pattern"],
    ["regular expressions as property names", { type: "object", patternProperties: { "^(a+)+$": {} } }, "/patternProperties"],
    ["an unknown keyword", { type: "object", propertiez: {} }, ""],
    ["a root that is not an object", { type: "string" }, "/type"],
  ])("refuses %s", async (_name, schema, where) => {
    const problems = await refusal(schema);
    expect(problems.map((p) => p.path)).toEqual([`${at}${where}`]);
  });

  it("takes a local $ref into its own definitions", async () => {
    const schema = { type: "object", definitions: { yes: { type: "boolean" } }, properties: { ok: { $ref: "#/definitions/yes" } } };
    const { response } = await tenant.altostrat.POST("/workflows", { body: { name: "local-ref", definition: waitingOn(schema) } });
    expect(response.status).toBe(201);
  });

  it(`refuses input larger than ${MAX_INPUT_BYTES} bytes with 422, and answers the largest input even against uniqueItems (its cost is reported, not asserted)`, async () => {
    const wf = await createAltostratWorkflow(tenant, waitingOn({ type: "object", properties: { items: { type: "array", uniqueItems: true } } }));
    const queued = await executeAltostrat(tenant, wf.id);
    await waitFor(async () => (await server.engine.getRun(tenant.accountId, queued.id)).status, (s) => s === "awaiting_ui_interaction");
    const deliver = (input: unknown) =>
      fetch(`${server.altostratUrl}/workflows/runs/${queued.id}/nodes/ask/input`, {
        method: "POST",
        headers: { Authorization: `Bearer ${tenant.token}`, "content-type": "application/json" },
        body: JSON.stringify({ input }),
      });
    const { body } = await expectError("altostrat", await deliver({ items: ["x".repeat(MAX_INPUT_BYTES)] }), { status: 422, code: "invalid_node_input", op: OP });
    expect(body.errors).toEqual([{ path: "/body/input", message: expect.stringContaining(`at most ${MAX_INPUT_BYTES} bytes`) }]);
    // The worst case for uniqueItems: as many distinct objects as fit in the limit, compared pairwise.
    const items = Array.from({ length: Math.floor((MAX_INPUT_BYTES - 20) / 14) }, (_, i) => ({ k: i }));
    expect(Buffer.byteLength(JSON.stringify({ items }))).toBeLessThanOrEqual(MAX_INPUT_BYTES);
    const started = performance.now();
    const answer = await deliver({ items });
    const elapsed = performance.now() - started;
    expect(answer.status).toBe(202);
    console.info(`uniqueItems over ${items.length} distinct objects: ${Math.round(elapsed)} ms`);
  });
});
