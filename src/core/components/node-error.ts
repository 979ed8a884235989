/** A node failed on its own terms (bad status, refused destination, `fail` node): the run fails. */
export class NodeError extends Error {
  override readonly name = "NodeError";
  /** What to record as the error log's output besides the message. */
  readonly output: Record<string, unknown> | undefined;
  constructor(message: string, options: { cause?: unknown; output?: Record<string, unknown> } = {}) {
    super(message, { cause: options.cause });
    this.output = options.output;
  }
}
