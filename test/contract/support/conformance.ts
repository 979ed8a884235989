import type { ApiSpec } from "./spec-index.ts";

/** One entry of Prism's `sl-violations` header. */
interface PrismViolation {
  location?: string[];
  severity?: string;
  code?: string | number;
  message?: string;
}

/** A response-side finding of Prism's validating proxy, tied to the operation that answered. */
export interface ConformanceFinding {
  operationId: string;
  method: string;
  path: string;
  status: number;
  /** Where in the response, e.g. `response.body.doc_url`. */
  field: string;
  message: string;
}

/**
 * Wraps fetch so every answer that passed through `prism proxy` (without `--errors`, so the server's
 * own answer is kept) is inspected: response-side violations Prism lists in `sl-violations` are
 * reported with the operation and field. Request-side violations are ignored: negative checks send
 * invalid requests on purpose.
 */
export function createConformanceFetch(
  spec: ApiSpec,
  report: (finding: ConformanceFinding) => void,
  inner: (input: Request) => Promise<Response> = (input) => fetch(input),
): (input: Request) => Promise<Response> {
  return async (input) => {
    const method = input.method;
    const url = new URL(input.url);
    const response = await inner(input);
    for (const finding of readFindings(spec, method, url.pathname, response)) report(finding);
    return response;
  };
}

/** Parses the response-side violations of one proxied answer. */
export function readFindings(spec: ApiSpec, method: string, urlPath: string, response: Response): ConformanceFinding[] {
  const header = response.headers.get("sl-violations");
  if (!header) return [];
  let parsed: PrismViolation[];
  try {
    parsed = JSON.parse(header) as PrismViolation[];
  } catch {
    return [{ operationId: "?", method, path: urlPath, status: response.status, field: "sl-violations", message: `unreadable: ${header}` }];
  }
  const operationId = spec.findOperation(method, urlPath)?.operationId ?? "(no operation)";
  return parsed
    .filter((v) => v.location?.[0] === "response" && v.severity === "Error")
    .map((v) => ({
      operationId,
      method,
      path: urlPath,
      status: response.status,
      field: (v.location ?? []).join("."),
      message: v.message ?? String(v.code ?? "violation"),
    }));
}
