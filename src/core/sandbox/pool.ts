import { availableParallelism, setPriority } from "node:os";
import { fork, type ChildProcess } from "node:child_process";
import type { Socket } from "node:net";
import { fileURLToPath } from "node:url";
import type { NodeErrorCode } from "../../domain/index.ts";
import type { ChildReply, ChildRequest } from "./protocol.ts";
import type { SandboxTask, TaskAnswer } from "./tasks.ts";

/** How much one evaluation of tenant code may take, and how many processes run them. */
export interface SandboxOptions {
  /** Sandbox processes evaluating tenant code at once. */
  processes: number;
  /** Heap limit of each process, in MB (V8's old generation); a process over it dies and is replaced. */
  memoryMb: number;
  /** Wall-clock limit of one evaluation; a process over it is killed and replaced. */
  timeoutMs: number;
  /** Largest JSON output of one evaluation, in bytes. */
  maxOutputBytes: number;
  /** Wall-clock limit for checking (compiling) every expression of one definition. */
  compileTimeoutMs: number;
}

/**
 * Processes: one per core, at least 2 (so one endless expression never stalls every evaluation until
 * its time limit) and at most 8 (each holds a V8 heap of its own, ~40 MB resident when idle).
 */
export function defaultSandboxProcesses(cores = availableParallelism()): number {
  return Math.min(8, Math.max(2, cores));
}

/** Defaults: 1 s and 64 MB per evaluation, 1 MiB of output, 5 s to check a definition. */
export const DEFAULT_SANDBOX_OPTIONS: Readonly<SandboxOptions> = Object.freeze({
  processes: defaultSandboxProcesses(),
  memoryMb: 64,
  timeoutMs: 1000,
  maxOutputBytes: 1024 * 1024,
  compileTimeoutMs: 5000,
});

/** Why the sandbox stopped a piece of tenant code; the executor records it as the node's error code. */
export type SandboxFailureCode = NodeErrorCode | "sandbox_closed";

/** Tenant code was stopped or failed in the sandbox. */
export class SandboxError extends Error {
  override readonly name = "SandboxError";
  readonly code: SandboxFailureCode;
  constructor(code: SandboxFailureCode, message: string) {
    super(message);
    this.code = code;
  }
}

/** Limits of one task; both at most the sandbox's own. */
export interface TaskLimits {
  /** Whose task it is: the queue serves accounts in turn. */
  account: string;
  timeoutMs?: number;
  maxOutputBytes?: number;
}

/**
 * A pool of child processes that evaluate tenant code with a heap limit and a time limit each.
 * Processes, not worker threads: a single allocation past a worker thread's resourceLimits (e.g.
 * `$pad("x", 100000000)`) aborted the whole server process on Node 24, while a child process that
 * runs out of heap ends alone.
 */
export interface Sandbox {
  readonly options: Readonly<SandboxOptions>;
  run(task: SandboxTask, limits: TaskLimits): Promise<TaskAnswer>;
  /** Tasks waiting for a process (for tests and health). */
  queued(): number;
  close(): Promise<void>;
}

interface Job {
  id: number;
  account: string;
  request: ChildRequest;
  timeoutMs: number;
  resolve(answer: TaskAnswer): void;
  reject(err: SandboxError): void;
}

interface Slot {
  child: ChildProcess;
  ready: boolean;
  /** Tasks sent to the process, in the order it runs them; the first is the one running. */
  jobs: Job[];
  /** Time limit of the running task (the first of `jobs`). */
  timer?: NodeJS.Timeout;
  /** Set when the pool ended the process: what to tell the job it was running. */
  ending?: SandboxError;
  /** The end of the process's stderr, to tell a heap overflow from another crash. */
  stderr: string;
}

/** A busy (or starting) process keeps the server's event loop alive; an idle one does not. */
function hold(slot: Slot, busy: boolean): void {
  const handles = [slot.child, slot.child.channel, slot.child.stderr as Socket | null];
  for (const handle of handles) {
    if (busy) handle?.ref();
    else handle?.unref();
  }
}

/**
 * Tasks queued inside one process beyond the one it runs: they keep it busy while the serving thread
 * is busy elsewhere. A task's time limit starts when it becomes the one running.
 */
const PIPELINE_DEPTH = 2;

/** Niceness of sandbox processes (0 is the server's; 19 the lowest priority). */
const SANDBOX_NICENESS = 10;

const CHILD_ENTRY = fileURLToPath(new URL("./child.ts", import.meta.url));
const OUT_OF_HEAP = /heap out of memory|Reached heap limit|Allocation failed/;

/**
 * The pool itself: starts evaluation processes and feeds them. It runs inside the sandbox's
 * supervisor process ({@link createSandbox}), never in the server: starting a process from the server
 * blocked its event loop for 140–300 ms once the embedded store was open (fork of a large process),
 * so a tenant whose code keeps getting killed would stall every request. Processes start on first use
 * and are replaced after one is killed. Waiting
 * tasks are served one account at a time in turn, so one tenant's slow expressions delay another
 * tenant's by at most a few tasks per process. When a process is killed or dies, the task it was
 * running fails with the reason and the tasks queued behind it go back to the front of the line.
 */
