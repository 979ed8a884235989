import type { components } from "../../../generated/altostrat/schema.d.ts";
import type { ErrorAnswer } from "../http/problem.ts";
import { toDefinitionFieldError } from "./mappers.ts";

type ErrorResponse = components["schemas"]["ErrorResponse"];

const TYPE_BY_STATUS: Record<number, ErrorResponse["type"]> = {
  401: "authentication_error",
  404: "not_found_error",
  409: "conflict_error",
};

/**
 * Where each error code is explained. `doc_url` is an absolute URI in the contract, shaped like the
 * vendor's (`https://docs.altostrat.io/errors/<code>`), so clients built against the vendor keep working.
 */
export const ERROR_DOCS_BASE = "https://docs.altostrat.io/errors";

/** Renders an ErrorAnswer as Altostrat's documented `ErrorResponse`. */
export function renderAltostratErrorAnswer(answer: ErrorAnswer, requestId: string): { status: number; body: ErrorResponse } {
  const type = answer.status >= 500 ? "api_error" : (TYPE_BY_STATUS[answer.status] ?? "invalid_request_error");
  return {
    status: answer.status,
    body: {
      type,
      code: answer.code,
      message: answer.message,
      doc_url: `${ERROR_DOCS_BASE}/${answer.code}`,
      request_id: requestId,
      ...(answer.details && answer.details.length > 0 ? { errors: answer.details.map((d) => toFieldError(answer.code, d)) } : {}),
    },
  };
}

/** Definition problems (createWorkflow's 422) point into the request body; other details already do. */
function toFieldError(code: string, detail: { path: string; message: string }): { path: string; message: string } {
  return code === "invalid_workflow_definition" ? toDefinitionFieldError(detail) : detail;
}
