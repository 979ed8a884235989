import { readFileSync } from "node:fs";
import YAML from "yaml";
import { toJsonSchema, type Json } from "../../test/support/openapi-schema.ts";

type Node = { [key: string]: Json };

/** Reads a bundled OpenAPI document. */
export function readBundle(file: string): Node {
  return YAML.parse(readFileSync(file, "utf8")) as Node;
}

/** Follows one local `$ref` (`#/components/...`). */
export function resolveRef(doc: Node, ref: string): Json {
  return ref
    .slice(2)
    .split("/")
    .reduce<Json>((at, key) => (at as Node)[key] as Json, doc);
}

/**
 * A schema of the bundle as plain JSON Schema: every local `$ref` inlined (the benchmark's schemas
 * are not recursive) and OpenAPI 3.0 `nullable` rewritten, so any ajv-based validator takes it as is.
 */
export function toStandaloneSchema(doc: Node, schema: Json, depth = 0): Json {
  if (depth > 32) throw new Error("schema nests too deeply (recursive $ref?)");
  if (Array.isArray(schema)) return schema.map((s) => toStandaloneSchema(doc, s, depth + 1));
  if (schema === null || typeof schema !== "object") return schema;
  if (typeof schema.$ref === "string") return toStandaloneSchema(doc, resolveRef(doc, schema.$ref), depth + 1);
  const out: Node = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === "example" || key === "examples" || key === "description") continue;
    out[key] = toStandaloneSchema(doc, value, depth + 1);
  }
  return toJsonSchema(out);
}
