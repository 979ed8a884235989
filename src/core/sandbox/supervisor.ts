// Entry of the sandbox's supervisor: a small process the server starts once, which runs the pool of
// evaluation processes (starting, timing, killing and replacing them) so the server never forks.
// Messages: SupervisorRequest in, SupervisorReply out (protocol.ts).
import { createProcessPool, SandboxError, type SandboxOptions } from "./pool.ts";
import type { SupervisorReply, SupervisorRequest } from "./protocol.ts";

const options = JSON.parse(process.argv[2] ?? "{}") as Partial<SandboxOptions>;
const pool = createProcessPool(options);
const send = (message: SupervisorReply | { ready: true }): void => void process.send!(message);

process.on("message", (request: SupervisorRequest) => {
  pool.run(request.task, request.limits).then(
    (answer) => send({ id: request.id, ok: true, answer }),
    (err: unknown) =>
      send(
        err instanceof SandboxError
          ? { id: request.id, ok: false, code: err.code, message: err.message }
          : { id: request.id, ok: false, code: "expression_error", message: err instanceof Error ? err.message : String(err) },
      ),
  );
});
const stop = () => void pool.close().finally(() => process.exit(0));
// The server stopped (or died): end the evaluation processes with it.
process.on("disconnect", stop);
process.on("SIGTERM", stop);
send({ ready: true });
