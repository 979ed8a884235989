import { createRequire } from "node:module";
import type { NextFunction, Request, RequestHandler, Response } from "express";
import * as OpenApiValidator from "express-openapi-validator";
import { OpenApiSpecLoader, type RouteMetadata } from "express-openapi-validator/dist/framework/openapi.spec.loader.js";

// The validator's own copy of path-to-regexp, so a path is matched exactly as the validator matches it.
const requireFromValidator = createRequire(createRequire(import.meta.url).resolve("express-openapi-validator"));
const { pathToRegexp } = requireFromValidator("path-to-regexp") as typeof import("path-to-regexp");

/** How the validator checks requests and responses. */
export interface ValidationSettings {
  /** Path of the bundled spec. */
  specFile: string;
  validateResponses: boolean;
  /** The app's "case sensitive routing" and "strict routing" settings, which the validator matches paths with. */
  sensitive: boolean;
  strict: boolean;
}

type Middleware = (req: Request, res: Response, next: NextFunction) => unknown;

/** What the validator's metadata stage puts on `req.openapi` (besides the path parameters) for one operation. */
interface ResolvedOperation {
  expressRoute: string;
  openApiRoute: string;
  schema: unknown;
  serial: number;
  /** Present only when responses are validated (then possibly undefined), as the metadata stage sets it. */
  responseSchema?: { value: unknown };
}

/** A spec route compiled once, in the validator's order, with the operations already resolved on it. */
interface CompiledRoute {
  expressRoute: string;
  regexp: RegExp;
  keys: string[];
  /** By request method, from the validator's own metadata stage (filled on the route's first request). */
  resolved: Map<string, ResolvedOperation>;
}

type OpenApiRequest = Request & { openapi?: Record<string, unknown> & { _responseSchema?: unknown } };

/**
 * Request (and, when enabled, response) validation by express-openapi-validator.
 *
 * The validator's metadata stage finds the request's operation by compiling the spec's paths with
 * path-to-regexp on every request, one after the other, until one matches. Here the routes are
 * compiled once, from the validator's own route loader and in its order, and the first that matches
 * is the one the validator picks. The first request of each route and method goes through the
 * metadata stage; what it resolves (the operation's schema and routes, not the parameter values) is
 * kept, and later requests of that operation get the same `req.openapi` with their own decoded path
 * parameters, then go through the same request and response validation stages of the same validator
 * instance. Whatever the metadata stage does not resolve to an operation (an unknown path: 404, a wrong
 * method: 405, a path that does not decode: 400) always goes through it, so its answers are unchanged.
 *
 * Two of the validator's stages are not run because they do nothing here: security (validateSecurity
 * is off; authentication happens before this) and path-parameter installation (app.param callbacks that
 * copy the validated path parameters onto later routes' req.params, which {@link validatedPathParams}
 * does for the operation's handler). The others run one after the other rather than as separate layers
 * of the express router.
 */
export function openApiValidation(settings: ValidationSettings): RequestHandler {
  const validatorOptions = {
    apiSpec: settings.specFile,
    // Parameters are always coerced from strings; bodies must carry the types the schema names.
    validateRequests: { allowUnknownQueryParameters: false, coerceTypes: false },
    validateResponses: settings.validateResponses ? { removeAdditional: false as const } : false,
    validateSecurity: false,
    validateApiSpec: false,
    ignoreUndocumented: false,
    fileUploader: false as const,
    $refParser: { mode: "bundle" as const },
  };
  const { metadata, validation } = splitStages(OpenApiValidator.middleware(validatorOptions) as Middleware[]);

  let routes: CompiledRoute[] | undefined;
  const loaded = new OpenApiSpecLoader({ apiDoc: settings.specFile, validateApiSpec: false, $refParser: validatorOptions.$refParser })
    .load()
    .then((spec) => void (routes = compileRoutes(spec.routes, settings)));
  // Awaited by the first requests; a load failure reaches their error handler (the validator fails the same way).
  loaded.catch(() => undefined);

  const dispatch = (req: OpenApiRequest, res: Response, next: NextFunction): void => {
    // The path the validator looks up (its useRequestUrl option is off).
    const url = req.originalUrl;
    const query = url.indexOf("?");
    const path = query === -1 ? url : url.slice(0, query);
    let route: CompiledRoute | undefined;
    let match: RegExpExecArray | null = null;
    for (const candidate of routes as CompiledRoute[]) {
      match = candidate.regexp.exec(path);
      if (match) {
        route = candidate;
        break;
      }
    }
    const operation = route?.resolved.get(req.method);
    const pathParams = route && operation ? decodePathParams(route.keys, match as RegExpExecArray) : undefined;
    if (!route || !operation || !pathParams) {
      // The validator's metadata stage answers (or resolves the operation, kept for the next requests).
      metadata(req, res, (err?: unknown) => {
        if (err) return next(err);
        if (route) remember(route, req);
        runStages(validation, 0, req, res, next);
      });
      return;
    }
    const openapi: Record<string, unknown> = {
      expressRoute: operation.expressRoute,
      openApiRoute: operation.openApiRoute,
      pathParams,
      schema: operation.schema,
      serial: operation.serial,
    };
    if (operation.responseSchema) openapi._responseSchema = operation.responseSchema.value;
    req.openapi = openapi;
    req.params = pathParams;
    runStages(validation, 0, req, res, next);
  };

  return (req, res, next) => {
    if (routes) return dispatch(req, res, next);
    loaded.then(() => dispatch(req, res, next)).catch(next);
  };
}

