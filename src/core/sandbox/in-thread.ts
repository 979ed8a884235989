import { NodeError } from "../components/node-error.ts";
import { OutputTooLargeError } from "./output-size.ts";
import { DEFAULT_SANDBOX_OPTIONS, SandboxError, type Sandbox } from "./pool.ts";
import { runTask } from "./tasks.ts";

/**
 * The Sandbox interface evaluated on the calling thread, with the output limit but no time or memory
 * limit: what Reprise did before the sandbox. The server never uses it; it exists so a benchmark can
 * measure what the sandbox costs, and so a test about something else (the store's batching) does
 * not depend on sandbox processes' timing.
 */
export function createInThreadSandbox(): Sandbox {
  const options = Object.freeze({ ...DEFAULT_SANDBOX_OPTIONS, processes: 0 });
  return {
    options,
    run: (task, limits) =>
      runTask(task, Math.min(limits.maxOutputBytes ?? options.maxOutputBytes, options.maxOutputBytes)).catch((err: unknown) => {
        if (err instanceof OutputTooLargeError) throw new SandboxError("node_output_too_large", err.message);
        if (err instanceof NodeError) throw new SandboxError(err.code, err.message);
        throw new SandboxError("expression_error", err instanceof Error ? err.message : String(err));
      }),
    queued: () => 0,
    close: async () => {},
  };
}
