import { readFileSync } from "node:fs";
import YAML from "yaml";

const METHODS = ["get", "put", "post", "delete", "patch", "head", "options"] as const;

/** One operation of a bundled spec, with its path turned into an express route. */
export interface SpecOperation {
  operationId: string;
  method: (typeof METHODS)[number];
  specPath: string;
  expressPath: string;
  /** Header parameters the operation declares, with the spec's spelling (express lowercases them). */
  headerParams: string[];
  /** Query parameters of `format: date-time`, which are read strictly before the handler runs. */
  dateTimeQueryParams: string[];
}

/** Bundled spec as a plain object (read once at startup). */
export type SpecDocument = { paths: Record<string, Record<string, SpecOperationObject>> } & Record<string, unknown>;

type SchemaObject = { format?: string; $ref?: string };
type ParameterObject = { name?: string; in?: string; $ref?: string; schema?: SchemaObject };
type SpecOperationObject = { operationId?: string; parameters?: ParameterObject[] };

/** Reads a bundled OpenAPI document (YAML). */
export function readSpec(file: string): SpecDocument {
  return YAML.parse(readFileSync(file, "utf8")) as SpecDocument;
}

/** Lists the operations of a spec, in the spec's order; every operation must have an operationId. */
export function listOperations(spec: SpecDocument): SpecOperation[] {
  const operations: SpecOperation[] = [];
  for (const [specPath, item] of Object.entries(spec.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      if (!op.operationId) throw new Error(`${method.toUpperCase()} ${specPath} has no operationId`);
      const params = [...((item as { parameters?: ParameterObject[] }).parameters ?? []), ...(op.parameters ?? [])].map((p) => resolveRef(spec, p));
      const headerParams = params.filter((p) => p.in === "header" && p.name).map((p) => p.name as string);
      const dateTimeQueryParams = params
        .filter((p) => p.in === "query" && p.name && p.schema && resolveRef(spec, p.schema).format === "date-time")
        .map((p) => p.name as string);
      operations.push({ operationId: op.operationId, method, specPath, expressPath: specPath.replace(/\{([^}]+)\}/g, ":$1"), headerParams, dateTimeQueryParams });
    }
  }
  return operations;
}


function resolveRef<T extends { $ref?: string }>(spec: SpecDocument, value: T): T {
  if (!value.$ref?.startsWith("#/")) return value;
  const target = value.$ref
    .slice(2)
    .split("/")
    .reduce<unknown>((at, key) => (at as Record<string, unknown> | undefined)?.[key], spec);
  return (target ?? {}) as T;
}
