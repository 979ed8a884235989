import assert from "node:assert/strict";
import { loadApiSpec, type ApiName } from "./spec-index.ts";

/** What an openapi-fetch call resolves to. */
export interface FetchResult {
  response: Response;
  data?: unknown;
  error?: unknown;
}

/**
 * Asserts a documented answer: the status, a JSON content type, and a body valid against the
 * operation's schema for that status (checked with ajv from the bundled spec). Returns the body.
 */
export function expectAnswer(api: ApiName, operationId: string, result: FetchResult, status: number): unknown {
  const body = result.data ?? result.error;
  assert.equal(result.response.status, status, `${operationId} answered ${result.response.status}, want ${status}: ${preview(body)}`);
  const type = result.response.headers.get("content-type") ?? "";
  assert.match(type, /^application\/json/, `${operationId} answered with content-type '${type}'`);
  const problems = loadApiSpec(api).checkResponse(operationId, status, body);
  assert.deepEqual(problems, [], `${operationId} ${status} body breaks its schema: ${problems.join("; ")} in ${preview(body)}`);
  return body;
}

/** Asserts a documented error answer with a given code, in the API's error shape. */
export function expectError(api: ApiName, operationId: string, result: FetchResult, status: number, code: string): Record<string, unknown> {
  const body = expectAnswer(api, operationId, result, status) as Record<string, unknown>;
  assert.equal(body.code, code, `${operationId} error code ${String(body.code)}, want ${code}`);
  if (api === "altostrat") assert.equal(body.type, ALTOSTRAT_ERROR_TYPE[status] ?? "invalid_request_error", `error type for ${status}`);
  return body;
}

const ALTOSTRAT_ERROR_TYPE: Record<number, string> = {
  401: "authentication_error",
  404: "not_found_error",
  409: "conflict_error",
  500: "api_error",
  503: "api_error",
};

/** A short JSON preview for failure messages. */
export function preview(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 300 ? `${text.slice(0, 300)}…` : text;
}
