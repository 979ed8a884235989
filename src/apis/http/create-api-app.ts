import { existsSync } from "node:fs";
import path from "node:path";
import express, { type NextFunction, type Request, type Response } from "express";
import type { Logger } from "pino";
import { createCors, readCorsPolicy, type CorsOrigins } from "./cors.ts";
import { mountConsole, type ConsoleRoute } from "./console-route.ts";
import { exceedsJsonDepth, MAX_JSON_DEPTH } from "./json-depth.ts";
import { readDateTime } from "./date-time.ts";
import { HttpProblem, invalidParameter, toErrorAnswer, type ErrorAnswer } from "./problem.ts";
import { findUnstorableText, UNSTORABLE_TEXT_MESSAGE } from "../../shared/unstorable-text.ts";
import type { Admission } from "./admission.ts";
import { openApiValidation, validatedPathParams } from "./openapi-validation.ts";
import { listOperations, readSpec, type SpecOperation } from "./spec-routes.ts";

/** How an API renders an ErrorAnswer: its own status-to-body mapping and error shape. */
export type RenderErrorAnswer = (answer: ErrorAnswer, requestId: string) => { status: number; body: unknown };

/** Everything that makes one API's express app. */
export interface ApiAppOptions<Ctx> {
  /** Path of the bundled spec (`generated/<api>/openapi.yaml`). */
  specFile: string;
  /** One handler per operationId (typed by the API's HandlerMap). */
  handlers: Record<string, (input: never) => Promise<{ status: number; body: unknown; headers?: Record<string, string> }>>;
  /** Authenticates a request for a protected operation; throws to refuse. */
  authenticate: (req: Request, op: SpecOperation) => Promise<Ctx>;
  /** Operations that need no credential (e.g. a webhook whose token is the credential). */
  publicOperations?: ReadonlySet<string>;
  /** Context given to handlers of public operations. */
  publicContext?: (req: Request) => Ctx;
  /**
   * Rewrites a request path (or URL) before it is logged, e.g. to hide a credential carried in the
   * path such as a webhook token. Applied to the access log and to error logs.
   */
  redactPath?: (pathOrUrl: string) => string;
  renderErrorAnswer: RenderErrorAnswer;
  validateResponses: boolean;
  bodyLimit: string | number;
  logger: Logger;
  /** Folder holding `index.html` of this API's reference, served at /docs. */
  docsDir?: string;
  /** The built run console, served at /console. */
  console?: ConsoleRoute;
  /** Origins allowed to call this API from a browser (CORS, see cors.ts); unset: no CORS handling. */
  corsOrigins?: CorsOrigins;
  /** Admission control on the operations that queue runs (503 `overloaded` past its bound); unset: none. */
  admission?: { gate: Admission; operations: ReadonlySet<string> };
  /** Extra routes outside the contract (health checks), mounted before validation. */
  mountOperational?: (app: express.Express) => void;
  newRequestId: () => string;
  /**
   * Benchmarks only: no authentication and no express-openapi-validator; every caller is `context`.
   * Set programmatically (ServerOverrides.unvalidated); no configuration variable reaches it.
   */
  unvalidated?: { context: Ctx };
}

/**
 * Creates an express app serving one API from its bundled spec: auth, request and response validation
 * by express-openapi-validator, typed handlers, and every failure rendered in the API's error shape.
 */
