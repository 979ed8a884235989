import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import type { Logger } from "pino";
import { createAlloyApp } from "./apis/alloy/index.ts";
import { createAltostratApp } from "./apis/altostrat/index.ts";
import { createApiKeyAuthenticator, createJwtVerifier } from "./auth/index.ts";
import type { Config } from "./config.ts";
import { createEngine, type Engine, type RetentionTask, type Worker } from "./core/index.ts";
import { createLogger, createRequestId } from "./log/index.ts";
import { findAccountIdByKeyHash, openStore, type Db } from "./store/index.ts";

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
}

/** A running Reprise: both listeners, the engine and its workers. */
export interface RunningServer {
  engine: Engine;
  db: Db;
  altostratUrl: string;
  alloyUrl: string;
  worker: Worker | undefined;
  /** Stops accepting, drains workers within the configured deadline, closes the store. */
  stop(): Promise<void>;
}

/**
 * Opens the store, starts the workers and both API listeners (Altostrat and Alloy each on its own
 * port, as their `servers` entries say, because their paths overlap).
 */
export async function startServer(config: Config, overrides: ServerOverrides = {}): Promise<RunningServer> {
  const logger = overrides.logger ?? createLogger({ level: config.logLevel });
  const db = overrides.db ?? (await openStore(toStoreConfig(config)));
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
    },
  });
  const clockMs = overrides.clock ? () => (overrides.clock as () => Date)().getTime() : undefined;
  const verifier = createJwtVerifier({ ...config.jwt, algorithms: [...config.jwt.algorithms], ...(clockMs ? { clock: clockMs } : {}) });
  const apiKeys = createApiKeyAuthenticator({ resolveHash: (hash) => findAccountIdByKeyHash(db, hash).then((id) => id ?? null) });

  const shared = {
    engine,
    logger,
    validateResponses: config.server.validateResponses,
    bodyLimit: config.server.bodyLimitBytes,
    newRequestId: createRequestId,
    ...(overrides.root ? { root: overrides.root } : {}),
    mountOperational: (app: express.Express) => mountHealth(app, db),
  };
  const altostrat = await listen(createAltostratApp({ ...shared, verifier }), config.server.host, config.server.altostratPort);
  const alloy = await listen(createAlloyApp({ ...shared, authenticate: (header) => apiKeys.authenticate(header) }), config.server.host, config.server.alloyPort);

  let worker: Worker | undefined;
  let retention: RetentionTask | undefined;
  if (overrides.workers !== false) {
    worker = engine.createWorker({
      concurrency: config.worker.concurrency,
      pollIntervalMs: config.worker.pollIntervalMs,
      onError: (err, runId) => logger.error({ err, runId }, "worker error"),
    });
    await worker.start();
    retention = engine.startRetention({
      intervalMs: config.retention.intervalMs,
      ...(overrides.clock ? { clock: overrides.clock } : {}),
      onError: (err) => logger.error({ err }, "retention failed"),
    });
  }

  let stopping: Promise<void> | undefined;
  return {
    engine,
    db,
    worker,
    altostratUrl: urlOf(altostrat, config.server.host),
    alloyUrl: urlOf(alloy, config.server.host),
    stop() {
      stopping ??= (async () => {
        await Promise.all([close(altostrat), close(alloy)]);
        await retention?.stop();
        await worker?.stop({ deadlineMs: config.worker.shutdownDeadlineMs });
        if (!overrides.db) await db.close();
      })();
      return stopping;
    },
  };
}

/** Liveness and readiness, outside both vendor contracts (documented in the README). */
function mountHealth(app: express.Express, db: Db): void {
  app.get("/healthz", (_req, res) => void res.json({ status: "ok" }));
  app.get("/readyz", (_req, res) => {
    db.query("SELECT 1").then(
      () => res.json({ status: "ready" }),
      () => res.status(503).set("Retry-After", "2").json({ status: "unavailable" }),
    );
  });
}

function toStoreConfig(config: Config) {
  const store = config.store;
  if (store.kind === "postgres") return { databaseUrl: store.databaseUrl, poolSize: store.poolSize };
  if (store.kind === "memory") return { memory: true };
  return { dataDir: store.dataDir };
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

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections?.();
  });
}
