import type { components } from "../../../generated/altostrat/schema.d.ts";
import type { Problem } from "../http/problem.ts";

type ErrorResponse = components["schemas"]["ErrorResponse"];

const TYPE_BY_STATUS: Record<number, ErrorResponse["type"]> = {
  401: "authentication_error",
  404: "not_found_error",
  409: "conflict_error",
};

/** Where each error code is explained: the reference served by this listener. */
export const ERROR_DOCS_BASE = "/docs#section/Errors";

/** Renders a Problem as Altostrat's documented `ErrorResponse`. */
export function renderAltostratProblem(problem: Problem, requestId: string): { status: number; body: ErrorResponse } {
  const type = problem.status >= 500 ? "api_error" : (TYPE_BY_STATUS[problem.status] ?? "invalid_request_error");
  return {
    status: problem.status,
    body: {
      type,
      code: problem.code,
      message: problem.message,
      doc_url: `${ERROR_DOCS_BASE}/${problem.code}`,
      request_id: requestId,
      ...(problem.details && problem.details.length > 0 ? { errors: problem.details } : {}),
    },
  };
}
