import type { Scenario } from "../harness/run-scenarios.ts";
import { alloyErrors } from "./alloy-errors.ts";
import { alloyRerunLoop } from "./alloy-rerun.ts";
import { altostratErrors, altostratWebhook } from "./altostrat-errors.ts";
import { altostratRerunLoop } from "./altostrat-rerun.ts";
import { accountIsolation } from "./isolation.ts";

export { alloyErrors, alloyRerunLoop, altostratErrors, altostratRerunLoop, altostratWebhook, accountIsolation };
export * from "./definitions.ts";

/** Every scenario, in the order they run. */
export const ALL_SCENARIOS: readonly Scenario[] = [altostratRerunLoop, altostratErrors, altostratWebhook, alloyRerunLoop, alloyErrors, accountIsolation];
