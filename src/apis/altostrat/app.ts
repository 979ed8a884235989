import type { JwtVerifier } from "../../auth/index.ts";
import type { operations } from "../../../generated/altostrat/schema.d.ts";
import { toApiAppOptions, type SharedAppOptions } from "../http/app-options.ts";
import { createApiApp } from "../http/create-api-app.ts";
import type { HandlerMap } from "../http/typed-handlers.ts";
import { renderAltostratProblem } from "./errors.ts";
import { createAltostratHandlers, type AltostratContext } from "./handlers.ts";

/** What the Altostrat listener needs. */
export interface AltostratAppOptions extends SharedAppOptions {
  verifier: JwtVerifier;
  /** Replaces some handlers (tests check that a handler straying from the contract is caught). */
  handlers?: Partial<HandlerMap<operations, AltostratContext>>;
}

/** The Altostrat Workflows API as an express app, validated against generated/altostrat/openapi.yaml. */
export function createAltostratApp(options: AltostratAppOptions) {
  return createApiApp<AltostratContext>({
    ...toApiAppOptions("altostrat", options),
    handlers: { ...createAltostratHandlers(options.engine), ...options.handlers } as never,
    authenticate: (req) => options.verifier.verify(req.get("authorization")).then((account) => ({ accountId: account.accountId })),
    publicOperations: new Set(["triggerWorkflowWebhook"]),
    publicContext: () => ({ accountId: "" }),
    renderProblem: renderAltostratProblem,
  });
}
