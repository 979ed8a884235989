/**
 * Every code the core throws as a `DomainError`; each API maps them to its own status and body.
 * A new code here fails the type check of every map that does not place it.
 */
export const DOMAIN_ERROR_CODES = [
  "workflow_not_found",
  "run_not_found",
  "node_not_found",
  "run_not_rerunnable",
  "run_not_cancellable",
  "rerun_job_not_found",
  "rerun_job_not_cancellable",
  "too_many_rerun_jobs",
  "run_not_awaiting_input",
  "invalid_node_input",
  "idempotency_key_in_use",
  "idempotency_key_mismatch",
  "payload_not_mergeable",
  "payload_too_large",
  "invalid_workflow_definition",
  "store_unavailable",
] as const;
/** One of {@link DOMAIN_ERROR_CODES}. */
export type DomainErrorCode = (typeof DOMAIN_ERROR_CODES)[number];

/**
 * Why a node failed, as a stable code recorded in its error log (`output.code`) beside the message;
 * never an API error. The sandbox codes are the limits of tenant code; the others name what the node
 * itself reported.
 */
export const NODE_ERROR_CODES = [
  "node_failed",
  "expression_error",
  "node_timeout",
  "node_memory_exceeded",
  "node_output_too_large",
  "run_output_too_large",
  "run_budget_exceeded",
  "http_timeout",
  "http_error_status",
  "destination_refused",
  "host_not_found",
  "invalid_url",
  "request_failed",
  "response_too_large",
  "run_cancelled",
  "ui_interaction_timeout",
] as const;
/** One of {@link NODE_ERROR_CODES}. */
export type NodeErrorCode = (typeof NODE_ERROR_CODES)[number];
