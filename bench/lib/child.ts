import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { pinnedCommand, SERVER_CPU } from "./pin.ts";

/** A server running in its own process, driven over IPC. */
export interface ServerChild<Info> {
  readonly pid: number;
  /** What the child announced when it became ready (URLs, credentials, ids). */
  readonly info: Info;
  /** Sends a command the child's `serveIpc` handles and resolves with its answer. */
  request<T = unknown>(cmd: string, args?: Record<string, unknown>): Promise<T>;
  /** Peak resident set size of the child so far (VmHWM), in MB. */
  peakRssMb(): number;
  /** Asks the child to stop cleanly, and kills it if it has not exited in 15 s. */
  stop(): Promise<void>;
}

/** Options for {@link startChild}. */
export interface ChildOptions {
  /** Passed to the child as BENCH_SERVE (JSON). */
  options?: unknown;
  /** CPU to pin to (default the server CPU); `null` leaves it unpinned. */
  cpu?: number | null;
  /** Extra node flags. */
  nodeArgs?: string[];
  env?: Record<string, string>;
  readyTimeoutMs?: number;
  /** Send the child's stdout to /dev/null (e.g. a server writing an access log line per request). */
  quiet?: boolean;
}

/** Starts `node bench/<script>` pinned to the server CPU and waits for its ready message. */
export function startChild<Info>(script: string, opts: ChildOptions = {}): Promise<ServerChild<Info>> {
  const file = fileURLToPath(new URL(`../${script}`, import.meta.url));
  const argv = pinnedCommand([process.execPath, ...(opts.nodeArgs ?? []), file], opts.cpu === null ? undefined : (opts.cpu ?? SERVER_CPU));
  const child = spawn(argv[0] as string, argv.slice(1), {
    stdio: ["ignore", opts.quiet ? "ignore" : "inherit", "inherit", "ipc"],
    env: { ...process.env, ...opts.env, BENCH_SERVE: JSON.stringify(opts.options ?? {}) },
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${script} was not ready within ${opts.readyTimeoutMs ?? 60_000} ms`));
    }, opts.readyTimeoutMs ?? 60_000);
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited with ${code} before it was ready`));
    };
    child.once("exit", onExit);
    child.once("message", (msg: { type?: string; info?: Info }) => {
      clearTimeout(timer);
      child.off("exit", onExit);
      if (msg.type !== "ready") return reject(new Error(`${script} sent ${JSON.stringify(msg)} instead of ready`));
      resolve(wrap(child, msg.info as Info));
    });
  });
}

function wrap<Info>(child: ChildProcess, info: Info): ServerChild<Info> {
  let nextId = 0;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  child.on("message", (msg: { id?: number; result?: unknown; error?: string }) => {
    const waiter = msg.id === undefined ? undefined : pending.get(msg.id);
    if (!waiter) return;
    pending.delete(msg.id as number);
    if (msg.error !== undefined) waiter.reject(new Error(msg.error));
    else waiter.resolve(msg.result);
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    pid: child.pid as number,
    info,
    request<T>(cmd: string, args: Record<string, unknown> = {}) {
      const id = ++nextId;
      return new Promise<T>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        child.send({ id, cmd, ...args });
      });
    },
    peakRssMb: () => readPeakRssMb(child.pid as number),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.send({ id: ++nextId, cmd: "stop" });
      const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** VmHWM of a process (its peak RSS since start), in MB; the server's own, not its children's. */
export function readPeakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = /^VmHWM:\s+(\d+) kB/m.exec(status)?.[1];
  return kb ? Number(kb) / 1024 : Number.NaN;
}
