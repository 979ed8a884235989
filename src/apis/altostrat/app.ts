import type { JwtVerifier } from "../../auth/index.ts";
import type { operations } from "../../../generated/altostrat/schema.d.ts";
import { toApiAppOptions, type SharedAppOptions } from "../http/app-options.ts";
import { createApiApp } from "../http/create-api-app.ts";
import type { HandlerMap } from "../http/typed-handlers.ts";
import { renderAltostratErrorAnswer } from "./errors.ts";
import { createAltostratHandlers, type AltostratContext } from "./handlers.ts";

/** What the Altostrat listener needs. */
export interface AltostratAppOptions extends SharedAppOptions {
  verifier: JwtVerifier;
  /** Replaces some handlers (tests check that a handler straying from the contract is caught). */
  handlers?: Partial<HandlerMap<operations, AltostratContext>>;
}

/** The operations that queue runs: admission control may refuse them with 503 `overloaded`. */
const ADMITTED_OPERATIONS: ReadonlySet<string> = new Set([
  "executeWorkflow",
  "rerunWorkflowRun",
  "resumeWorkflowRunFromNode",
  "triggerWorkflowWebhook",
] satisfies (keyof operations)[]);

/** The Altostrat Workflows API as an express app, validated against generated/altostrat/openapi.yaml. */
export function createAltostratApp(options: AltostratAppOptions) {
  return createApiApp<AltostratContext>({
    ...toApiAppOptions("altostrat", options, ADMITTED_OPERATIONS),
    handlers: { ...createAltostratHandlers(options.engine), ...options.handlers } as never,
    authenticate: (req) => options.verifier.verify(req.get("authorization")).then((account) => ({ accountId: account.accountId })),
    publicOperations: new Set(["triggerWorkflowWebhook"]),
    publicContext: () => ({ accountId: "" }),
    // The webhook token in the path is a credential: it never reaches a log line.
    redactPath: redactWebhookToken,
    renderErrorAnswer: renderAltostratErrorAnswer,
  });
}

// Routing is case-insensitive, so `/WORKFLOWS/WEBHOOKS/<token>` reaches the webhook too.
const WEBHOOK_TOKEN_SEGMENT = /(\/webhooks\/)[^/?#]+/gi;

/** Replaces the token segment of a webhook path or URL with `[redacted]`. */
export function redactWebhookToken(pathOrUrl: string): string {
  return pathOrUrl.replace(WEBHOOK_TOKEN_SEGMENT, "$1[redacted]");
}
