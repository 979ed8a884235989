import path from "node:path";
import type { Logger } from "pino";
import { checkApiVersion } from "../../auth/index.ts";
import type { Engine } from "../../core/index.ts";
import type { operations } from "../../../generated/alloy/schema.d.ts";
import { createApiApp } from "../http/create-api-app.ts";
import type { HandlerMap } from "../http/typed-handlers.ts";
import { renderAlloyProblem } from "./errors.ts";
import { createAlloyHandlers, type AlloyContext } from "./handlers.ts";

/** What the Alloy listener needs. */
export interface AlloyAppOptions {
  engine: Engine;
  /** Resolves `Authorization: bearer <API key>` to an account; throws AuthError to refuse. */
  authenticate: (authorization: string | undefined) => Promise<{ accountId: string }>;
  logger: Logger;
  validateResponses: boolean;
  bodyLimit: number | string;
  newRequestId: () => string;
  root?: string;
  mountOperational?: Parameters<typeof createApiApp>[0]["mountOperational"];
  /** Benchmarks only: no authentication or validation, every caller is this account (see createApiApp). */
  unvalidated?: { accountId: string };
  /** Replaces some handlers (tests check that a handler straying from the contract is caught). */
  handlers?: Partial<HandlerMap<operations, AlloyContext>>;
}

/** The Alloy Embedded 2025-09 API as an express app, validated against generated/alloy/openapi.yaml. */
export function createAlloyApp(options: AlloyAppOptions) {
  const root = options.root ?? process.cwd();
  return createApiApp<AlloyContext>({
    specFile: path.join(root, "generated/alloy/openapi.yaml"),
    docsDir: path.join(root, "dist/docs/alloy"),
    handlers: { ...createAlloyHandlers(options.engine), ...options.handlers } as never,
    // The key is checked before the version so an anonymous caller learns nothing but "401".
    authenticate: async (req) => {
      const { accountId } = await options.authenticate(req.get("authorization"));
      checkApiVersion(req.get("x-api-version"));
      return { accountId };
    },
    renderProblem: renderAlloyProblem,
    validateResponses: options.validateResponses,
    bodyLimit: options.bodyLimit,
    logger: options.logger,
    newRequestId: options.newRequestId,
    ...(options.mountOperational ? { mountOperational: options.mountOperational } : {}),
    ...(options.unvalidated ? { unvalidated: { context: { accountId: options.unvalidated.accountId } } } : {}),
  });
}
