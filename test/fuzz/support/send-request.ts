import type { ApiName } from "../../contract/support/index.ts";
import type { FuzzWorld } from "./fuzz-world.ts";
import type { FuzzRequest } from "./valid-requests.ts";

/** What the server answered to one fuzz request, and how the number of runs changed meanwhile. */
export interface FuzzAnswer {
  status: number;
  contentType: string;
  body: unknown;
  text: string;
  ms: number;
  runsCreated: number;
  /** The path the server saw, after the client resolved dot segments (`..`, `%2e%2e`). */
  resolvedPath: string;
  /** Set when no answer came (timeout, connection reset). */
  error?: string;
}

/** Longest a single request may take before it counts as a hang. */
export const REQUEST_TIMEOUT_MS = 5000;

/** Sends one request straight to the server (no client, no proxy) and counts the runs it created. */
export async function sendRequest(world: FuzzWorld, api: ApiName, request: FuzzRequest, timeoutMs = REQUEST_TIMEOUT_MS): Promise<FuzzAnswer> {
  // Percent-encoding as RFC 3986 wants it (a space is %20, not the form encoding's `+`).
  const query = request.query.length > 0 ? `?${request.query.map(([k, v]) => `${encode(k)}=${encode(v)}`).join("&")}` : "";
  const url = `${world.urls[api]}${request.path}${query}`;
  const resolvedPath = new URL(url).pathname;
  const before = await world.countRuns();
  const started = performance.now();
  try {
    const response = await fetch(url, {
      method: request.method,
      headers: request.headers,
      ...(request.body !== undefined ? { body: request.body } : {}),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    const ms = performance.now() - started;
    const body = parse(text);
    world.coverage?.record({ api, method: request.method, url, headers: request.headers, status: response.status, body, by: `fuzz ${request.operationId} ${request.corruption === undefined ? "valid" : "invalid"}` });
    return { status: response.status, contentType: response.headers.get("content-type") ?? "", body, text, ms, runsCreated: (await world.countRuns()) - before, resolvedPath };
  } catch (error) {
    const ms = performance.now() - started;
    const reason = error instanceof Error && error.name === "TimeoutError" ? `no answer within ${timeoutMs} ms` : `no answer: ${String((error as Error).cause ?? error)}`;
    return { status: 0, contentType: "", body: undefined, text: "", ms, runsCreated: (await world.countRuns()) - before, resolvedPath, error: reason };
  }
}

function encode(value: string): string {
  return encodeURIComponent(value.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "?"));
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
