/** The result of any client call: openapi-fetch's `{ data, error, response }`. */
interface CallResult {
  data?: unknown;
  error?: unknown;
  response: Response;
}

/** A 4xx or 5xx status. */
export type ErrorStatus = 400 | 401 | 403 | 404 | 405 | 406 | 408 | 409 | 410 | 412 | 413 | 415 | 422 | 429 | 500 | 501 | 502 | 503 | 504 | (number & {});

/** A failed call: the body is the operation's documented error shape, and the status is `S`. */
export type Problem<R extends CallResult, S extends number = number> = Extract<R, { error: unknown }> & {
  data?: undefined;
  error: NonNullable<Extract<R, { error: unknown }>["error"]>;
  response: Response & { readonly status: S };
};

/**
 * Narrows a call's result to a failure, with a given status when one is passed: afterwards `res.error`
 * has the operation's documented error type (Altostrat's `ErrorResponse`, Alloy's `Error`).
 * A failure with an empty or non-JSON body (e.g. a proxy's 502) is not a problem: check `res.response`.
 * @example
 * const res = await client.GET("/workflows/runs/{runId}", { params: { path: { runId } } });
 * if (isProblem(res, 404)) showNotFound(res.error.message);
 */
export function isProblem<R extends CallResult, S extends ErrorStatus>(res: R, status?: S): res is Problem<R, S> & R {
  if (res.error === undefined || res.error === null || typeof res.error !== "object") return false;
  return status === undefined || res.response.status === status;
}

/**
 * The status, body and request id of a failed call, or undefined after a success; for code that
 * switches on the status rather than testing one.
 */
export function readProblem<R extends CallResult>(res: R): { status: number; body: Problem<R>["error"]; requestId: string | null } | undefined {
  if (!isProblem(res)) return undefined;
  return { status: res.response.status, body: res.error, requestId: res.response.headers.get("x-request-id") };
}
