import fc from "fast-check";
import type { Json } from "../../support/openapi-schema.ts";
import { isObject, type ApiSpec } from "../../contract/support/index.ts";

/** Replaces the generator of named component schemas (e.g. to produce valid workflow graphs). */
export type SchemaOverrides = Record<string, fc.Arbitrary<unknown>>;

/** Options of {@link createSchemaArbitrary}. */
export interface SchemaArbitraryOptions {
  overrides?: SchemaOverrides;
  /** Characters strings may use: `ascii` for header values, `unicode` (any code point, plus NUL and a lone surrogate) elsewhere. */
  strings?: "ascii" | "unicode";
}

// Strings that often break servers: control and right-to-left characters, emoji, SQL and template syntax.
// NUL and unpaired surrogates are left out: the specs document them as refused (see invalid-requests.ts).
const NASTY = ["\u0001", "\u202e", "\ufeff", "😀", "'", '"', "\\", "%", "{{", "}}", "$1", "'; DROP TABLE runs;--", "\n", "\u2028"];

/** A generator of values valid against one OpenAPI 3.0 schema of a bundled spec. */
export function createSchemaArbitrary(spec: ApiSpec, schema: Json, options: SchemaArbitraryOptions = {}): fc.Arbitrary<unknown> {
  const build = (node: Json, depth: number): fc.Arbitrary<unknown> => {
    if (isObject(node) && typeof node.$ref === "string") {
      const name = node.$ref.split("/").pop() ?? "";
      const override = options.overrides?.[name];
      if (override) return override;
      return build(spec.resolve(node), depth);
    }
    if (!isObject(node)) return fc.jsonValue({ maxDepth: 1 });
    const inner = buildConcrete(node, depth);
    return node.nullable === true ? fc.option(inner, { nil: null, freq: 4 }) : inner;
  };

  const buildConcrete = (node: Record<string, Json>, depth: number): fc.Arbitrary<unknown> => {
    if (Array.isArray(node.enum)) return fc.constantFrom(...node.enum.filter((v) => v !== null));
    switch (node.type) {
      case "string":
        return buildString(node);
      case "integer":
        return buildInteger(node);
      case "number":
        return fc.double({ min: num(node.minimum, -1e9), max: num(node.maximum, 1e9), noNaN: true, noDefaultInfinity: true });
      case "boolean":
        return fc.boolean();
      case "array": {
        const minLength = num(node.minItems, 0);
        return fc.array(build(node.items ?? {}, depth + 1), { minLength, maxLength: Math.min(num(node.maxItems, minLength + 3), minLength + 3) });
      }
      case "object":
        return buildObject(node, depth);
      default:
        return anyJson();
    }
  };

  const buildObject = (node: Record<string, Json>, depth: number): fc.Arbitrary<unknown> => {
    const properties = isObject(node.properties) ? node.properties : {};
    const required = Array.isArray(node.required) ? (node.required as string[]) : [];
    // `oneOf` branches that only list `required` (exactly one of some properties, e.g. workflowId or
    // workflowName): pick a branch, require its properties, leave out those only other branches require.
    const branches = Array.isArray(node.oneOf) ? node.oneOf.filter(isObject).map((b) => (Array.isArray(b.required) ? (b.required as string[]) : [])) : [];
    if (branches.length > 0) {
      return fc.constantFrom(...branches).chain((chosen) => {
        const others = new Set(branches.flat().filter((key) => !chosen.includes(key)));
        const kept = Object.fromEntries(Object.entries(properties).filter(([key]) => !others.has(key)));
        const { oneOf: _oneOf, ...rest } = node;
        return buildObject({ ...rest, properties: kept, required: [...required, ...chosen] }, depth);
      });
    }
    const record = fc.record(
      Object.fromEntries(Object.entries(properties).map(([key, value]) => [key, build(value, depth + 1)])),
      { requiredKeys: required.filter((key) => key in properties) },
    );
    if (node.additionalProperties !== true || depth > 3) return record;
    // Free-form objects (trigger payloads, node configs): arbitrary JSON under arbitrary keys.
    const extra = fc.dictionary(text(1, 20), anyJson(), { maxKeys: 4 });
    return fc.tuple(record, extra).map(([known, more]) => ({ ...more, ...(known as object) }));
  };

  const unicode = options.strings !== "ascii";
  const text = (minLength: number, maxLength: number) =>
    unicode
      ? fc.oneof(
          { weight: 4, arbitrary: fc.string({ minLength, maxLength, unit: "binary" }).map(storable) },
          { weight: 1, arbitrary: fc.array(fc.constantFrom(...NASTY), { minLength: 1, maxLength: 6 }).map((a) => fit(a.join(""), minLength, maxLength)) },
        )
      : fc.string({ minLength, maxLength, unit: fc.constantFrom(..." !#$%&'()*+,-./0123456789:;<=>?@ABCXYZabcxyz[]^_`{|}~") });
  const anyJson = () => fc.jsonValue({ maxDepth: 2, ...(unicode ? { stringUnit: "binary" as const } : {}) }).map(storable);

  const buildString = (node: Record<string, Json>): fc.Arbitrary<string> => {
    if (typeof node.pattern === "string") return fc.stringMatching(new RegExp(node.pattern));
    if (node.format === "date-time") {
      return fc.date({ min: new Date("1970-01-01T00:00:00Z"), max: new Date("2100-01-01T00:00:00Z"), noInvalidDate: true }).map((d) => d.toISOString());
    }
    if (node.format === "uri") return fc.webUrl();
    const minLength = num(node.minLength, 0);
    const maxLength = num(node.maxLength, 40);
    // Mostly short strings, sometimes the longest the schema allows.
    return fc.oneof({ weight: 5, arbitrary: text(minLength, Math.min(maxLength, minLength + 24)) }, { weight: 1, arbitrary: text(maxLength, maxLength) });
  };

  return build(schema, 0);
}

function buildInteger(node: Record<string, Json>): fc.Arbitrary<number> {
  const min = num(node.minimum, -(2 ** 31));
  const max = num(node.maximum, Number.MAX_SAFE_INTEGER);
  // Small values most of the time, but also the bounds (an unbounded `page` reaches MAX_SAFE_INTEGER).
  return fc.oneof({ weight: 6, arbitrary: fc.integer({ min, max: Math.min(max, min + 50) }) }, { weight: 1, arbitrary: fc.constantFrom(min, max) }, { weight: 1, arbitrary: fc.integer({ min, max }) });
}

/** Replaces what the specs document as unstorable (U+0000, unpaired surrogates) in every string and key of a value. */
export function storable<T>(value: T): T {
  const clean = (text: string) => text.replace(/\u0000/g, " ").replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "?");
  if (typeof value === "string") return clean(value) as T;
  if (Array.isArray(value)) return value.map(storable) as T;
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [clean(k), storable(v)])) as T;
  return value;
}

/** Pads or cuts a string to a length range (cutting may split a surrogate pair, which is fine for fuzzing). */
function fit(value: string, minLength: number, maxLength: number): string {
  const cut = value.length > maxLength ? storable(value.slice(0, maxLength)) : value;
  return cut.length < minLength ? cut.padEnd(minLength, "x") : cut;
}

function num(value: Json | undefined, fallback: number): number {
  return typeof value === "number" ? value : fallback;
}
