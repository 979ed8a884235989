// Entry of a sandbox process: runs one task at a time and answers with its result or its failure.
// The pool that forked it enforces the time limit (by killing the process) and V8 the heap limit
// (--max-old-space-size: an expression that allocates past it ends this process, not the server).
import type { NodeErrorCode } from "../../domain/index.ts";
import { NodeError } from "../components/node-error.ts";
import { OutputTooLargeError } from "./output-size.ts";
import type { ChildReply, ChildRequest } from "./protocol.ts";
import { runTask, SandboxTaskError } from "./tasks.ts";

const send = (message: ChildReply | { ready: true }): void => void process.send!(message);

// Tasks run one after another in the order they came: the pool times the one running, the first it is waiting for.
let queue: Promise<void> = Promise.resolve();
process.on("message", (request: ChildRequest) => {
  queue = queue.then(() =>
    runTask(request.task, request.limits.maxOutputBytes).then(
      (answer) => send({ id: request.id, ok: true, answer }),
      (err: unknown) => send({ id: request.id, ok: false, ...describe(err) }),
    ),
  );
});
// The server went away (even by SIGKILL): nothing is left to answer to.
process.on("disconnect", () => process.exit(0));
send({ ready: true });

function describe(err: unknown): { code: NodeErrorCode; message: string } {
  if (err instanceof OutputTooLargeError) return { code: "node_output_too_large", message: err.message };
  if (err instanceof NodeError) return { code: err.code, message: err.message };
  if (err instanceof SandboxTaskError) return { code: "expression_error", message: err.message };
  // A RangeError from deep recursion, or anything else the tenant's code provoked.
  return { code: "expression_error", message: `expression failed: ${err instanceof Error ? err.message : String(err)}` };
}
