import { createHash, timingSafeEqual } from "node:crypto";
import express, { type NextFunction, type Request, type Response } from "express";
import type { Logger } from "pino";
import type { operations } from "../../../generated/admin/schema.d.ts";
import type { Engine } from "../../core/index.ts";
import { HttpProblem, toErrorAnswer } from "../http/problem.ts";
import { openApiValidation } from "../http/openapi-validation.ts";
import { importWorkflow } from "./workflow-import.ts";

type Json<Op extends keyof operations> = operations[Op] extends { requestBody?: { content: { "application/json": infer B } } } ? B : never;

/** What the admin app is built from. */
export interface AdminAppOptions {
  engine: Engine;
  /** The token every request must carry as `Authorization: Bearer …`. */
  token: string;
  /** Bundled admin spec (generated/admin/openapi.yaml). */
  specFile: string;
  bodyLimit: number;
  validateResponses: boolean;
  logger: Logger;
  /** Signs a development Altostrat token; absent when the server verifies tokens with a JWKS URL. */
  mintToken?: (accountId: string, ttlSeconds: number) => Promise<string>;
}

/**
 * The admin API of openapi/admin/admin.yaml: fixtures for a development server, each through one
 * engine verb. The token is checked before the body is read, so an anonymous caller costs nothing.
 */
export function createAdminApp(options: AdminAppOptions): express.Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false);
  const expected = digest(options.token);
  app.use((req, _res, next) => {
    const match = /^Bearer ([^\s]+)$/i.exec(req.get("authorization") ?? "");
    // Compared as SHA-256 digests: equal lengths for timingSafeEqual, and no early exit on a prefix.
    if (!match || !timingSafeEqual(digest(match[1]!), expected)) return next(new HttpProblem(401, "unauthorized", "The admin token is missing or wrong."));
    next();
  });
  app.use(express.json({ limit: options.bodyLimit }));
  app.use(openApiValidation({ specFile: options.specFile, validateResponses: options.validateResponses, sensitive: false, strict: false }));
  mountRoutes(app, options);
  app.use((req, _res, next) => next(new HttpProblem(404, "route_not_found", `No admin operation matches ${req.method} ${req.path}.`)));
  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const answer = toErrorAnswer(error);
    if (answer.status >= 500) options.logger.error({ err: answer.cause ?? error, method: req.method, path: req.path }, "admin request failed");
    if (res.headersSent) return void res.end();
    if (answer.status === 401) res.set("WWW-Authenticate", 'Bearer realm="reprise-admin"');
    res.status(answer.status).json({ code: answer.code, message: answer.message, ...(answer.details ? { details: answer.details } : {}) });
  });
  return app;
}

function mountRoutes(app: express.Express, { engine, mintToken }: AdminAppOptions): void {
  const route = (path: string, handle: (req: Request) => Promise<{ status: number; body: unknown }>) =>
    app.post(path, (req, res, next) => {
      handle(req).then(({ status, body }) => void res.status(status).json(body), next);
    });

  /** @see ensureAccount */
  route("/admin/accounts", async (req) => {
    const body = req.body as Json<"ensureAccount">;
    const existing = body.id ? await engine.getAccount(body.id) : null;
    if (existing) return { status: 200, body: { id: existing.id, name: existing.name, created: false } };
    const account = await engine.createAccount({ ...(body.id ? { id: body.id } : {}), name: body.name ?? body.id ?? "admin account" });
    return { status: 201, body: { id: account.id, name: account.name, created: true } };
  });

  /** @see createApiKey */
  route("/admin/accounts/:accountId/api-keys", async (req) => {
    const body = (req.body ?? {}) as Json<"createApiKey">;
    const key = await engine.createApiKey(String(req.params.accountId), body.name ? { name: body.name } : {});
    return { status: 201, body: { id: key.id, accountId: key.accountId, name: key.name, key: key.key } };
  });

  /** @see mintToken */
  route("/admin/accounts/:accountId/tokens", async (req) => {
    if (!mintToken) throw new HttpProblem(409, "no_signing_secret", "The server verifies tokens with JWT_JWKS_URL: tokens come from its identity provider.");
    const ttl = ((req.body ?? {}) as Json<"mintToken">).ttlSeconds ?? 3600;
    return { status: 201, body: { token: await mintToken(String(req.params.accountId), ttl), expiresInSeconds: ttl } };
  });

  /** @see importWorkflow */
  route("/admin/accounts/:accountId/workflows", async (req) => {
    const body = req.body as Json<"importWorkflow">;
    const { workflow, created } = await importWorkflow(engine, {
      accountId: String(req.params.accountId),
      name: body.name,
      description: body.description ?? null,
      definition: body.definition,
      api: body.api,
    });
    return { status: created ? 201 : 200, body: { id: workflow.id, version: workflow.version, created } };
  });
}

function digest(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}
