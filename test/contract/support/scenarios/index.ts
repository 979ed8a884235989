import type { Scenario } from "../run-scenarios.ts";
import { alloyErrors } from "./alloy-errors.ts";
import { alloyEventAndName } from "./alloy-event.ts";
import { alloyRerunLoop } from "./alloy-rerun.ts";
import { altostratErrors, altostratWebhook } from "./altostrat-errors.ts";
import { altostratRerunLoop } from "./altostrat-rerun.ts";
import { altostratUtilities } from "./altostrat-utilities.ts";
import { alloyBulkRerun, altostratBulkRerun } from "./bulk-rerun.ts";
import { alloyCancel, altostratCancel } from "./cancel.ts";
import { accountIsolation } from "./isolation.ts";
import { alloyRerunWithBody, altostratRerunWithBody } from "./rerun-overrides.ts";
import { alloyUiInput, altostratUiInput } from "./ui-input.ts";

export {
  alloyErrors,
  alloyEventAndName,
  alloyRerunLoop,
  altostratErrors,
  altostratRerunLoop,
  altostratUtilities,
  altostratWebhook,
  accountIsolation,
  altostratCancel,
  alloyCancel,
  altostratUiInput,
  alloyUiInput,
  altostratBulkRerun,
  alloyBulkRerun,
  altostratRerunWithBody,
  alloyRerunWithBody,
};
export * from "./definitions.ts";

/** Every scenario, in the order they run. */
export const ALL_SCENARIOS: readonly Scenario[] = [
  altostratRerunLoop,
  altostratErrors,
  altostratWebhook,
  altostratUtilities,
  alloyRerunLoop,
  alloyErrors,
  alloyEventAndName,
  altostratCancel,
  alloyCancel,
  altostratBulkRerun,
  alloyBulkRerun,
  altostratUiInput,
  alloyUiInput,
  accountIsolation,
  altostratRerunWithBody,
  alloyRerunWithBody,
];
