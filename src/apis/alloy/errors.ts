import type { components } from "../../../generated/alloy/schema.d.ts";
import type { Problem } from "../http/problem.ts";

type AlloyError = components["schemas"]["Error"];

/** Renders a Problem as the Alloy `Error` body (camelCase, like the rest of Alloy's API). */
export function renderAlloyProblem(problem: Problem, requestId: string): { status: number; body: AlloyError } {
  return {
    status: problem.status,
    body: {
      code: problem.code,
      message: problem.message,
      requestId,
      ...(problem.details && problem.details.length > 0 ? { details: problem.details } : {}),
    },
  };
}