export function createApiApp<Ctx>(options: ApiAppOptions<Ctx>): express.Express {
  const spec = readSpec(options.specFile);
  // generated/<api>/openapi.yaml: the API's name is the realm of its 401 challenges.
  const realm = path.basename(path.dirname(options.specFile));
  const operations = listOperations(spec);
  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false);
  app.set("query parser", "simple");

  const redact = options.redactPath ?? ((pathOrUrl: string) => pathOrUrl);
  app.use((req, res, next) => {
    const incoming = req.get("x-request-id");
    const requestId = incoming && /^[\w.-]{1,64}$/.test(incoming) ? incoming : options.newRequestId();
    res.locals.requestId = requestId;
    res.set("x-request-id", requestId);
    if (options.logger.isLevelEnabled("info")) {
      const started = process.hrtime.bigint();
      res.once("finish", () => {
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        options.logger.info({ requestId, method: req.method, path: redact(req.path), status: res.statusCode, ms: Math.round(ms * 10) / 10 }, "request");
      });
    }
    next();
  });
  // Past the sustainable rate a refusal must cost less than an acceptance, or refusing does not help:
  // the run-creating operations are screened before CORS, body parsing and authentication.
  const admission = options.admission;
  if (admission) {
    for (const op of operations) if (admission.operations.has(op.operationId)) app[op.method](op.expressPath, admission.gate.screen);
  }
  if (options.corsOrigins) app.use(createCors(options.corsOrigins, readCorsPolicy(spec, operations)));
  if (options.docsDir) mountDocs(app, options.docsDir);
  if (options.console) mountConsole(app, options.console);
  options.mountOperational?.(app);

  app.use((req, _res, next) => {
    // JSON exchanged between systems is UTF-8 (RFC 8259 §8.1); body-parser would also decode any other `utf-*`, e.g. UTF-7.
    const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(req.get("content-type") ?? "")?.[1];
    if (charset && !/^utf-?8$/i.test(charset)) return next(new HttpProblem(415, "unsupported_media_type", "A JSON request body must be encoded as UTF-8."));
    next();
  });
  app.use(express.json({ limit: options.bodyLimit, type: ["application/json", "application/*+json"] }));
  app.use((req, _res, next) => {
    if (req.body !== undefined && exceedsJsonDepth(req.body)) {
      return next(new HttpProblem(400, "json_too_deep", `The request body nests deeper than ${MAX_JSON_DEPTH} levels.`));
    }
    // The store (PostgreSQL text/jsonb) cannot keep these characters; refuse them here instead of failing with a 500.
    const at = findUnstorableText(req.body, "/body") ?? findUnstorableText(req.query, "/query");
    if (at) return next(new HttpProblem(400, "validation_failed", `The request is invalid: ${at} ${UNSTORABLE_TEXT_MESSAGE}.`, [{ path: at, message: UNSTORABLE_TEXT_MESSAGE }]));
    next();
  });

  const unvalidated = options.unvalidated;
  if (unvalidated) {
    app.use((_req, res, next) => {
      res.locals.ctx = unvalidated.context;
      next();
    });
  }
  const validation = unvalidated
    ? undefined
    : openApiValidation({
        specFile: options.specFile,
        validateResponses: options.validateResponses,
        sensitive: app.enabled("case sensitive routing"),
        strict: app.enabled("strict routing"),
      });

  for (const op of operations) {
    const handler = options.handlers[op.operationId];
    if (!handler) throw new Error(`No handler for operation ${op.operationId}`);
    const serve = (req: Request, res: Response, next: NextFunction) => {
      // The validator checks a date-time's syntax only; one naming no instant in range is a 400 here, not a store error.
      for (const name of op.dateTimeQueryParams) {
        const value = req.query[name];
        if (typeof value !== "string") continue;
        const reading = readDateTime(value);
        if (!reading.ok) return next(invalidParameter(`/query/${name}`, reading.message));
      }
      const header: Record<string, string | undefined> = {};
      for (const name of op.headerParams) header[name] = req.get(name);
      const input = {
        path: validation ? validatedPathParams(res.locals.routeParams as Record<string, string>, req) : req.params,
        query: req.query,
        header,
        body: req.body,
        context: res.locals.ctx,
        // Parsed only by the handlers that build links (one listing): two URL parses per request otherwise.
        get baseUrl() {
          return readBaseUrl(req);
        },
      };
      handler(input as never).then((result) => {
        if (result.headers) res.set(result.headers);
        res.status(result.status).json(result.body);
      }, next);
    };
    // Authentication first, so an anonymous caller learns only "401"; then admission, which needs the
    // account and refuses before the validator's and the store's work; then the validator; then the handler.
    const admit = admission?.operations.has(op.operationId) ? [admission.gate.admit] : [];
    if (validation) app[op.method](op.expressPath, authenticateFor(op, options), ...admit, validation, serve);
    else app[op.method](op.expressPath, ...admit, serve);
  }
  // A request no operation's route takes (unknown path, or a method the path lacks): the validator answers 404 or 405.
  if (validation) app.use(validation);

  app.use((req, _res, next) => next(new HttpProblem(404, "route_not_found", `No operation of this API matches ${req.method} ${req.path}.`)));
  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const requestId = String(res.locals.requestId);
    const answer = toErrorAnswer(error);
    // A refusal under load is answered thousands of times a second: a stack each would add to the load.
    if (answer.status >= 500 && !answer.refusal) {
      options.logger.error({ err: answer.cause ?? error, requestId, method: req.method, url: redact(req.originalUrl) }, "request failed");
    }
    if (res.headersSent) return void res.end();
    if (answer.retryAfterSeconds) res.set("Retry-After", String(answer.retryAfterSeconds));
    // RFC 9110 §15.5.2 and §15.5.6: a 401 carries its challenge, a 405 the methods the path has.
    if (answer.status === 401) res.set("WWW-Authenticate", toChallenge(realm, req.get("authorization")));
    if (answer.status === 405) res.set("Allow", readAllowedMethods(error));
    sendErrorAnswer(res, options.renderErrorAnswer, answer, requestId);
  });
  return app;
}

