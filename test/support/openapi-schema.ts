import { Ajv, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Doc = { [key: string]: Json };

// ajv-formats ships CommonJS; under NodeNext its default export is the module object.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/**
 * Compiles OpenAPI 3.0 schemas (with `nullable`, local `$ref`s into the same document) for ajv,
 * so tests can check examples and responses with a validator independent of the server's.
 */
export function createSchemaValidator(doc: Doc): (schema: Json) => ValidateFunction {
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  ajv.addSchema(toJsonSchema(doc) as object, "doc");
  return (schema) => ajv.compile(rebase(toJsonSchema(schema)) as object);
}

/** Rewrites OpenAPI 3.0 `nullable: true` into JSON Schema's `type: [T, "null"]`, recursively. */
export function toJsonSchema(node: Json): Json {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (node === null || typeof node !== "object") return node;
  const out: { [key: string]: Json } = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === "example" || key === "examples") out[key] = value;
    else out[key] = toJsonSchema(value);
  }
  if (out.nullable === true) {
    delete out.nullable;
    if (typeof out.type === "string") out.type = [out.type, "null"];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
    if (out.$ref !== undefined || out.allOf !== undefined || out.oneOf !== undefined || out.anyOf !== undefined) {
      const { nullable: _dropped, ...rest } = out;
      return { anyOf: [rest, { type: "null" }] };
    }
  }
  return out;
}

function rebase(node: Json): Json {
  if (Array.isArray(node)) return node.map(rebase);
  if (node === null || typeof node !== "object") return node;
  const out: { [key: string]: Json } = {};
  for (const [key, value] of Object.entries(node)) {
    out[key] = key === "$ref" && typeof value === "string" && value.startsWith("#/") ? `doc${value}` : rebase(value);
  }
  return out;
}

export type { Doc, Json };
