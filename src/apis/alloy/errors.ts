import type { components } from "../../../generated/alloy/schema.d.ts";
import type { ErrorAnswer } from "../http/problem.ts";

type AlloyError = components["schemas"]["Error"];

/** Renders an ErrorAnswer as the Alloy `Error` body (camelCase, like the rest of Alloy's API). */
export function renderAlloyErrorAnswer(answer: ErrorAnswer, requestId: string): { status: number; body: AlloyError } {
  return {
    status: answer.status,
    body: {
      code: answer.code,
      message: answer.message,
      requestId,
      ...(answer.details && answer.details.length > 0 ? { details: answer.details } : {}),
    },
  };
}