export function createProcessPool(overrides: Partial<SandboxOptions> = {}): Sandbox {
  const options: SandboxOptions = Object.freeze({ ...DEFAULT_SANDBOX_OPTIONS, ...overrides });
  const slots = new Set<Slot>();
  // Waiting jobs per account; the Map's order is the turn order (an account served moves to the back).
  const waiting = new Map<string, Job[]>();
  let waitingCount = 0;
  let nextId = 1;
  let closed = false;

  /** Puts tasks that were waiting inside a process that died back at the head of the line, in their order. */
  const requeue = (jobs: Job[]): void => {
    if (jobs.length === 0) return;
    const line = new Map<string, Job[]>();
    for (const job of jobs) line.set(job.account, [...(line.get(job.account) ?? []), job]);
    for (const [account, queued] of waiting) line.set(account, [...(line.get(account) ?? []), ...queued]);
    waiting.clear();
    for (const [account, queued] of line) waiting.set(account, queued);
    waitingCount += jobs.length;
  };

  const take = (): Job | undefined => {
    for (const [account, jobs] of waiting) {
      const job = jobs.shift()!;
      waiting.delete(account);
      if (jobs.length > 0) waiting.set(account, jobs);
      waitingCount--;
      return job;
    }
    return undefined;
  };

  const spawn = (): void => {
    const child = fork(CHILD_ENTRY, [], {
      execArgv: [`--max-old-space-size=${options.memoryMb}`, "--max-semi-space-size=4"],
      // The tenant's code sees none of the server's environment (secrets, DATABASE_URL).
      env: {},
      stdio: ["ignore", "ignore", "pipe", "ipc"],
      serialization: "advanced",
    });
    // Tenant code yields the CPU to the serving thread: the sandbox runs at a lower scheduling priority.
    if (child.pid !== undefined) {
      try {
        setPriority(child.pid, SANDBOX_NICENESS);
      } catch {
        // Not permitted here: it runs at the server's own priority.
      }
    }
    const slot: Slot = { child, ready: false, jobs: [], stderr: "" };
    slots.add(slot);
    child.stderr?.on("data", (chunk: Buffer) => {
      slot.stderr = (slot.stderr + chunk.toString()).slice(-4096);
    });
    child.on("message", (reply: ChildReply | { ready: true }) => {
      if ("ready" in reply) {
        // Its modules are loaded: from here on, a task's time is the task's own.
        slot.ready = true;
        dispatch();
        if (slot.jobs.length === 0) hold(slot, false);
        return;
      }
      const job = slot.jobs[0];
      if (!job || reply.id !== job.id) return;
      slot.jobs.shift();
      settleHead(slot);
      if (reply.ok) job.resolve(reply.answer);
      else job.reject(new SandboxError(reply.code, reply.message));
      dispatch();
    });
    child.on("error", () => {
      // Could not be started or signalled; "exit" (or a missing ready) settles what it held.
    });
    child.on("exit", () => {
      slots.delete(slot);
      const [job, ...behind] = slot.jobs;
      slot.jobs = [];
      settleHead(slot);
      requeue(behind);
      const ending =
        slot.ending ??
        (OUT_OF_HEAP.test(slot.stderr)
          ? new SandboxError("node_memory_exceeded", `evaluation exceeded the sandbox's ${options.memoryMb} MB memory limit`)
          : new SandboxError("expression_error", "the sandbox process stopped during the evaluation"));
      job?.reject(ending);
      if (!closed) dispatch();
    });
  };

  /** Times the task now running (the first in the slot), or lets the process go idle. */
  const settleHead = (slot: Slot): void => {
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = undefined;
    const head = slot.jobs[0];
    if (!head) return hold(slot, false);
    // The timer is held by the slot until the answer comes, so it fires even if nothing else refers to it.
    slot.timer = setTimeout(() => {
      slot.ending = new SandboxError("node_timeout", `evaluation exceeded its ${head.timeoutMs} ms time limit`);
      slot.child.kill("SIGKILL");
    }, head.timeoutMs);
  };

  const send = (slot: Slot, job: Job): void => {
    slot.jobs.push(job);
    if (slot.jobs.length === 1) {
      hold(slot, true);
      settleHead(slot);
    }
    slot.child.send(job.request);
  };

  const dispatch = (): void => {
    if (closed) return;
    // Fill the least loaded process first, one task at a time, so work spreads over every process.
    for (let depth = 0; depth <= PIPELINE_DEPTH && waitingCount > 0; depth++) {
      for (const slot of slots) {
        if (waitingCount === 0) break;
        if (slot.ready && !slot.ending && slot.jobs.length === depth) send(slot, take()!);
      }
    }
    // Start processes for what is still waiting (a process takes work once it is ready).
    const starting = [...slots].filter((s) => !s.ready).length;
    for (let n = Math.min(waitingCount - starting, options.processes - slots.size); n > 0; n--) spawn();
  };

  return {
    options,
    run(task, limits) {
      if (closed) return Promise.reject(new SandboxError("sandbox_closed", "the sandbox is closed"));
      const cap = task.kind === "compile" ? options.compileTimeoutMs : options.timeoutMs;
      const timeoutMs = Math.max(1, Math.min(limits.timeoutMs ?? cap, cap));
      const maxOutputBytes = Math.min(limits.maxOutputBytes ?? options.maxOutputBytes, options.maxOutputBytes);
      return new Promise<TaskAnswer>((resolve, reject) => {
        const id = nextId++;
        const job: Job = { id, account: limits.account, request: { id, task, limits: { maxOutputBytes } }, timeoutMs, resolve, reject };
        const jobs = waiting.get(limits.account);
        if (jobs) jobs.push(job);
        else waiting.set(limits.account, [job]);
        waitingCount++;
        dispatch();
      });
    },
    queued: () => waitingCount,
    async close() {
      closed = true;
      for (const jobs of waiting.values()) for (const job of jobs) job.reject(new SandboxError("sandbox_closed", "the sandbox is closed"));
      waiting.clear();
      waitingCount = 0;
      await Promise.all(
        [...slots].map((slot) => {
          slot.ending ??= new SandboxError("sandbox_closed", "the sandbox is closed");
          const exited = new Promise((resolve) => slot.child.once("exit", resolve));
          hold(slot, true);
          slot.child.kill("SIGKILL");
          return exited;
        }),
      );
    },
  };
}
