import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { DEFAULT_SANDBOX_OPTIONS, SandboxError, type Sandbox, type SandboxOptions } from "./pool.ts";
import type { SupervisorReply, SupervisorRequest } from "./protocol.ts";
import type { TaskAnswer } from "./tasks.ts";

const SUPERVISOR_ENTRY = fileURLToPath(new URL("./supervisor.ts", import.meta.url));

interface Pending {
  resolve(answer: TaskAnswer): void;
  reject(err: SandboxError): void;
}

/**
 * Starts the sandbox tenant code runs in: one supervisor process, started now (create the sandbox
 * before opening the embedded store, while the server is small and a fork is cheap), which runs the
 * pool of evaluation processes. The server only sends tasks and receives answers. If the supervisor
 * ever ends, the tasks it held fail and the next task starts a new one.
 */
export function createSandbox(overrides: Partial<SandboxOptions> = {}): Sandbox {
  const options: SandboxOptions = Object.freeze({ ...DEFAULT_SANDBOX_OPTIONS, ...overrides });
  const pending = new Map<number, Pending>();
  let supervisor: { child: ChildProcess; ready: boolean; backlog: SupervisorRequest[] } | undefined;
  let nextId = 1;
  let closed = false;

  /** Keeps the event loop alive only while tasks are out. */
  const hold = (busy: boolean) => {
    for (const handle of [supervisor?.child, supervisor?.child.channel]) {
      if (busy) handle?.ref();
      else handle?.unref();
    }
  };

  const start = () => {
    const child = fork(SUPERVISOR_ENTRY, [JSON.stringify(options)], {
      // Tenant code sees none of the server's environment (secrets, DATABASE_URL).
      env: {},
      execArgv: ["--max-old-space-size=128"],
      stdio: ["ignore", "ignore", "inherit", "ipc"],
      serialization: "advanced",
    });
    const current = { child, ready: false, backlog: [] as SupervisorRequest[] };
    supervisor = current;
    hold(pending.size > 0);
    child.on("message", (reply: SupervisorReply | { ready: true }) => {
      if ("ready" in reply) {
        current.ready = true;
        for (const request of current.backlog.splice(0)) child.send(request);
        return;
      }
      const waiter = pending.get(reply.id);
      if (!waiter) return;
      pending.delete(reply.id);
      if (pending.size === 0) hold(false);
      if (reply.ok) waiter.resolve(reply.answer);
      else waiter.reject(new SandboxError(reply.code, reply.message));
    });
    child.on("error", () => {
      // Could not be started or signalled; "exit" settles what it held.
    });
    child.on("exit", () => {
      if (supervisor === current) supervisor = undefined;
      const code = closed ? "sandbox_closed" : "expression_error";
      for (const [id, waiter] of pending) {
        pending.delete(id);
        waiter.reject(new SandboxError(code, closed ? "the sandbox is closed" : "the sandbox stopped during the evaluation"));
      }
    });
  };
  start();
  hold(false);

  return {
    options,
    run(task, limits) {
      if (closed) return Promise.reject(new SandboxError("sandbox_closed", "the sandbox is closed"));
      if (!supervisor) start();
      const current = supervisor!;
      return new Promise<TaskAnswer>((resolve, reject) => {
        const request: SupervisorRequest = { id: nextId++, task, limits };
        pending.set(request.id, { resolve, reject });
        hold(true);
        if (current.ready) current.child.send(request);
        else current.backlog.push(request);
      });
    },
    queued: () => pending.size,
    async close() {
      closed = true;
      const child = supervisor?.child;
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      hold(true);
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 2000);
      await exited;
      clearTimeout(timer);
    },
  };
}
