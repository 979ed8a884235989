import type { NodeErrorCode } from "../../domain/index.ts";

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
