import type { Component, NodeInput } from "./component.ts";
import { assertAllowedDestination } from "./network-policy.ts";
import { NodeError } from "./node-error.ts";
import { hasPlaceholder, renderTemplate, renderValue } from "./template.ts";
import type { Problem } from "../errors.ts";

const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];
/** Upper bound for a node's `timeout_ms`. */
export const MAX_HTTP_TIMEOUT_MS = 300_000;
const MAX_REDIRECTS = 5;

/**
 * Calls an HTTP endpoint. url, header values and body strings are templated from the run context;
 * the output is `{status, headers, body}` (body JSON-parsed when the response says JSON);
 * a non-2xx status fails the node. Every hop of a redirect passes the network policy again.
 */
export const httpRequestComponent: Component = {
  sideEffects: true,
  type: "http_request",
  validateConfig: validateHttpConfig,
  async run(input) {
    const { config, context, services } = input;
    const method = String(config.method).toUpperCase();
    const headers = new Headers();
    for (const [name, value] of Object.entries((config.headers ?? {}) as Record<string, string>)) {
      headers.set(name, renderTemplate(value, context));
    }
    let body: string | undefined;
    if (config.body !== undefined && config.body !== null) {
      const rendered = renderValue(config.body, context);
      body = typeof rendered === "string" ? rendered : JSON.stringify(rendered);
      if (typeof rendered !== "string" && !headers.has("content-type")) headers.set("content-type", "application/json");
    }
    const timeoutMs = typeof config.timeout_ms === "number" ? config.timeout_ms : services.httpTimeoutMs;
    const signal = AbortSignal.any([input.signal, AbortSignal.timeout(timeoutMs)]);
    let url = parseUrl(renderTemplate(String(config.url), context));
    try {
      for (let hop = 0; ; hop++) {
        await assertAllowedDestination(url, services.network);
        const res = await services.fetcher(url, { method, headers, body, signal, redirect: "manual" });
        const location = res.headers.get("location");
        if (res.status >= 300 && res.status < 400 && location && hop < MAX_REDIRECTS) {
          await res.body?.cancel();
          url = parseUrl(new URL(location, url).toString());
          continue;
        }
        return { kind: "output", output: await readResponse(res, method, input) };
      }
    } catch (err) {
      if (input.signal.aborted) throw err; // the worker is stopping: not the node's fault
      if (err instanceof NodeError) throw err;
      if (signal.aborted) throw new NodeError(`request to ${url.host} timed out after ${timeoutMs} ms`, { cause: err });
      throw new NodeError(`request to ${url.host} failed: ${describe(err)}`, { cause: err });
    }
  },
};

async function readResponse(res: Response, method: string, input: NodeInput) {
  const text = method === "HEAD" ? "" : await readCapped(res, input.services.maxResponseBytes);
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
    throw new NodeError(`${res.status} ${res.statusText || "HTTP error"}`.trim(), { output });
  }
  return output;
}

async function readCapped(res: Response, maxBytes: number): Promise<string> {
  if (!res.body) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > maxBytes) throw new NodeError(`response body exceeds ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function parseUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new NodeError(`invalid url "${text}"`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new NodeError(`url must be http or https, got ${url.protocol}`);
  return url;
}

function describe(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code) return `${cause.code}${cause.message ? ` (${cause.message})` : ""}`;
  return err instanceof Error ? err.message : String(err);
}

function validateHttpConfig(config: Record<string, unknown>, path: string): Problem[] {
  const problems: Problem[] = [];
  const method = typeof config.method === "string" ? config.method.toUpperCase() : undefined;
  if (!method || !METHODS.includes(method)) problems.push({ path: `${path}.method`, message: `must be one of ${METHODS.join(", ")}` });
  if (typeof config.url !== "string" || config.url.trim() === "") {
    problems.push({ path: `${path}.url`, message: "must be a non-empty string" });
  } else if (!hasPlaceholder(config.url) && !/^https?:\/\/[^/]+/i.test(config.url)) {
    problems.push({ path: `${path}.url`, message: "must be an http(s) URL (or contain a {{ }} placeholder)" });
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
