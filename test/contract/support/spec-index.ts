import { readFileSync } from "node:fs";
import path from "node:path";
import type { ValidateFunction } from "ajv";
import YAML from "yaml";
import { createSchemaValidator, type Doc, type Json } from "../../support/openapi-schema.ts";
import { REPO_ROOT } from "../../support/run-script.ts";

/** The two contracts. */
export type ApiName = "altostrat" | "alloy";
/** Both contracts, in a fixed order. */
export const API_NAMES: readonly ApiName[] = ["altostrat", "alloy"];

/** One parameter of an operation, with `$ref`s resolved. */
export interface SpecParameter {
  name: string;
  in: "path" | "query" | "header";
  required: boolean;
  schema: Json;
}

/** One operation of a bundled spec, flattened for tests. */
export interface SpecOperationInfo {
  api: ApiName;
  operationId: string;
  method: string;
  path: string;
  parameters: SpecParameter[];
  requestBody?: { required: boolean; schema: Json };
  /** Documented statuses with their JSON body schema (undefined when the response has no body). */
  responses: Map<number, { schema?: Json; headers: string[] }>;
  secured: boolean;
}

/** A bundled spec with the lookups the contract layers need. */
export interface ApiSpec {
  name: ApiName;
  file: string;
  doc: Doc;
  operations: SpecOperationInfo[];
  operation(operationId: string): SpecOperationInfo;
  /** The operation whose path template (honouring parameter patterns) matches a request. */
  findOperation(method: string, urlPath: string): SpecOperationInfo | undefined;
  /** Follows local `$ref`s until a concrete schema. */
  resolve(schema: Json): Json;
  /** Validates a JSON body against the schema of one documented response; returns the problems. */
  checkResponse(operationId: string, status: number, body: unknown): string[];
  /** The schema every error answer of this API uses. */
  errorSchemaName: string;
  /** Validates a body against the API's error schema; returns the problems. */
  checkError(body: unknown): string[];
}

const cache = new Map<ApiName, ApiSpec>();

/** Loads `generated/<api>/openapi.yaml` once per process. */
export function loadApiSpec(api: ApiName): ApiSpec {
  const cached = cache.get(api);
  if (cached) return cached;
  const file = path.join(REPO_ROOT, "generated", api, "openapi.yaml");
  const doc = YAML.parse(readFileSync(file, "utf8")) as Doc;
  const compile = createSchemaValidator(doc);
  const resolve = (schema: Json): Json => {
    let at = schema;
    for (let hops = 0; hops < 20 && isObject(at) && typeof at.$ref === "string"; hops++) at = pointer(doc, at.$ref);
    return at;
  };
  const operations = listOperations(api, doc, resolve);
  const matchers = operations.map((op) => ({ op, regex: toRegex(op), literals: op.path.split("/").filter((s) => s && !s.startsWith("{")).length }));
  const validators = new Map<string, ValidateFunction>();
  const spec: ApiSpec = {
    name: api,
    file,
    doc,
    operations,
    errorSchemaName: api === "altostrat" ? "ErrorResponse" : "Error",
    resolve,
    operation(operationId) {
      const op = operations.find((o) => o.operationId === operationId);
      if (!op) throw new Error(`${api} has no operation ${operationId}`);
      return op;
    },
    findOperation(method, urlPath) {
      const candidates = matchers.filter((m) => m.op.method === method.toLowerCase() && m.regex.test(urlPath));
      return candidates.sort((a, b) => b.literals - a.literals)[0]?.op;
    },
    checkError(body) {
      let validate = validators.get("(error)");
      if (!validate) validators.set("(error)", (validate = compile({ $ref: `#/components/schemas/${spec.errorSchemaName}` })));
      return validate(body) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? "is invalid"}`);
    },
    checkResponse(operationId, status, body) {
      const op = spec.operation(operationId);
      const response = op.responses.get(status);
      if (!response) return [`status ${status} is not documented for ${operationId} (documented: ${[...op.responses.keys()].join(", ")})`];
      if (!response.schema) return body === undefined || body === "" ? [] : ["a body was sent where none is documented"];
      const key = `${operationId}:${status}`;
      let validate = validators.get(key);
      if (!validate) validators.set(key, (validate = compile(response.schema)));
      if (validate(body)) return [];
      return (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? "is invalid"}`);
    },
  };
  cache.set(api, spec);
  return spec;
}

function listOperations(api: ApiName, doc: Doc, resolve: (s: Json) => Json): SpecOperationInfo[] {
  const out: SpecOperationInfo[] = [];
  const paths = doc.paths as Record<string, Record<string, Json>>;
  for (const [specPath, item] of Object.entries(paths)) {
    for (const [method, raw] of Object.entries(item)) {
      if (!["get", "post", "put", "patch", "delete"].includes(method) || !isObject(raw)) continue;
      const params = ((raw.parameters ?? []) as Json[]).map((p) => resolve(p) as Record<string, Json>);
      const body = raw.requestBody ? (resolve(raw.requestBody) as Record<string, Json>) : undefined;
      const responses = new Map<number, { schema?: Json; headers: string[] }>();
      for (const [status, r] of Object.entries((raw.responses ?? {}) as Record<string, Json>)) {
        const response = resolve(r) as Record<string, Json>;
        const content = response.content as Record<string, { schema?: Json }> | undefined;
        const schema = content?.["application/json"]?.schema;
        responses.set(Number(status), { ...(schema ? { schema } : {}), headers: Object.keys((response.headers ?? {}) as object) });
      }
      const bodySchema = (body?.content as Record<string, { schema: Json }> | undefined)?.["application/json"]?.schema;
      out.push({
        api,
        operationId: String(raw.operationId),
        method,
        path: specPath,
        parameters: params.map((p) => ({ name: String(p.name), in: p.in as SpecParameter["in"], required: p.required === true, schema: p.schema ?? {} })),
        ...(body && bodySchema ? { requestBody: { required: body.required === true, schema: bodySchema } } : {}),
        responses,
        secured: Array.isArray(raw.security) ? raw.security.length > 0 : false,
      });
    }
  }
  return out;
}

function toRegex(op: SpecOperationInfo): RegExp {
  const segments = op.path.split("/").map((segment) => {
    const name = /^\{(.+)\}$/.exec(segment)?.[1];
    if (!name) return segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const schema = op.parameters.find((p) => p.in === "path" && p.name === name)?.schema;
    const pattern = isObject(schema) && typeof schema.pattern === "string" ? schema.pattern.replace(/^\^/, "").replace(/\$$/, "") : "[^/]+";
    return `(?:${pattern})`;
  });
  return new RegExp(`^${segments.join("/")}$`);
}

function pointer(doc: Doc, ref: string): Json {
  if (!ref.startsWith("#/")) throw new Error(`Only local $refs are supported: ${ref}`);
  return ref
    .slice(2)
    .split("/")
    .reduce<Json>((at, key) => (isObject(at) ? (at[key.replace(/~1/g, "/").replace(/~0/g, "~")] ?? null) : null), doc);
}

/** True for a plain JSON object. */
export function isObject(value: unknown): value is Record<string, Json> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
