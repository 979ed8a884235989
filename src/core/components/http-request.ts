import type { Component, NodeInput } from "./component.ts";
import { assertAllowedDestination, findInChain, tenantNetworkError } from "./network-policy.ts";
import { NodeError } from "./node-error.ts";
import { renderRequestInSandbox } from "./jsonata-expression.ts";
import { parseUrlTemplate } from "./url-template.ts";
import { startDeadline, untilAborted } from "../net/deadline.ts";
import type { Problem } from "../errors.ts";

const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];
/** Upper bound for a node's `timeout_ms`. */
export const MAX_HTTP_TIMEOUT_MS = 300_000;
const MAX_REDIRECTS = 5;
/** Headers that carry credentials: never sent to another origin than the one they were written for. */
const CREDENTIAL_HEADERS = ["authorization", "cookie", "proxy-authorization"];
/** Headers describing a body, dropped with it when a redirect turns the request into a GET. */
const BODY_HEADERS = ["content-type", "content-length", "content-encoding", "content-language", "content-location"];

/**
 * Calls an HTTP endpoint. The url's scheme, host and port are literal; placeholders fill its path,
 * query and fragment (percent-encoded). Header values and body strings are templated from the run
 * context; the output is `{status, headers, body}` (body JSON-parsed when the response says JSON);
 * a non-2xx status fails the node. One deadline (`timeout_ms`, else the service default) covers the
 * whole exchange: destination checks, connecting, headers, every redirect hop and the body. Every
 * hop of a redirect passes the network policy again, and credentials are not sent to another origin.
 *
 * Failures are NodeErrors with a `code` (`invalid_url`, `destination_refused`,
 * `host_not_found`, `http_timeout`, `request_failed`, `http_error_status`, `response_too_large`) and a
 * message in the tenant's terms; internals (resolved addresses) are only in `cause`.
 */
export const httpRequestComponent: Component = {
  sideEffects: true,
  type: "http_request",
  validateConfig: validateHttpConfig,
  async run(input) {
    const { config, services } = input;
    let method = String(config.method).toUpperCase();
    // Templates are tenant code: rendered in the sandbox, within the node's output limit.
    const rendered = await renderRequestInSandbox(
      { url: String(config.url), headers: (config.headers ?? {}) as Record<string, string>, body: config.body ?? null },
      input,
    );
    let url = new URL(rendered.url);
    const headers = new Headers();
    for (const [name, value] of Object.entries(rendered.headers)) {
      try {
        headers.set(name, value);
      } catch (err) {
        throw new NodeError(`header ${JSON.stringify(name)} has a name or value that cannot be sent`, { cause: err, code: "request_failed" });
      }
    }
    let body: string | undefined;
    if (rendered.body !== undefined) {
      body = typeof rendered.body === "string" ? rendered.body : JSON.stringify(rendered.body);
      if (typeof rendered.body !== "string" && !headers.has("content-type")) headers.set("content-type", "application/json");
    }
    const timeoutMs = timeoutOf(config.timeout_ms, services.httpTimeoutMs);
    const deadline = startDeadline(input.signal, timeoutMs);
    const signal = deadline.signal;
    try {
      for (let hop = 0; ; hop++) {
        await untilAborted(assertAllowedDestination(url, services.network), signal);
        const res = await untilAborted(
          services.fetcher(url, { method, headers: new Headers(headers), body, signal, redirect: "manual" }),
          signal,
          (late) => void discard(late),
        );
        const location = res.headers.get("location");
        if (res.status >= 300 && res.status < 400 && location !== null && hop < MAX_REDIRECTS) {
          await untilAborted(discard(res), signal);
          const next = redirectTarget(location, url);
          if (next.origin !== url.origin) for (const name of CREDENTIAL_HEADERS) headers.delete(name);
          // As fetch does: 303 becomes a GET (but HEAD stays HEAD), and so do 301 and 302 after a POST.
          if ((res.status === 303 && method !== "HEAD") || ((res.status === 301 || res.status === 302) && method === "POST")) {
            method = "GET";
            body = undefined;
            for (const name of BODY_HEADERS) headers.delete(name);
          }
          url = next;
          continue;
        }
        return { kind: "output", output: await readResponse(res, method, input, signal) };
      }
    } catch (err) {
      if (input.signal.aborted) throw err; // the worker is stopping: not the node's fault
      if (err instanceof NodeError) throw err;
      if (deadline.expired) throw new NodeError(`request to ${url.host} timed out after ${timeoutMs} ms`, { cause: err, code: "http_timeout" });
      throw tenantNetworkError(err) ?? new NodeError(`request to ${url.host} failed${describe(err)}`, { cause: err, code: "request_failed" });
    } finally {
      deadline.clear();
    }
  },
};

/** The node's `timeout_ms` (at most MAX_HTTP_TIMEOUT_MS), else the service default. */
function timeoutOf(configured: unknown, fallback: number): number {
  if (typeof configured === "number" && Number.isFinite(configured) && configured >= 1) return Math.min(Math.floor(configured), MAX_HTTP_TIMEOUT_MS);
  return fallback;
}

