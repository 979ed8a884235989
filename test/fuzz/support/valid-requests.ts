import fc from "fast-check";
import { loadApiSpec, type SpecOperationInfo } from "../../contract/support/index.ts";
import type { FuzzWorld } from "./fuzz-world.ts";
import { createSchemaArbitrary, type SchemaOverrides } from "./schema-arbitrary.ts";

/** One HTTP request the fuzzer sends, in a form that prints well when fast-check shrinks it. */
export interface FuzzRequest {
  operationId: string;
  method: string;
  /** Path with parameters already substituted (and percent-encoded unless a path trick is being tried). */
  path: string;
  query: [string, string][];
  headers: Record<string, string>;
  body?: string;
  /** The request names a resource of another account (its answer must be 404). */
  foreign: boolean;
  /** What was done to make an invalid request invalid. */
  corruption?: string;
}

/** Valid workflow graphs: a trigger followed by a chain of transforms (random graphs are mostly refused with 422). */
const validDefinition = fc.integer({ min: 0, max: 3 }).map((length) => ({
  nodes: [{ id: "t", type: "trigger" }, ...Array.from({ length }, (_, i) => ({ id: `s${i}`, type: "transform", config: { expression: "{ 'seen': trigger }" } }))],
  edges: Array.from({ length }, (_, i) => ({ source: i === 0 ? "t" : `s${i - 1}`, target: `s${i}` })),
}));

/** Builds requests that satisfy every schema of the operation: parameters, headers, credentials and body. */
export function validRequest(op: SpecOperationInfo, world: FuzzWorld): fc.Arbitrary<FuzzRequest> {
  const spec = loadApiSpec(op.api);
  const overrides: SchemaOverrides = {};
  if (op.api === "altostrat") {
    const generic = createSchemaArbitrary(spec, spec.resolve({ $ref: "#/components/schemas/WorkflowDefinition" }));
    overrides.WorkflowDefinition = fc.oneof(validDefinition, generic);
  } else {
    overrides.WorkflowId = idFrom(world, op, "workflowId", fc.stringMatching(/^[0-9a-f]{24}$/));
  }
  const parts: Record<string, fc.Arbitrary<unknown>> = {};
  for (const param of op.parameters) {
    if (op.api === "alloy" && (param.name === "Authorization" || param.name === "x-api-version")) continue;
    const generated = createSchemaArbitrary(spec, param.schema, { overrides, strings: param.in === "header" ? "ascii" : "unicode" });
    // HTTP drops leading and trailing whitespace of a header value, so a value that relies on it is not sent as generated.
    const schema = param.in === "header" ? generated.map((v) => String(v).trim() || "k") : generated;
    const value = param.in === "path" ? idFrom(world, op, param.name, schema) : schema;
    parts[`${param.in}:${param.name}`] = param.required ? value : fc.option(value, { nil: undefined });
  }
  if (op.requestBody) {
    const body = createSchemaArbitrary(spec, op.requestBody.schema, { overrides });
    parts.body = op.requestBody.required ? body : fc.option(body, { nil: undefined });
  }
  return fc.record(parts).map((values) => toRequest(op, world, values));
}

/** Path IDs (and Alloy's body `workflowId`): mostly real ones of either account, sometimes any value of the right shape. */
function idFrom(world: FuzzWorld, op: SpecOperationInfo, name: string, schema: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  const own = world.own[op.api][name] ?? [];
  const foreign = world.foreign[op.api][name] ?? [];
  const choices: { weight: number; arbitrary: fc.Arbitrary<unknown> }[] = [{ weight: 2, arbitrary: schema }];
  if (own.length > 0) choices.push({ weight: 5, arbitrary: fc.constantFrom(...own) });
  if (foreign.length > 0) choices.push({ weight: 1, arbitrary: fc.constantFrom(...foreign) });
  return fc.oneof(...choices);
}

/** Assembles a request from generated parts, with the credentials the API expects. */
export function toRequest(op: SpecOperationInfo, world: FuzzWorld, values: Record<string, unknown>): FuzzRequest {
  let foreign = false;
  const isForeign = (name: string, value: unknown) => (world.foreign[op.api][name] ?? []).includes(String(value));
  const path = op.path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = String(values[`path:${name}`]);
    foreign ||= isForeign(name, value);
    return encodeURIComponent(value.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "?"));
  });
  const query: [string, string][] = [];
  const headers: Record<string, string> = {};
  for (const param of op.parameters) {
    const value = values[`${param.in}:${param.name}`];
    if (value === undefined) continue;
    if (param.in === "query") query.push([param.name, String(value)]);
    if (param.in === "header") headers[param.name] = String(value);
  }
  if (op.api === "alloy") {
    headers.Authorization = `bearer ${world.main.apiKey}`;
    headers["x-api-version"] = "2025-09";
  } else if (op.secured) headers.Authorization = `Bearer ${world.main.token}`;
  const body = values.body;
  if (op.api === "alloy" && body && typeof body === "object") foreign ||= isForeign("workflowId", (body as { workflowId?: unknown }).workflowId);
  if (body !== undefined) headers["content-type"] = "application/json";
  return { operationId: op.operationId, method: op.method.toUpperCase(), path, query, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}), foreign };
}