/**
 * The RFC 6750 challenge of a refused request: the realm alone when no bearer credential came, with
 * `error="invalid_token"` when one came and was refused.
 */
export function toChallenge(realm: string, authorization: string | undefined): string {
  return /^bearer\s+\S/i.test(authorization ?? "") ? `Bearer realm="${realm}", error="invalid_token"` : `Bearer realm="${realm}"`;
}

/** The `Allow` value of the validator's 405 (it lists the matched path's methods in lower case). */
function readAllowedMethods(error: unknown): string {
  const allow = (error as { headers?: { Allow?: unknown } } | null)?.headers?.Allow;
  return typeof allow === "string" ? allow.toUpperCase() : "";
}

/** Authenticates a request for one operation (a public one gets the public context) and keeps its route's path parameters. */
function authenticateFor<Ctx>(op: SpecOperation, options: ApiAppOptions<Ctx>): express.RequestHandler {
  const publicOp = options.publicOperations?.has(op.operationId) ?? false;
  return (req, res, next) => {
    // The validator replaces req.params with the path parameters of the operation it matched.
    res.locals.routeParams = req.params;
    const pending = publicOp ? Promise.resolve(options.publicContext?.(req) as Ctx) : options.authenticate(req, op);
    pending.then((ctx) => {
      res.locals.ctx = ctx;
      next();
    }, next);
  };
}

/**
 * Sends an error body with `res.send`, not `res.json`: the response validator hooks `res.json`, and a
 * failure it raised from inside this (last) error handler would reach express's HTML error page.
 * Error bodies are checked against the spec's error schemas by the HTTP tests instead.
 */
function sendErrorAnswer(res: Response, render: RenderErrorAnswer, answer: ErrorAnswer, requestId: string): void {
  let rendered: { status: number; body: unknown };
  try {
    rendered = render(answer, requestId);
  } catch {
    rendered = render({ status: 500, code: "internal_error", message: "An unexpected error occurred." }, requestId);
  }
  res.status(rendered.status).type("application/json").send(JSON.stringify(rendered.body));
}

/** The origin the client used; a Host header that does not parse falls back to localhost. */
function readBaseUrl(req: Request): string {
  const origin = `${req.protocol}://${req.get("host") ?? "localhost"}`;
  return URL.canParse(origin) ? new URL(origin).origin : "http://localhost";
}

function mountDocs(app: express.Express, docsDir: string): void {
  const index = path.join(docsDir, "index.html");
  app.get(["/docs", "/docs/"], (_req, res, next) => {
    if (!existsSync(index)) return next(new HttpProblem(404, "docs_not_built", "The reference is not built; run `npm run docs`."));
    res.type("html").sendFile(index);
  });
}
