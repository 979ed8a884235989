/**
 * Why a node failed, as a stable code recorded in its error log (`output.code`) beside the message.
 * The sandbox codes are the limits of tenant code; the others name what the node itself reported.
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
] as const;
/** One of {@link NODE_ERROR_CODES}. */
export type NodeErrorCode = (typeof NODE_ERROR_CODES)[number];

/** A node failed on its own terms (bad status, refused destination, `fail` node): the run fails. */
export class NodeError extends Error {
  override readonly name = "NodeError";
  /** Stable reason, recorded as the error log's `code`. */
  readonly code: NodeErrorCode;
  /** What to record as the error log's output besides the message. */
  readonly output: Record<string, unknown> | undefined;
  constructor(message: string, options: { cause?: unknown; output?: Record<string, unknown>; code?: NodeErrorCode } = {}) {
    super(message, { cause: options.cause });
    this.code = options.code ?? "node_failed";
    this.output = options.output;
  }
}
