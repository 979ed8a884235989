import { Ajv, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import type { Problem } from "../errors.ts";

// ajv-formats ships CommonJS; under NodeNext its default export is the module object.
const addFormats = addFormatsModule as unknown as (ajv: Ajv, options: { mode: "fast" }) => Ajv;

/**
 * Largest input schema of a ui_interaction node, as UTF-8 JSON. It is compiled on the serving thread:
 * a schema this size compiles in ~100 ms and its validator holds ~170 KiB (measured on 2 cores).
 */
export const MAX_INPUT_SCHEMA_BYTES = 8 * 1024;
/** Largest sum of the input schemas of one definition, so one request compiles at most this much. */
export const MAX_DEFINITION_INPUT_SCHEMA_BYTES = 32 * 1024;
/** Deepest nesting of the input schema's objects and arrays. */
export const MAX_INPUT_SCHEMA_DEPTH = 32;
/** Largest input a person may deliver, as UTF-8 JSON; it becomes the node's output. */
export const MAX_INPUT_BYTES = 16 * 1024;
/** Most validation errors an answer lists. */
const MAX_REPORTED_ERRORS = 20;
/**
 * Keywords refused in tenant schemas: a regular expression from a tenant, run against another
 * input, can backtrack for minutes on one request; references may only point inside the schema.
 */
const REFUSED_KEYWORDS = new Set(["pattern", "patternProperties", "$dynamicRef", "$recursiveRef"]);

/** What a schema-less node accepts: any JSON object. */
export const DEFAULT_INPUT_SCHEMA: Readonly<Record<string, unknown>> = Object.freeze({ type: "object" });

// One compiler: strict (an unknown keyword is a mistake worth reporting), formats checked with the
// fast (regex-free of backtracking) variants, no remote loading (no `loadSchema`), no `$data`.
const ajv = new Ajv({
  strictSchema: true,
  strictNumbers: true,
  strictTypes: false,
  strictTuples: false,
  strictRequired: false,
  allErrors: true,
  allowUnionTypes: true,
  addUsedSchema: false,
  logger: false,
});
addFormats(ajv, { mode: "fast" });

// Validators compiled for deliveries, by schema text; few, since each may hold a few hundred KiB.
const compiled = new Map<string, ValidateFunction>();
const MAX_COMPILED = 32;

/** Problems with a tenant's input schema (size, depth, refused keywords, then ajv's own checks). */
export function checkInputSchema(schema: unknown, path: string): Problem[] {
  if (schema === null || typeof schema !== "object" || Array.isArray(schema)) return [{ path, message: "must be a JSON Schema object" }];
  const bytes = Buffer.byteLength(JSON.stringify(schema));
  if (bytes > MAX_INPUT_SCHEMA_BYTES) return [{ path, message: `must be at most ${MAX_INPUT_SCHEMA_BYTES} bytes as JSON (got ${bytes})` }];
  // Both APIs deliver the input as a JSON object, so a schema for anything else could never be met.
  if ((schema as { type?: unknown }).type !== "object") return [{ path: `${path}.type`, message: 'must be "object": the input a person delivers is a JSON object' }];
  const shape = findShapeProblem(schema);
  if (shape) return [{ path: shape.at ? `${path}.${shape.at}` : path, message: shape.message }];
  try {
    ajv.compile(schema); // not kept: a saved definition may never be delivered to
    return [];
  } catch (err) {
    return [{ path, message: `is not a valid JSON Schema: ${err instanceof Error ? err.message : String(err)}` }];
  }
}

/** The size of a node's input schema as JSON (0 without one), for the definition's total. */
export function inputSchemaBytes(config: unknown): number {
  const schema = (config as { input_schema?: unknown } | null)?.input_schema;
  return schema === undefined ? 0 : Buffer.byteLength(JSON.stringify(schema) ?? "");
}

/** Problems of a person's input against a (checked) schema, as JSON pointers into the delivered input. */
export function validateInput(schema: unknown, input: unknown, at: string): Problem[] {
  const bytes = Buffer.byteLength(JSON.stringify(input) ?? "");
  if (bytes > MAX_INPUT_BYTES) return [{ path: at, message: `must be at most ${MAX_INPUT_BYTES} bytes as JSON (got ${bytes})` }];
  const validate = compile(schema as object);
  if (validate(input)) return [];
  return (validate.errors ?? []).slice(0, MAX_REPORTED_ERRORS).map((e) => ({ path: `${at}${e.instancePath}`, message: e.message ?? "is invalid" }));
}

function compile(schema: object): ValidateFunction {
  const key = JSON.stringify(schema);
  let fn = compiled.get(key);
  if (!fn) {
    fn = ajv.compile(schema);
    if (compiled.size >= MAX_COMPILED) compiled.delete(compiled.keys().next().value!);
    compiled.set(key, fn);
  }
  return fn;
}

/** The first keyword or shape refused in a schema, found without recursion (a hostile schema cannot exhaust the stack). */
function findShapeProblem(schema: object): { at: string; message: string } | undefined {
  const stack: { node: unknown; depth: number; at: string }[] = [{ node: schema, depth: 1, at: "" }];
  while (stack.length > 0) {
    const { node, depth, at } = stack.pop()!;
    if (node === null || typeof node !== "object") continue;
    if (depth > MAX_INPUT_SCHEMA_DEPTH) return { at, message: `must be nested at most ${MAX_INPUT_SCHEMA_DEPTH} levels deep` };
    for (const [key, value] of Object.entries(node)) {
      const where = at ? `${at}.${key}` : key;
      if (!Array.isArray(node)) {
        if (REFUSED_KEYWORDS.has(key)) return { at: where, message: "is not accepted (regular expressions and dynamic references are refused)" };
        if (key === "$ref" && (typeof value !== "string" || !value.startsWith("#"))) {
          return { at: where, message: "must point inside the schema (start with '#'); remote references are refused" };
        }
        if (key === "$id" || key === "$schema") return { at: where, message: "is not accepted: the schema is compiled as JSON Schema draft-07 on its own" };
      }
      stack.push({ node: value, depth: depth + 1, at: where });
    }
  }
  return undefined;
}