/**
 * A route's path parameters after validation: each takes the validator's value when it has one (decoded,
 * and coerced to the schema's type), as the validator's own app.param callbacks would set them.
 */
export function validatedPathParams(routeParams: Record<string, string>, req: Request): Record<string, string> {
  const validated = (req as OpenApiRequest).openapi?.pathParams as Record<string, string> | undefined;
  if (!validated) return routeParams;
  for (const name of Object.keys(routeParams)) {
    if (routeParams[name] !== undefined) routeParams[name] = validated[name] || routeParams[name];
  }
  return routeParams;
}

/** Keeps what the metadata stage resolved for this route and method, when it is this route's. */
function remember(route: CompiledRoute, req: OpenApiRequest): void {
  const openapi = req.openapi;
  if (!openapi || openapi.expressRoute !== route.expressRoute || route.resolved.has(req.method)) return;
  route.resolved.set(req.method, {
    expressRoute: openapi.expressRoute,
    openApiRoute: openapi.openApiRoute as string,
    schema: openapi.schema,
    serial: openapi.serial as number,
    ...("_responseSchema" in openapi ? { responseSchema: { value: openapi._responseSchema } } : {}),
  });
}

/** Path parameters as the metadata stage decodes them; undefined when one does not decode (it answers that). */
function decodePathParams(keys: string[], match: RegExpExecArray): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  try {
    for (let i = 0; i < keys.length; i++) params[keys[i] as string] = decodeURIComponent(match[i + 1] as string);
  } catch {
    return undefined;
  }
  return params;
}

/** Distinct express routes in the validator's order (most specific first), each compiled once. */
function compileRoutes(routes: RouteMetadata[], settings: ValidationSettings): CompiledRoute[] {
  const compiled: CompiledRoute[] = [];
  for (const route of routes) {
    if (compiled.some((c) => c.expressRoute === route.expressRoute)) continue;
    const { regexp, keys } = pathToRegexp(route.expressRoute, { sensitive: settings.sensitive, strict: settings.strict } as Parameters<typeof pathToRegexp>[1]);
    compiled.push({ expressRoute: route.expressRoute, regexp, keys: keys.map((k) => k.name), resolved: new Map() });
  }
  return compiled;
}

/**
 * The validator's metadata stage, and the stages after it that do something here: request validation,
 * then response validation when enabled (and any stage a later version adds).
 */
function splitStages(middlewares: Middleware[]): { metadata: Middleware; validation: Middleware[] } {
  const idle = new Set(["pathParamsMiddleware", "securityMiddleware"]);
  const [first, ...rest] = middlewares.filter((mw) => !idle.has(mw.name));
  if (first?.name !== "metadataMiddleware") throw new Error("express-openapi-validator: unexpected middleware order");
  return { metadata: first, validation: rest };
}

/** Runs `stages` from the i-th on, then `next`; an error skips the rest. */
function runStages(stages: Middleware[], i: number, req: Request, res: Response, next: NextFunction): void {
  const stage = stages[i];
  if (!stage) return next();
  if (i === stages.length - 1) return void stage(req, res, next);
  stage(req, res, (err?: unknown) => (err ? next(err) : runStages(stages, i + 1, req, res, next)));
}
