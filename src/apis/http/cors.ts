import type { RequestHandler } from "express";
import type { SpecDocument, SpecOperation } from "./spec-routes.ts";

/** Origins allowed to call an API from a browser: `"*"` (any), or a list of `scheme://host[:port]` (empty: none). */
export type CorsOrigins = "*" | readonly string[];

/** How long a browser may reuse a preflight answer (Chromium caps it at 2 hours). */
export const PREFLIGHT_MAX_AGE_SECONDS = 600;

/**
 * Request headers every listener allows besides its contract's own header parameters: both contracts'
 * request headers (so one browser client set up for both APIs passes either preflight), Content-Type,
 * and X-Request-Id (echoed and logged by the server).
 */
const BASE_REQUEST_HEADERS = ["Authorization", "Content-Type", "Idempotency-Key", "x-api-version", "X-Request-Id"];
/** Response headers every listener lets a page read besides the contract's own response headers. */
const BASE_EXPOSED_HEADERS = ["X-Request-Id", "Retry-After", "Location"];

/** What a listener answers to browsers, derived once from its spec. */
export interface CorsPolicy {
  /** Allowed request headers (the base set, the contract's header parameters and its security schemes' headers). */
  allowHeaders: string[];
  /** Response headers a page may read (X-Request-Id, Retry-After, Location and every header the contract documents). */
  exposeHeaders: string[];
  /** The methods of every path template matching a request path (upper case, spec order), or undefined when none matches. */
  methodsFor(path: string): string[] | undefined;
}

/** Reads the CORS policy of an API from its bundled spec and operations. */
export function readCorsPolicy(spec: SpecDocument, operations: readonly SpecOperation[]): CorsPolicy {
  const allowHeaders = new HeaderSet(BASE_REQUEST_HEADERS);
  for (const op of operations) allowHeaders.addAll(op.headerParams);
  for (const scheme of Object.values(asRecord(asRecord(spec.components).securitySchemes))) {
    const { type, in: where, name } = asRecord(resolve(spec, scheme));
    if (type === "apiKey" && where === "header" && typeof name === "string") allowHeaders.add(name);
  }

  const exposeHeaders = new HeaderSet(BASE_EXPOSED_HEADERS);
  for (const item of Object.values(spec.paths)) {
    for (const op of Object.values(asRecord(item))) {
      for (const response of Object.values(asRecord(asRecord(op).responses))) {
        for (const name of Object.keys(asRecord(asRecord(resolve(spec, response)).headers))) exposeHeaders.add(name);
      }
    }
  }

  const templates: Array<{ pattern: RegExp; methods: string[] }> = [];
  for (const op of operations) {
    let template = templates.find((t) => t.pattern.source === toPattern(op.specPath).source);
    if (!template) templates.push((template = { pattern: toPattern(op.specPath), methods: [] }));
    const method = op.method.toUpperCase();
    if (!template.methods.includes(method)) template.methods.push(method);
  }

  return {
    allowHeaders: allowHeaders.list(),
    exposeHeaders: exposeHeaders.list(),
    methodsFor(path) {
      const matching = templates.filter((t) => t.pattern.test(path));
      if (matching.length === 0) return undefined;
      return [...new Set(matching.flatMap((t) => t.methods))];
    },
  };
}

/**
 * CORS for one listener. A request whose `Origin` is allowed gets `Access-Control-Allow-Origin` (the
 * origin itself, or `*` when any origin is allowed) and `Access-Control-Expose-Headers`, whatever its
 * status. A preflight (`OPTIONS` with `Origin` and `Access-Control-Request-Method`) to a path of the
 * contract is answered here with 204: the path's methods, the allowed headers and a max age when the
 * origin is allowed, no `Access-Control-*` header when it is not. Other `OPTIONS` requests, and
 * preflights to paths outside the contract, go on to the router (405 or 404 in the API's error shape).
 * Credentials (cookies) are never allowed: both APIs authenticate with the `Authorization` header.
 */
export function createCors(origins: CorsOrigins, policy: CorsPolicy): RequestHandler {
  const anyOrigin = origins === "*";
  const allowed = new Set(anyOrigin ? [] : origins);
  const allowHeaders = policy.allowHeaders.join(", ");
  const exposeHeaders = policy.exposeHeaders.join(", ");
  return (req, res, next) => {
    // With a list, the answer depends on the Origin header: shared caches must key on it.
    if (!anyOrigin) res.vary("Origin");
    const origin = req.get("origin");
    const allow = origin !== undefined && (anyOrigin || allowed.has(origin));
    const preflight = req.method === "OPTIONS" && origin !== undefined && req.get("access-control-request-method") !== undefined;
    if (preflight) {
      const methods = policy.methodsFor(req.path);
      if (methods) {
        if (allow) {
          res.set({
            "Access-Control-Allow-Origin": anyOrigin ? "*" : origin,
            "Access-Control-Allow-Methods": methods.join(", "),
            "Access-Control-Allow-Headers": allowHeaders,
            "Access-Control-Max-Age": String(PREFLIGHT_MAX_AGE_SECONDS),
          });
        }
        return void res.status(204).end();
      }
    }
    if (allow) res.set({ "Access-Control-Allow-Origin": anyOrigin ? "*" : origin, "Access-Control-Expose-Headers": exposeHeaders });
    next();
  };
}

/** `/workflows/{id}/rerun` as a regular expression: parameters match one segment; case-insensitive with an optional trailing slash, like the router. */
function toPattern(specPath: string): RegExp {
  const source = specPath
    .split(/(\{[^}]+\})/)
    .map((part) => (/^\{[^}]+\}$/.test(part) ? "[^/]+" : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
    .join("");
  return new RegExp(`^${source}/?$`, "i");
}

/** Header names kept once each, case-insensitively, in the spelling first seen. */
class HeaderSet {
  private readonly names = new Map<string, string>();
  constructor(names: readonly string[]) {
    this.addAll(names);
  }
  add(name: string): void {
    if (!this.names.has(name.toLowerCase())) this.names.set(name.toLowerCase(), name);
  }
  addAll(names: readonly string[]): void {
    for (const name of names) this.add(name);
  }
  list(): string[] {
    return [...this.names.values()];
  }
}

function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === "object" ? (value as Record<string, unknown>) : {};
}

function resolve(spec: SpecDocument, value: unknown): unknown {
  const ref = asRecord(value).$ref;
  if (typeof ref !== "string" || !ref.startsWith("#/")) return value;
  return ref
    .slice(2)
    .split("/")
    .reduce<unknown>((at, key) => asRecord(at)[key], spec);
}
