import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import express from "express";
import type { Logger } from "pino";
import { startAdminListener, type AdminListener } from "./apis/admin/index.ts";
import { createAlloyApp, type AlloyAppOptions } from "./apis/alloy/index.ts";
import { createAltostratApp, type AltostratAppOptions } from "./apis/altostrat/index.ts";
import { createAdmission, type Admission } from "./apis/http/admission.ts";
import { createApiKeyAuthenticator, createJwtVerifier, mintDevToken } from "./auth/index.ts";
import type { Config } from "./config.ts";
import { createEngine, createSandbox, type Engine, type RerunJobRunner, type RetentionTask, type Worker, type WorkerEvent } from "./core/index.ts";
import { closeListener, createWorkerId, mountHealth } from "./lifecycle.ts";
import { createLogger, createRequestId } from "./log/index.ts";
import { openStore, resolveStore, StoreUnavailableError, type Db } from "./store/index.ts";

/** Things tests and benchmarks inject instead of patching globals. */
export interface ServerOverrides {
  /** An already open, migrated store (else one is opened from config.store). */
  db?: Db;
  clock?: () => Date;
  fetcher?: typeof fetch;
  logger?: Logger;
  /** Start workers and retention (default true). */
  workers?: boolean;
  /** Project root holding generated/ and dist/ (default: the working directory). */
  root?: string;
  /** Observes the worker's claims and outcomes (benchmarks, metrics). */
  onWorkerEvent?: (event: WorkerEvent) => void;
  /**
   * Benchmarks only: both APIs skip authentication and OpenAPI validation and treat every caller as
   * this account. Programmatic only, and refused when NODE_ENV=production.
   */
  unvalidated?: { accountId: string };
  /** Admission control in place of the one config.admission describes (tests hold its places). */
  admission?: Admission;
  /** Replaces some handlers of either API (tests check that every contract layer catches a handler that strays). */
  handlers?: { altostrat?: AltostratAppOptions["handlers"]; alloy?: AlloyAppOptions["handlers"] };
}

/** A running Reprise: both listeners, the engine and its workers. */
export interface RunningServer {
  engine: Engine;
  db: Db;
  altostratUrl: string;
  alloyUrl: string;
  worker: Worker | undefined;
  /** The admin listener (127.0.0.1 only) and its token, when ADMIN_LISTENER is on. */
  admin: { url: string; token: string } | undefined;
  /** Stops accepting, drains workers within the configured deadline, closes the store. */
  stop(): Promise<void>;
}

/**
 * Opens the store, starts the workers and both API listeners (Altostrat and Alloy each on its own
 * port, as their `servers` entries say, because their paths overlap).
 */
