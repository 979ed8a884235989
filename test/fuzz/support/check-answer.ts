import { loadApiSpec, preview, type SpecOperationInfo } from "../../contract/support/index.ts";
import type { FuzzAnswer } from "./send-request.ts";
import type { FuzzRequest } from "./valid-requests.ts";

const ROUTE_LEVEL_CODES = new Set(["route_not_found", "method_not_allowed"]);

/** What is wrong with the answer to a valid request (empty when it is a documented, schema-valid answer). */
export function checkValidAnswer(op: SpecOperationInfo, request: FuzzRequest, answer: FuzzAnswer): string[] {
  if (answer.error) return [answer.error];
  const problems = commonProblems(op, answer);
  if (answer.status === 400) problems.push(`a request valid against the spec was refused with 400: ${preview(answer.body)}`);
  // An Idempotency-Key the caller already used for another request is judged before the resource
  // (keys are scoped to the caller), which tells the caller nothing about another account.
  const keyReused = answer.status === 422 && (answer.body as { code?: unknown } | undefined)?.code === "idempotency_key_mismatch";
  if (request.foreign && answer.status !== 404 && !keyReused) problems.push(`a request naming another account's resource answered ${answer.status}, want 404`);
  if (!op.responses.has(answer.status)) problems.push(`status ${answer.status} is not documented for ${op.operationId}`);
  else problems.push(...loadApiSpec(op.api).checkResponse(op.operationId, answer.status, answer.body).map((p) => `body: ${p}`));
  const succeeded = answer.status >= 200 && answer.status < 300;
  if (answer.runsCreated > 1 || (!succeeded && answer.runsCreated !== 0)) problems.push(`${answer.runsCreated} runs were created by a ${answer.status} answer`);
  return problems;
}

/** What is wrong with the answer to an invalid request (empty when it is a documented 4xx in the API's error shape). */
export function checkInvalidAnswer(op: SpecOperationInfo, request: FuzzRequest, answer: FuzzAnswer): string[] {
  if (answer.error) return [answer.error];
  const problems = commonProblems(op, answer);
  if (answer.status < 400 || answer.status >= 500) problems.push(`an invalid request (${request.corruption}) answered ${answer.status}, want a 4xx`);
  const code = (answer.body as { code?: unknown } | undefined)?.code;
  // Path tricks such as `..` are resolved by the client: the request may reach another operation, or none
  // (then the API's route-level 404/405 applies).
  const resolved = answer.resolvedPath.replace(/(.)\/+$/, "$1"); // express routes ignore a trailing slash
  const reached = loadApiSpec(op.api).findOperation(request.method, resolved) ?? (answer.resolvedPath === request.path ? op : undefined);
  const documented = reached ? reached.responses.has(answer.status) : ROUTE_LEVEL_CODES.has(String(code));
  if (!documented) problems.push(`status ${answer.status} (${String(code)}) is not documented for ${reached?.operationId ?? `${request.method} ${resolved}`}`);
  problems.push(...loadApiSpec(op.api).checkError(answer.body).map((p) => `error body: ${p}`));
  if (answer.runsCreated !== 0) problems.push(`${answer.runsCreated} runs were created by an invalid request`);
  return problems;
}

function commonProblems(op: SpecOperationInfo, answer: FuzzAnswer): string[] {
  const problems: string[] = [];
  if (answer.status >= 500) problems.push(`server error ${answer.status}: ${preview(answer.body)}`);
  if (!/^application\/json/.test(answer.contentType)) problems.push(`content-type '${answer.contentType}' is not JSON: ${answer.text.slice(0, 200)}`);
  return problems;
}
