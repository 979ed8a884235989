import { readFileSync } from "node:fs";
import path from "node:path";
import { expect } from "vitest";
import YAML from "yaml";
import { createSchemaValidator, type Doc, type Json } from "./openapi-schema.ts";

/** The two APIs under test. */
export type ApiName = "altostrat" | "alloy";

const ERROR_SCHEMA: Record<ApiName, string> = { altostrat: "ErrorResponse", alloy: "Error" };
const ALTOSTRAT_KEYS = ["type", "code", "message", "doc_url", "request_id", "errors"];
// Traces, HTML error pages and file paths are what a leaking error handler shows.
const LEAK = /<!doctype|<html|<pre>|node_modules|\n\s+at |\.ts:\d+|stack/i;

const specs = new Map<ApiName, Doc>();
const validators = new Map<ApiName, ReturnType<ReturnType<typeof createSchemaValidator>>>();

/** The bundled spec of an API (generated/<api>/openapi.yaml), read once. */
export function readBundledSpec(api: ApiName): Doc {
  let doc = specs.get(api);
  if (!doc) {
    doc = YAML.parse(readFileSync(path.join(process.cwd(), "generated", api, "openapi.yaml"), "utf8")) as Doc;
    specs.set(api, doc);
  }
  return doc;
}

/** Validates a body against the API's error schema with a validator independent of the server's. */
export function errorSchemaErrors(api: ApiName, body: unknown): string[] {
  let validate = validators.get(api);
  if (!validate) {
    validate = createSchemaValidator(readBundledSpec(api))({ $ref: `#/components/schemas/${ERROR_SCHEMA[api]}` });
    validators.set(api, validate);
  }
  return validate(body) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

/** The statuses an operation documents, e.g. `["202", "400", …]`. */
export function documentedStatuses(api: ApiName, specPath: string, method: string): string[] {
  const paths = readBundledSpec(api).paths as { [p: string]: { [m: string]: { responses?: { [s: string]: Json } } } };
  const op = paths[specPath]?.[method.toLowerCase()];
  if (!op?.responses) throw new Error(`${method} ${specPath} is not an operation of ${api}`);
  return Object.keys(op.responses);
}

/** What an error answer must be. `op` (when the request matches an operation) must document the status. */
export interface ExpectedError {
  status: number;
  code: string;
  /** Altostrat's broad category. */
  type?: string;
  op?: { path: string; method: string };
  /** A fragment the message must contain. */
  message?: RegExp | string;
}

/** An error answer, read once so the caller can check more. */
export interface ErrorAnswer {
  status: number;
  body: Record<string, unknown>;
  text: string;
  headers: Headers;
}

/**
 * Asserts an error answer: status, JSON content type, the API's error shape, the spec's error schema,
 * a request id equal to the `x-request-id` header, and no stack trace or HTML.
 */
export async function expectError(api: ApiName, response: Response, want: ExpectedError): Promise<ErrorAnswer> {
  const text = await response.text();
  const context = `${response.status} ${text.slice(0, 300)}`;
  expect(response.status, context).toBe(want.status);
  expect(response.headers.get("content-type"), context).toMatch(/^application\/json\b/);
  expect(text, "no stack trace or HTML in an error body").not.toMatch(LEAK);
  const body = JSON.parse(text) as Record<string, unknown>;
  expect(body.code, context).toBe(want.code);
  expect(typeof body.message).toBe("string");
  expect(errorSchemaErrors(api, body), context).toEqual([]);
  const requestId = api === "altostrat" ? body.request_id : body.requestId;
  expect(requestId, "request id in the body").toBe(response.headers.get("x-request-id"));
  if (api === "altostrat") {
    expect(Object.keys(body).filter((k) => !ALTOSTRAT_KEYS.includes(k))).toEqual([]);
    expect(body.doc_url).toBe(`https://docs.altostrat.io/errors/${want.code}`);
    if (want.type) expect(body.type).toBe(want.type);
  } else {
    expect(Object.keys(body).filter((k) => !["code", "message", "requestId", "details"].includes(k))).toEqual([]);
  }
  if (want.message !== undefined) expect(body.message).toMatch(want.message);
  if (want.op) expect(documentedStatuses(api, want.op.path, want.op.method)).toContain(String(want.status));
  return { status: response.status, body, text, headers: response.headers };
}