async function discard(res: Response): Promise<void> {
  await res.body?.cancel().catch(() => {});
}

function redirectTarget(location: string, base: URL): URL {
  let url: URL;
  try {
    url = new URL(location, base);
  } catch (err) {
    throw new NodeError(`request to ${base.host} answered a redirect to an invalid location`, { cause: err, code: "request_failed" });
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new NodeError(`request to ${base.host} redirected to a ${url.protocol} URL; only http and https are followed`, { code: "request_failed" });
  }
  return url;
}

async function readResponse(res: Response, method: string, input: NodeInput, signal: AbortSignal) {
  let text = "";
  if (method === "HEAD") await untilAborted(discard(res), signal);
  else text = await readCapped(res, input.services.maxResponseBytes, signal);
  const isJson = /\bjson\b/i.test(res.headers.get("content-type") ?? "");
  let body: unknown = text;
  if (isJson && text !== "") {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  const output = { status: res.status, headers: Object.fromEntries(res.headers), body };
  if (res.status < 200 || res.status > 299) {
    throw new NodeError(`${res.status} ${res.statusText || "HTTP error"}`.trim(), { output, code: "http_error_status" });
  }
  return output;
}

/** Reads the body up to `maxBytes`, giving up as soon as the signal aborts (even if the stream ignores it). */
async function readCapped(res: Response, maxBytes: number, signal: AbortSignal): Promise<string> {
  if (!res.body) return "";
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await untilAborted(reader.read(), signal);
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) throw new NodeError(`response body exceeds ${maxBytes} bytes`, { code: "response_too_large" });
      chunks.push(value);
    }
  } catch (err) {
    reader.cancel().catch(() => {});
    throw err;
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** Codes of connection failures, worded for tenants. Other codes are shown as they are. */
const FAILURES: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset",
  EPIPE: "connection closed while sending",
  ETIMEDOUT: "connect timed out",
  UND_ERR_CONNECT_TIMEOUT: "connect timed out",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  UND_ERR_SOCKET: "connection closed by the server",
  UND_ERR_CLOSED: "connection closed",
  UND_ERR_HEADERS_OVERFLOW: "response headers too large",
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: "response length does not match its content-length",
  HPE_INVALID_CONSTANT: "malformed HTTP response",
  HPE_INVALID_HEADER_TOKEN: "malformed HTTP response headers",
  ERR_TLS_CERT_ALTNAME_INVALID: "TLS certificate does not match the host",
  CERT_HAS_EXPIRED: "TLS certificate expired",
  DEPTH_ZERO_SELF_SIGNED_CERT: "self-signed TLS certificate",
  SELF_SIGNED_CERT_IN_CHAIN: "self-signed TLS certificate in chain",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "TLS certificate not trusted",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "TLS certificate not trusted",
};

/**
 * `: CODE (words)` for the first error code in the cause chain, or "" — never the errors'
 * messages, which can carry resolved addresses.
 */
function describe(err: unknown): string {
  const coded = findInChain(err, (e) => typeof (e as { code?: unknown }).code === "string" && /^[A-Z][A-Z0-9_]*$/.test((e as { code: string }).code));
  if (coded === undefined) return "";
  const code = (coded as { code: string }).code;
  return FAILURES[code] ? `: ${code} (${FAILURES[code]})` : `: ${code}`;
}

function validateHttpConfig(config: Record<string, unknown>, path: string): Problem[] {
  const problems: Problem[] = [];
  const method = typeof config.method === "string" ? config.method.toUpperCase() : undefined;
  if (!method || !METHODS.includes(method)) problems.push({ path: `${path}.method`, message: `must be one of ${METHODS.join(", ")}` });
  if (typeof config.url !== "string" || config.url.trim() === "") {
    problems.push({ path: `${path}.url`, message: "must be a non-empty string" });
  } else {
    const parsed = parseUrlTemplate(config.url);
    if ("problem" in parsed) problems.push({ path: `${path}.url`, message: parsed.problem });
  }
  if (config.headers !== undefined) {
    const h = config.headers;
    if (h === null || typeof h !== "object" || Array.isArray(h) || Object.values(h).some((v) => typeof v !== "string")) {
      problems.push({ path: `${path}.headers`, message: "must be an object of string values" });
    }
  }
  if (config.body !== undefined && config.body !== null && (method === "GET" || method === "HEAD")) {
    problems.push({ path: `${path}.body`, message: `is not allowed with ${method}` });
  }
  const t = config.timeout_ms;
  if (t !== undefined && (typeof t !== "number" || !Number.isInteger(t) || t < 1 || t > MAX_HTTP_TIMEOUT_MS)) {
    problems.push({ path: `${path}.timeout_ms`, message: `must be an integer from 1 to ${MAX_HTTP_TIMEOUT_MS}` });
  }
  return problems;
}
