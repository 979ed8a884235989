import { ApiVersionError, AuthError } from "../../auth/index.ts";
import { DomainError } from "../../core/index.ts";
import type { DomainErrorCode } from "../../domain/index.ts";

/**
 * One internal description of a failed request, before each API renders it in its own error shape.
 * Every error that reaches an API's error handler becomes an ErrorAnswer; nothing else is sent.
 */
export interface ErrorAnswer {
  status: number;
  code: string;
  message: string;
  details?: { path: string; message: string }[];
  retryAfterSeconds?: number;
  /** A refusal the server chose (admission control's 503): not a failure, so not logged as one. */
  refusal?: boolean;
  /** Only for the server's log: why a 5xx happened. */
  cause?: unknown;
}

/** Thrown by HTTP-layer code (auth, body checks) to answer with a specific status and code. */
export class HttpProblem extends Error {
  override readonly name = "HttpProblem";
  readonly status: number;
  readonly code: string;
  readonly details: { path: string; message: string }[] | undefined;
  /** Sent as Retry-After (a 503 the caller should retry, e.g. admission control's `overloaded`). */
  readonly retryAfterSeconds: number | undefined;
  constructor(status: number, code: string, message: string, details?: { path: string; message: string }[], retryAfterSeconds?: number) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** A 400 `validation_failed` for one part of the request (`at` is its JSON pointer, e.g. `/query/from`). */
export function invalidParameter(at: string, message: string): HttpProblem {
  return new HttpProblem(400, "validation_failed", `The request is invalid: ${at} ${message}.`, [{ path: at, message }]);
}

// HTTP status of each domain error code: a code added to the domain fails the type check until it is placed here.
const DOMAIN_STATUS = Object.freeze({
  workflow_not_found: 404,
  run_not_found: 404,
  node_not_found: 404,
  run_not_rerunnable: 409,
  run_not_cancellable: 409,
  rerun_job_not_found: 404,
  rerun_job_not_cancellable: 409,
  too_many_rerun_jobs: 429,
  run_not_awaiting_input: 409,
  invalid_node_input: 422,
  idempotency_key_in_use: 409,
  idempotency_key_mismatch: 422,
  payload_not_mergeable: 422,
  payload_too_large: 413,
  invalid_workflow_definition: 422,
  store_unavailable: 503,
} satisfies Record<DomainErrorCode, number>);

/** Seconds a client should wait before retrying when the store is unavailable. */
export const RETRY_AFTER_SECONDS = 2;

// What body-parser and express-openapi-validator attach to the errors they raise.
type TransportError = {
  status?: number;
  statusCode?: number;
  type?: string;
  code?: string;
  message?: string;
  errors?: { path?: string; message?: string; errorCode?: string }[];
  details?: unknown;
};

/** Turns anything thrown while serving a request into an ErrorAnswer. Unknown errors are 500s. */
export function toErrorAnswer(error: unknown): ErrorAnswer {
  if (error instanceof HttpProblem) {
    return {
      status: error.status,
      code: error.code,
      message: error.message,
      ...(error.details ? { details: error.details } : {}),
      ...(error.retryAfterSeconds ? { retryAfterSeconds: error.retryAfterSeconds, refusal: true } : {}),
    };
  }
  if (error instanceof AuthError) return { status: 401, code: error.code, message: error.message };
  if (error instanceof ApiVersionError) return { status: 400, code: error.code, message: error.message };
  if (error instanceof DomainError) {
    const status = DOMAIN_STATUS[error.code];
    const details = domainDetails(error.details);
    return {
      status,
      code: error.code,
      message: error.message,
      ...(details ? { details } : {}),
      ...(status === 503 ? { retryAfterSeconds: RETRY_AFTER_SECONDS, cause: error } : {}),
    };
  }
  return fromTransportError(error) ?? { status: 500, code: "internal_error", message: "An unexpected error occurred.", cause: error };
}

/** Errors raised by body-parser, express-openapi-validator and the router carry a status and a shape of their own. */
function fromTransportError(error: unknown): ErrorAnswer | undefined {
  const err = (error ?? {}) as TransportError;
  switch (err.type) {
    case "entity.parse.failed":
      return { status: 400, code: "malformed_json", message: "The request body is not valid JSON." };
    case "entity.too.large":
      return { status: 413, code: "payload_too_large", message: "The request body is larger than the server accepts." };
    case "encoding.unsupported":
    case "charset.unsupported":
      return { status: 415, code: "unsupported_media_type", message: "The request body's encoding or charset is not supported." };
    case "request.aborted":
      return { status: 400, code: "request_aborted", message: "The request body was not received completely." };
  }
  const status = err.status ?? err.statusCode;
  // The router could not percent-decode a path segment (e.g. `%ZZ`, overlong UTF-8 such as `%C0%AE`).
  if (error instanceof URIError && status === 400) {
    return { status: 400, code: "validation_failed", message: "The request path is not valid percent-encoded UTF-8.", details: [{ path: "/params", message: "is not valid percent-encoded UTF-8" }] };
  }
  if (typeof status !== "number" || status < 400 || status >= 500 || !Array.isArray(err.errors)) return undefined;
  const details = toDetails(err.errors);
  switch (status) {
    case 404:
      return { status, code: "route_not_found", message: "No operation of this API matches the request path." };
    case 405:
      return { status, code: "method_not_allowed", message: "This path does not support the request method." };
    case 413:
      return { status, code: "payload_too_large", message: "The request body is larger than the server accepts." };
    case 415:
      // The validator's detail names the route, not a part of the request: the message says it all.
      return { status, code: "unsupported_media_type", message: "The request body must be sent as application/json." };
    default:
      return { status: 400, code: "validation_failed", message: summarize(details), details };
  }
}

function domainDetails(details: unknown): { path: string; message: string }[] | undefined {
  const problems = (details as { problems?: unknown } | undefined)?.problems;
  return Array.isArray(problems) && problems.length > 0 ? toDetails(problems) : undefined;
}

function toDetails(items: unknown[]): { path: string; message: string }[] {
  return items.map((item) => {
    const { path, message } = (item ?? {}) as { path?: unknown; message?: unknown };
    return { path: String(path ?? ""), message: String(message ?? "is invalid") };
  });
}

function summarize(details: { path: string; message: string }[]): string {
  const first = details[0];
  if (!first) return "The request is invalid.";
  const rest = details.length > 1 ? ` (and ${details.length - 1} more problem${details.length > 2 ? "s" : ""})` : "";
  return `The request is invalid: ${first.path.replace(/^\./, "")} ${first.message}${rest}.`;
}
