import { randomBytes } from "node:crypto";
import type { Server } from "node:http";
import { hostname } from "node:os";
import type express from "express";
import type { Logger } from "pino";
import { connectWithRetry, pingStore, resolveStore, type Db, type StoreLocation } from "./store/index.ts";

/** How long /readyz waits for `SELECT 1` before answering 503 (the pool has its own, longer, timeouts). */
export const READY_TIMEOUT_MS = 2_000;
/** What /readyz answers in `Retry-After` while the store is unreachable. */
export const READY_RETRY_AFTER_SECONDS = 2;
// After this much more than the shutdown deadline, a stop that still hangs ends the process anyway.
const STOP_GRACE_MS = 5_000;

/**
 * A worker id naming its host and process (`wk_<host>_<pid>_<random>`): it is the lease owner while
 * a run executes and `executed_by` afterwards, so an operator can tell which process did what.
 */
export function createWorkerId(pid: number = process.pid, host: string = hostname()): string {
  const safeHost = host.split(".")[0]!.replace(/[^A-Za-z0-9-]/g, "").slice(0, 32) || "host";
  return `wk_${safeHost}_${pid}_${randomBytes(3).toString("hex")}`;
}

/**
 * Runs `start` (open and migrate the store, start the workers) and, while PostgreSQL is unreachable,
 * runs it again with backoff until STORE_STARTUP_TIMEOUT_MS; then fails with one line naming the
 * server it could not reach. Each failed attempt is logged once as a warning. PGlite is started once.
 */
export function startWhenStoreIsReachable<T>(store: StoreLocation, logger: Logger, start: () => Promise<T>): Promise<T> {
  const { startupRetry, description: target } = resolveStore(store);
  if (!startupRetry) return start();
  return connectWithRetry(start, {
    target,
    deadlineMs: startupRetry.deadlineMs,
    deadlineSetting: "STORE_STARTUP_TIMEOUT_MS",
    onRetry: ({ attempt, delayMs, reason }) => logger.warn({ attempt, retryInMs: delayMs, reason }, `${target} is not reachable yet: retrying`),
  });
}

/** Liveness and readiness, outside both vendor contracts (documented in the README). */
export function mountHealth(app: express.Express, db: Db, timeoutMs: number = READY_TIMEOUT_MS): void {
  app.get("/healthz", (_req, res) => void res.json({ status: "ok" }));
  app.get("/readyz", (_req, res) => {
    checkStore(db, timeoutMs).then((ready) => {
      if (ready) res.json({ status: "ready" });
      else res.status(503).set("Retry-After", String(READY_RETRY_AFTER_SECONDS)).json({ status: "unavailable" });
    });
  });
}

/** True when the store answers `SELECT 1` within `timeoutMs`; never rejects. */
export async function checkStore(db: Db, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
  try {
    return await Promise.race([pingStore(db).then(() => true, () => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Stops accepting connections at once, lets requests in progress finish, and cuts whatever is still
 * open after `graceMs` (a client holding a keep-alive connection cannot delay the stop).
 */
export function closeListener(server: Server, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => server.closeAllConnections(), graceMs);
    timer.unref();
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    server.closeIdleConnections();
  });
}

/** Something that stops within a deadline: a running server. */
export interface Stoppable {
  stop(): Promise<void>;
}

/**
 * On SIGTERM or SIGINT: stop (no new requests or claims, in-flight runs finished or released within
 * `deadlineMs`) and exit 0; exit 1 when stopping fails or overruns the deadline by more than 5 s.
 * A second signal while stopping is ignored.
 */
export function stopOnSignals(server: Stoppable, logger: Logger, options: { deadlineMs: number; exit?: (code: number) => void }): void {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, deadlineMs: options.deadlineMs }, "stopping: no new requests or claims; draining in-flight runs");
    const overrun = setTimeout(() => {
      logger.error({ signal }, "stop overran its deadline: exiting anyway");
      exit(1);
    }, options.deadlineMs + STOP_GRACE_MS);
    overrun.unref();
    server.stop().then(
      () => {
        clearTimeout(overrun);
        logger.info("stopped");
        exit(0);
      },
      (err: unknown) => {
        clearTimeout(overrun);
        logger.error({ err }, "shutdown failed");
        exit(1);
      },
    );
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
}
