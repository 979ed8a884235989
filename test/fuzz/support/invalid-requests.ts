import fc from "fast-check";
import { isObject, loadApiSpec, type SpecOperationInfo } from "../../contract/support/index.ts";
import type { FuzzWorld } from "./fuzz-world.ts";
import { validRequest, type FuzzRequest } from "./valid-requests.ts";

type Corruption = { name: string; weight: number; applies: (op: SpecOperationInfo) => boolean; make: (base: FuzzRequest, op: SpecOperationInfo, world: FuzzWorld) => fc.Arbitrary<FuzzRequest> };

const MB = 1024 * 1024;
const PATH_TRICKS = ["..", "%2e%2e", "..%2F..%2Fworkflows", "%2F", "a%2Fb", "%00", "fl_run_%00", "%ZZ", "%E2%80%AE", "%F0%9F%98%80", "'%20OR%201%3D1--", "%3Bselect%20pg_sleep(5)", "x".repeat(5000), "%C0%AE%C0%AE", "~", "%20"];
const BAD_JSON = ['{"a":', "{'a':1}", "{,}", "[1,]", "nul", "{\"a\":1}}", "\u0000", '{"a":"\\x"}'];
const BAD_CONTENT_TYPES = ["text/plain", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json; charset=utf-7"];

function bodyProperties(op: SpecOperationInfo): { properties: Record<string, unknown>; required: string[] } {
  const schema = op.requestBody ? loadApiSpec(op.api).resolve(op.requestBody.schema) : {};
  const properties = isObject(schema) && isObject(schema.properties) ? schema.properties : {};
  const required = isObject(schema) && Array.isArray(schema.required) ? (schema.required as string[]) : [];
  return { properties, required };
}

function withBody(base: FuzzRequest, body: string, note: string, contentType = "application/json"): FuzzRequest {
  return { ...base, body, headers: { ...base.headers, "content-type": contentType }, corruption: note };
}

function parsedBody(base: FuzzRequest): Record<string, unknown> {
  const value = base.body ? (JSON.parse(base.body) as unknown) : {};
  return isObject(value) ? { ...value } : {};
}

const CORRUPTIONS: Corruption[] = [
  {
    name: "body of the wrong type",
    weight: 2,
    applies: (op) => op.requestBody !== undefined,
    make: (base) => fc.constantFrom("[]", "123", '"text"', "null", "true", "[{}]").map((body) => withBody(base, body, `body ${body}`)),
  },
  {
    name: "property of the wrong type",
    weight: 3,
    applies: (op) => Object.keys(bodyProperties(op).properties).length > 0,
    make: (base, op) =>
      fc.tuple(fc.constantFrom(...Object.keys(bodyProperties(op).properties)), fc.constantFrom<unknown>(12345, true, [], [1, 2], { a: 1 }, "text", 1.5)).map(([key, value]) => {
        const type = (loadApiSpec(op.api).resolve(bodyProperties(op).properties[key] as never) as { type?: string }).type;
        const wrong = typeof value === type || (type === "object" && isObject(value)) || (type === "array" && Array.isArray(value)) ? 12345 : value;
        return withBody(base, JSON.stringify({ ...parsedBody(base), [key]: wrong }), `${key} = ${JSON.stringify(wrong)}`);
      }),
  },
  {
    name: "required property missing",
    weight: 3,
    applies: (op) => bodyProperties(op).required.length > 0,
    make: (base, op) =>
      fc.constantFrom(...bodyProperties(op).required).map((key) => {
        const body = parsedBody(base);
        delete body[key];
        return withBody(base, JSON.stringify(body), `without ${key}`);
      }),
  },
  {
    name: "unsupported content type",
    weight: 2,
    applies: (op) => op.requestBody !== undefined,
    make: (base) => fc.constantFrom(...BAD_CONTENT_TYPES).map((type) => withBody(base, base.body ?? "{}", `content-type ${type}`, type)),
  },
  {
    name: "malformed JSON",
    weight: 2,
    applies: (op) => op.requestBody !== undefined,
    make: (base) => fc.constantFrom(...BAD_JSON).map((body) => withBody(base, body, `body ${JSON.stringify(body)}`)),
  },
  {
    name: "deeply nested JSON",
    weight: 1,
    applies: (op) => op.requestBody !== undefined,
    make: (base) =>
      fc.tuple(fc.integer({ min: 65, max: 200_000 }), fc.boolean()).map(([depth, arrays]) => {
        const [open, close] = arrays ? ["[", "]"] : ['{"a":', "}"];
        return withBody(base, `{"x":${open.repeat(depth)}1${close.repeat(depth)}}`, `${depth} levels of ${arrays ? "arrays" : "objects"}`);
      }),
  },
  {
    name: "huge body",
    weight: 1,
    applies: (op) => op.requestBody !== undefined,
    make: (base) =>
      fc.constantFrom(1.01, 2, 5).map((mb) => {
        const body = parsedBody(base);
        const key = Object.keys(body)[0] ?? "padding";
        return withBody(base, JSON.stringify({ ...body, [key]: "x".repeat(Math.round(mb * MB)) }), `${key} of ${mb} MB`);
      }),
  },
  {
    name: "unstorable text",
    weight: 2,
    applies: (op) => op.requestBody !== undefined || textQueryParam(op) !== undefined,
    make: (base, op) =>
      fc.tuple(fc.constantFrom("\u0000", "a\u0000b", "\ud800", "x\udfff"), fc.boolean()).map(([text, asKey]) => {
        const query = textQueryParam(op);
        if (!op.requestBody && query) {
          // Only NUL here: an unpaired surrogate cannot be percent-encoded at all.
          return { ...base, query: [...base.query.filter(([k]) => k !== query), [query, "a\u0000b"] as [string, string]], corruption: `?${query}=a%00b` };
        }
        const body = parsedBody(base);
        const key = asKey ? text : (Object.keys(body)[0] ?? "extra");
        return withBody(base, JSON.stringify({ ...body, [key]: asKey ? 1 : text }), `${asKey ? "key" : key} ${JSON.stringify(text)}`);
      }),
  },
  {
    name: "path parameter trick",
    weight: 3,
    applies: (op) => op.parameters.some((p) => p.in === "path"),
    make: (base, op) =>
      fc.tuple(fc.constantFrom(...op.parameters.filter((p) => p.in === "path").map((p) => p.name)), fc.constantFrom(...PATH_TRICKS)).map(([name, trick]) => {
        const segments = op.path.split("/");
        const at = segments.indexOf(`{${name}}`);
        const path = base.path.split("/").map((segment, i) => (i === at ? trick : segment)).join("/");
        return { ...base, path, foreign: false, corruption: `${name} = ${trick.length > 40 ? `${trick.slice(0, 20)}… (${trick.length} chars)` : trick}` };
      }),
  },
  {
    name: "bad query parameter",
    weight: 2,
    applies: (op) => op.parameters.some((p) => p.in === "query"),
    make: (base, op) =>
      fc.constantFrom(...op.parameters.filter((p) => p.in === "query").map((p) => p.name), "unknown_param").chain((name) => {
        const schema = loadApiSpec(op.api).resolve(op.parameters.find((p) => p.name === name)?.schema ?? {});
        return fc.constantFrom(...invalidQueryValues(name === "unknown_param" ? undefined : schema)).map((bad) => ({
          ...base,
          query: [...base.query.filter(([k]) => k !== name), [name, bad] as [string, string]],
          corruption: `?${name}=${bad}`,
        }));
      }),
  },
  {
    name: "bad Idempotency-Key",
    weight: 1,
    applies: (op) => op.parameters.some((p) => p.name === "Idempotency-Key"),
    make: (base) => fc.constantFrom("", "k".repeat(256), "k".repeat(5000)).map((key) => ({ ...base, headers: { ...base.headers, "Idempotency-Key": key }, corruption: `Idempotency-Key of ${key.length} chars` })),
  },
  {
    name: "bad credentials",
    weight: 4,
    applies: (op) => op.secured || op.api === "alloy",
    make: (base, op, world) => {
      const options = op.api === "alloy" ? ["", "bearer alloy_not-a-key", "bearer ", "Basic dXNlcjpwYXNz", `bearer ${world.main.apiKey}x`] : ["", "Bearer ", "Basic dXNlcjpwYXNz", ...Object.values(world.badTokens).map((t) => `Bearer ${t}`), `Bearer ${world.main.token}x`];
      return fc.constantFrom(...options).map((value) => {
        const headers = { ...base.headers };
        if (value === "") delete headers.Authorization;
        else headers.Authorization = value;
        return { ...base, headers, corruption: value === "" ? "no Authorization" : `Authorization ${value.slice(0, 30)}` };
      });
    },
  },
  {
    name: "bad API version",
    weight: 3,
    applies: (op) => op.api === "alloy",
    make: (base) =>
      fc.constantFrom("", "2024-01", "2025-9", "latest", "2025-09-01").map((version) => {
        const headers = { ...base.headers };
        if (version === "") delete headers["x-api-version"];
        else headers["x-api-version"] = version;
        return { ...base, headers, corruption: version === "" ? "no x-api-version" : `x-api-version ${version}` };
      }),
  },
];

/** The first free-text query parameter of an operation (a string that is not an enum). */
function textQueryParam(op: SpecOperationInfo): string | undefined {
  return op.parameters.find((p) => {
    const schema = loadApiSpec(op.api).resolve(p.schema) as { type?: string; enum?: unknown };
    return p.in === "query" && schema.type === "string" && !schema.enum;
  })?.name;
}

/** Query values the parameter's schema refuses (any value for a parameter the operation does not declare). */
function invalidQueryValues(schema: unknown): string[] {
  const candidates = ["abc", "", "-1", "0", "1.5", "99999999999999999999", "bogus", "2025-13-45T99:00:00Z", "a b!", "x".repeat(300)];
  if (!isObject(schema)) return candidates;
  const { type, pattern, minimum, maximum, minLength, maxLength, format } = schema as Record<string, never>;
  const values = (schema.enum as unknown[] | undefined)?.map(String);
  return candidates.filter((v) => {
    if (values) return !values.includes(v);
    if (type === "integer") return !/^-?\d+$/.test(v) || (typeof minimum === "number" && Number(v) < minimum) || (typeof maximum === "number" && Number(v) > maximum);
    if (format === "date-time") return Number.isNaN(Date.parse(v)) || !/^\d{4}-\d{2}-\d{2}T/.test(v);
    if (typeof pattern === "string" && !new RegExp(pattern).test(v)) return true;
    return (typeof minLength === "number" && v.length < minLength) || (typeof maxLength === "number" && v.length > maxLength);
  });
}

/** Builds invalid requests: a valid one with exactly one corruption applied. */
export function invalidRequest(op: SpecOperationInfo, world: FuzzWorld): fc.Arbitrary<FuzzRequest> {
  const applicable = CORRUPTIONS.filter((c) => c.applies(op));
  return validRequest(op, world).chain((base) => fc.oneof(...applicable.map((c) => ({ weight: c.weight, arbitrary: c.make(base, op, world) }))));
}

/** Names of the corruptions that apply to an operation (for the report). */
export function listCorruptions(op: SpecOperationInfo): string[] {
  return CORRUPTIONS.filter((c) => c.applies(op)).map((c) => c.name);
}
