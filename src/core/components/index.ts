import type { NodeType } from "../../domain/index.ts";
import type { Component } from "./component.ts";
import { conditionComponent } from "./condition.ts";
import { delayComponent } from "./delay.ts";
import { failComponent } from "./fail.ts";
import { httpRequestComponent } from "./http-request.ts";
import { transformComponent } from "./transform.ts";
import { triggerComponent } from "./trigger.ts";
import { uiInteractionComponent } from "./ui-interaction.ts";

/** Every node type the engine runs, by type. */
export const COMPONENTS: Readonly<Record<NodeType, Component>> = Object.freeze({
  trigger: triggerComponent,
  http_request: httpRequestComponent,
  transform: transformComponent,
  condition: conditionComponent,
  delay: delayComponent,
  fail: failComponent,
  ui_interaction: uiInteractionComponent,
});

/** True for a type name the engine knows. */
export function isNodeType(type: unknown): type is NodeType {
  return typeof type === "string" && Object.hasOwn(COMPONENTS, type);
}

export type { Component, ComponentServices, NodeInput, NodeResult, RunContext, RunSandbox } from "./component.ts";
export { NodeError } from "./node-error.ts";
export { assertAllowedDestination, isPrivateAddress, systemLookup, type Lookup, type NetworkPolicy } from "./network-policy.ts";
export { renderTemplate, renderValue, readPath } from "./template.ts";
export { isTruthy } from "./condition.ts";
export { MAX_DELAY_SECONDS } from "./delay.ts";
export { MAX_HTTP_TIMEOUT_MS } from "./http-request.ts";
export { DEFAULT_UI_TIMEOUT_SECONDS, MAX_UI_TIMEOUT_SECONDS, MIN_UI_TIMEOUT_SECONDS, inputSchemaOf } from "./ui-interaction.ts";
export { MAX_DEFINITION_INPUT_SCHEMA_BYTES, MAX_INPUT_BYTES, MAX_INPUT_SCHEMA_BYTES, MAX_INPUT_SCHEMA_DEPTH, inputSchemaBytes, validateInput } from "./ui-input-schema.ts";
export { triggerComponent, httpRequestComponent, transformComponent, conditionComponent, delayComponent, failComponent, uiInteractionComponent };
