import path from "node:path";
import type { Logger } from "pino";
import type { JwtVerifier } from "../../auth/index.ts";
import type { Engine } from "../../core/index.ts";
import type { operations } from "../../../generated/altostrat/schema.d.ts";
import { createApiApp } from "../http/create-api-app.ts";
import type { HandlerMap } from "../http/typed-handlers.ts";
import { renderAltostratProblem } from "./errors.ts";
import { createAltostratHandlers, type AltostratContext } from "./handlers.ts";

/** What the Altostrat listener needs. */
export interface AltostratAppOptions {
  engine: Engine;
  verifier: JwtVerifier;
  logger: Logger;
  validateResponses: boolean;
  bodyLimit: number | string;
  newRequestId: () => string;
  /** Root holding generated/ and dist/docs (defaults to the working directory). */
  root?: string;
  mountOperational?: Parameters<typeof createApiApp>[0]["mountOperational"];
  /** Benchmarks only: no authentication or validation, every caller is this account (see createApiApp). */
  unvalidated?: { accountId: string };
  /** Replaces some handlers (tests check that a handler straying from the contract is caught). */
  handlers?: Partial<HandlerMap<operations, AltostratContext>>;
}

/** The Altostrat Workflows API as an express app, validated against generated/altostrat/openapi.yaml. */
export function createAltostratApp(options: AltostratAppOptions) {
  const root = options.root ?? process.cwd();
  const handlers = { ...createAltostratHandlers(options.engine), ...options.handlers };
  return createApiApp<AltostratContext>({
    specFile: path.join(root, "generated/altostrat/openapi.yaml"),
    docsDir: path.join(root, "dist/docs/altostrat"),
    handlers: handlers as never,
    authenticate: async (req) => ({ accountId: (await options.verifier.verify(req.get("authorization"))).accountId }),
    publicOperations: new Set(["triggerWorkflowWebhook"]),
    publicContext: () => ({ accountId: "" }),
    renderProblem: renderAltostratProblem,
    validateResponses: options.validateResponses,
    bodyLimit: options.bodyLimit,
    logger: options.logger,
    newRequestId: options.newRequestId,
    ...(options.mountOperational ? { mountOperational: options.mountOperational } : {}),
    ...(options.unvalidated ? { unvalidated: { context: { accountId: options.unvalidated.accountId } } } : {}),
  });
}
