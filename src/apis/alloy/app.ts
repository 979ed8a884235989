import { checkApiVersion } from "../../auth/index.ts";
import type { operations } from "../../../generated/alloy/schema.d.ts";
import { toApiAppOptions, type SharedAppOptions } from "../http/app-options.ts";
import { createApiApp } from "../http/create-api-app.ts";
import type { HandlerMap } from "../http/typed-handlers.ts";
import { renderAlloyErrorAnswer } from "./errors.ts";
import { createAlloyHandlers, type AlloyContext } from "./handlers.ts";

/** What the Alloy listener needs. */
export interface AlloyAppOptions extends SharedAppOptions {
  /** Resolves `Authorization: bearer <API key>` to an account; throws AuthError to refuse. */
  authenticate: (authorization: string | undefined) => Promise<{ accountId: string }>;
  /** Replaces some handlers (tests check that a handler straying from the contract is caught). */
  handlers?: Partial<HandlerMap<operations, AlloyContext>>;
}

/** The operations that queue runs: admission control may refuse them with 503 `overloaded`. */
const ADMITTED_OPERATIONS: ReadonlySet<string> = new Set(["runWorkflow", "triggerEvent", "rerunWorkflowExecution"] satisfies (keyof operations)[]);

/** The Alloy Embedded 2025-09 API as an express app, validated against generated/alloy/openapi.yaml. */
export function createAlloyApp(options: AlloyAppOptions) {
  return createApiApp<AlloyContext>({
    ...toApiAppOptions("alloy", options, ADMITTED_OPERATIONS),
    handlers: { ...createAlloyHandlers(options.engine), ...options.handlers } as never,
    // The key is checked before the version so an anonymous caller learns nothing but "401".
    authenticate: async (req) => {
      const { accountId } = await options.authenticate(req.get("authorization"));
      checkApiVersion(req.get("x-api-version"));
      return { accountId };
    },
    renderErrorAnswer: renderAlloyErrorAnswer,
  });
}
