// The child side of child.ts: announce readiness, answer commands, stop on request.

/** A command handler: receives the message's fields, resolves with a JSON-able answer. */
export type CommandHandler = (args: Record<string, unknown>) => unknown;

/** Options the parent passed in BENCH_SERVE. */
export function readServeOptions<T>(): T {
  return JSON.parse(process.env.BENCH_SERVE ?? "{}") as T;
}

/**
 * Tells the parent this server is ready (with `info`), then answers its commands. `stop` runs the
 * given shutdown and exits 0; a parent that goes away also stops the child.
 */
export function serveIpc(info: unknown, commands: Record<string, CommandHandler>, shutdown: () => Promise<void>): void {
  if (!process.send) throw new Error("this script is started by the benchmarks (it needs an IPC channel)");
  const send = process.send.bind(process);
  const stop = async (): Promise<never> => {
    await shutdown().catch((err: unknown) => console.error(err));
    process.exit(0);
  };
  process.on("disconnect", () => void stop());
  process.on("message", (msg: { id: number; cmd: string } & Record<string, unknown>) => {
    if (msg.cmd === "stop") return void stop();
    const handler = commands[msg.cmd];
    Promise.resolve()
      .then(() => {
        if (!handler) throw new Error(`unknown command ${msg.cmd}`);
        return handler(msg);
      })
      .then(
        (result) => send({ id: msg.id, result }),
        (err: unknown) => send({ id: msg.id, error: err instanceof Error ? err.message : String(err) }),
      );
  });
  send({ type: "ready", info });
}

/** Wall-clock milliseconds with sub-millisecond precision, comparable across processes on one machine. */
export function preciseNow(): number {
  return performance.timeOrigin + performance.now();
}