export async function startServer(config: Config, overrides: ServerOverrides = {}): Promise<RunningServer> {
  if (overrides.unvalidated && config.nodeEnv === "production") throw new Error("unvalidated is refused when NODE_ENV=production");
  const logger = overrides.logger ?? createLogger({ level: config.logLevel });
  // The sandbox first: its supervisor is forked while this process is still small (see createSandbox).
  const sandbox = createSandbox({ ...config.sandbox, maxOutputBytes: config.runLimits.nodeMaxOutputBytes });
  let db: Db;
  try {
    db = overrides.db ?? (await openStore(resolveStore(config.store).options));
  } catch (err) {
    await sandbox.close();
    throw err;
  }
  const engine = createEngine({
    db,
    ...(overrides.clock ? { clock: overrides.clock } : {}),
    ...(overrides.fetcher ? { fetcher: overrides.fetcher } : {}),
    config: {
      maxAttempts: config.worker.maxAttempts,
      leaseMs: config.worker.leaseSeconds * 1000,
      retentionDays: config.retention.days,
      allowPrivateNetworks: config.outbound.allowPrivateNetworks,
      httpTimeoutMs: config.outbound.requestTimeoutMs,
      ...config.runLimits,
      ...config.rerunJobs,
      payloadMaxBytes: config.server.bodyLimitBytes,
    },
    sandbox,
  });
  const clockMs = overrides.clock ? () => (overrides.clock as () => Date)().getTime() : undefined;
  const verifier = createJwtVerifier({ ...config.jwt, algorithms: [...config.jwt.algorithms], ...(clockMs ? { clock: clockMs } : {}) });
  // Through the engine, so a key lookup during a store outage answers 503 store_unavailable like every other store call.
  const apiKeys = createApiKeyAuthenticator({ resolveKey: (key) => engine.resolveApiKey(key) });

  const admission = overrides.admission ?? createAdmission(config.admission, engine);
  const shared = {
    engine,
    logger,
    validateResponses: config.server.validateResponses,
    bodyLimit: config.server.bodyLimitBytes,
    corsOrigins: config.server.corsOrigins,
    newRequestId: createRequestId,
    ...(overrides.root ? { root: overrides.root } : {}),
    mountOperational: (app: express.Express) => mountHealth(app, db),
    admission,
    ...(overrides.unvalidated ? { unvalidated: overrides.unvalidated } : {}),
  };
  const replaced = overrides.handlers ?? {};
  const altostratApp = createAltostratApp({ ...shared, verifier, ...(replaced.altostrat ? { handlers: replaced.altostrat } : {}) });
  const alloyApp = createAlloyApp({ ...shared, authenticate: (header) => apiKeys.authenticate(header), ...(replaced.alloy ? { handlers: replaced.alloy } : {}) });
  const altostrat = await listen(altostratApp, config.server.host, config.server.altostratPort);
  const alloy = await listen(alloyApp, config.server.host, config.server.alloyPort);
  const admin = config.admin.enabled ? await startAdmin(config, engine, logger, overrides.root) : undefined;

  let worker: Worker | undefined;
  let retention: RetentionTask | undefined;
  let rerunJobs: RerunJobRunner | undefined;
  if (overrides.workers !== false) {
    worker = engine.createWorker({
      workerId: createWorkerId(),
      concurrency: config.worker.concurrency,
      accountMaxRunning: config.worker.accountMaxRunning,
      pollIntervalMs: config.worker.pollIntervalMs,
      // An outage is expected operation (the worker backs off and recovers): one line, no stack.
      onError: (err, runId) =>
        err instanceof StoreUnavailableError
          ? logger.warn({ runId, reason: err.message }, "store unavailable: worker backing off")
          : logger.error({ err, runId }, "worker error"),
      ...(overrides.onWorkerEvent ? { onEvent: overrides.onWorkerEvent } : {}),
    });
    await worker.start();
    retention = engine.startRetention({
      intervalMs: config.retention.intervalMs,
      ...(overrides.clock ? { clock: overrides.clock } : {}),
      onError: (err) => logger.error({ err }, "retention failed"),
    });
    // Any serving process takes up due bulk rerun pages, so a job outlives the process that accepted it.
    rerunJobs = engine.startRerunJobRunner({
      pollIntervalMs: config.worker.pollIntervalMs,
      onError: (err) =>
        err instanceof StoreUnavailableError ? logger.warn({ reason: err.message }, "store unavailable: bulk rerun jobs wait") : logger.error({ err }, "bulk rerun job failed"),
    });
  }

  let stopping: Promise<void> | undefined;
  return {
    engine,
    db,
    worker,
    admin: admin ? { url: admin.url, token: admin.token } : undefined,
    altostratUrl: urlOf(altostrat, config.server.host),
    alloyUrl: urlOf(alloy, config.server.host),
    stop() {
      // Listeners stop accepting at once; requests in progress and runs in flight share one deadline.
      const deadlineMs = config.worker.shutdownDeadlineMs;
      stopping ??= (async () => {
        await Promise.all([
          closeListener(altostrat, deadlineMs),
          closeListener(alloy, deadlineMs),
          admin ? closeListener(admin.server, deadlineMs) : undefined,
          retention?.stop(),
          rerunJobs?.stop(),
          worker?.stop({ deadlineMs }),
        ]);
        if (!overrides.admission) admission.stop();
        await sandbox.close();
        if (!overrides.db) await db.close();
      })();
      return stopping;
    },
  };
}

/** The admin listener: its own app on 127.0.0.1, never mounted on a tenant listener. */
function startAdmin(config: Config, engine: Engine, logger: Logger, root = process.cwd()): Promise<AdminListener> {
  const { jwt } = config;
  const secret = jwt.secret;
  const mintToken = secret
    ? (accountId: string, expiresInSeconds: number) =>
        mintDevToken({ secret, accountId, expiresInSeconds, accountClaim: jwt.accountClaim, issuer: jwt.issuer, audience: jwt.audience })
    : undefined;
  return startAdminListener(config.admin.port, {
    engine,
    logger,
    specFile: path.join(root, "generated/admin/openapi.yaml"),
    bodyLimit: config.server.bodyLimitBytes,
    validateResponses: config.server.validateResponses,
    ...(mintToken ? { mintToken } : {}),
  });
}

function listen(app: express.Express, host: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host);
    server.once("listening", () => resolve(server));
    server.once("error", reject);
  });
}

function urlOf(server: Server, host: string): string {
  const { port } = server.address() as AddressInfo;
  return `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
}
