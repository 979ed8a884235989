// Benchmark server: the real Reprise (startServer) in its own process, driven by bench/lib/child.ts.
// BENCH_SERVE = { store: "file"|"memory"|"postgres", dataDir?, databaseUrl?, schema?, validate?, seed?, concurrency?, poolSize?, env? }
import { loadConfig } from "../src/config.ts";
import { createEngine, type WorkerEvent } from "../src/core/index.ts";
import { startServer } from "../src/server.ts";
import { openStore, resolveStore } from "../src/store/index.ts";
import { preciseNow, readServeOptions, serveIpc } from "./lib/child-ipc.ts";
import { createProfilerCommands } from "./lib/profiler.ts";
import { trackStatements } from "./lib/statement-stats.ts";
import { BENCH_JWT_SECRET, seedTenant, type Seeded } from "./lib/seed.ts";

/** How the parent configures this server. */
export interface RepriseServeOptions {
  store: "file" | "memory" | "postgres";
  dataDir?: string;
  databaseUrl?: string;
  schema?: string;
  /** false: no auth, no OpenAPI validation (ServerOverrides.unvalidated). Default true. */
  validate?: boolean;
  /** VALIDATE_RESPONSES (default true here; production's default is false). */
  validateResponses?: boolean;
  /** Seed a tenant here (default true); a second process on one PostgreSQL schema reuses the first's. */
  seed?: boolean | Seeded;
  concurrency?: number;
  poolSize?: number;
  /** Start the workers (default true); off isolates the request path from run execution. */
  workers?: boolean;
  /** The embedded store's thread (STORE_THREAD): the serving thread, or a worker thread of its own. */
  thread?: "inline" | "worker";
  /** More configuration variables for loadConfig (e.g. HTTP_ALLOW_PRIVATE_NETWORKS, ACCOUNT_MAX_RUNNING). */
  env?: Record<string, string>;
}

/** What the parent learns when this server is ready. */
export interface RepriseInfo extends Seeded {
  altostratUrl: string;
  alloyUrl: string;
}

const options = readServeOptions<RepriseServeOptions>();
const config = loadConfig({
  NODE_ENV: "development",
  LOG_LEVEL: "warn",
  ALTOSTRAT_PORT: "0",
  ALLOY_PORT: "0",
  JWT_SECRET: BENCH_JWT_SECRET,
  VALIDATE_RESPONSES: String(options.validateResponses ?? true),
  REPRISE_STORE: options.store === "memory" ? "memory" : "file",
  ...(options.dataDir ? { REPRISE_DATA_DIR: options.dataDir } : {}),
  ...(options.store === "postgres" ? { DATABASE_URL: options.databaseUrl, PG_POOL_SIZE: String(options.poolSize ?? 10) } : {}),
  ...(options.thread ? { STORE_THREAD: options.thread } : {}),
  ...(options.concurrency ? { WORKER_CONCURRENCY: String(options.concurrency) } : {}),
  ...options.env,
});
const statements = trackStatements(
  await openStore(
    options.store === "postgres"
      ? { databaseUrl: options.databaseUrl as string, poolSize: options.poolSize ?? 10, ...(options.schema ? { schema: options.schema } : {}) }
      : { ...resolveStore(config.store).options, ...(options.dataDir ? { dataDir: options.dataDir } : {}) },
  ),
);
const db = statements.db;

// Worker events: counts always; claim times only while the parent tracks latency.
const counters = { claimed: 0, finished: 0, failed: 0 };
let claimTimes: [string, number][] | undefined;
const onWorkerEvent = (event: WorkerEvent) => {
  if (event.type === "claimed") {
    counters.claimed++;
    claimTimes?.push([event.run.id, preciseNow()]);
  } else {
    counters.finished++;
    if (event.outcome !== "completed") counters.failed++;
  }
};

const seedOption = options.seed ?? true;
// The unvalidated variant needs its account before the listeners start.
let seeded: Seeded | undefined = typeof seedOption === "object" ? seedOption : undefined;
// Without workers the seed run needs a temporary one, as the unvalidated variant does.
if (!seeded && options.workers === false) seeded = await seedWithoutServer();
const server = await startServer(config, {
  db,
  onWorkerEvent,
  ...(options.workers === false ? { workers: false } : {}),
  ...(options.validate === false ? { unvalidated: { accountId: (seeded ??= await seedWithoutServer()).accountId } } : {}),
});
seeded ??= await seedTenant(server.engine);

async function seedWithoutServer(): Promise<Seeded> {
  // The worker is not running yet: a temporary one finishes the seed run.
  const engine = createEngine({ db });
  const worker = engine.createWorker({ concurrency: 1, pollIntervalMs: 20 });
  await worker.start();
  try {
    return await seedTenant(engine);
  } finally {
    await worker.stop();
  }
}

serveIpc(
  { ...seeded, altostratUrl: server.altostratUrl, alloyUrl: server.alloyUrl } satisfies RepriseInfo,
  {
    counters: () => ({ ...counters }),
    /** Which statements the store's time goes to, from "statements-start" to "statements-take". */
    "statements-start": () => statements.start(),
    "statements-take": () => statements.take(),
    /** process.memoryUsage() in MB: how much of the RSS is V8's heap, and how much is outside it. */
    memory: (args) => {
      // With --expose-gc, "after gc" tells retained memory from garbage not yet collected.
      if (args.gc && typeof globalThis.gc === "function") globalThis.gc();
      return Object.fromEntries(Object.entries(process.memoryUsage()).map(([k, v]) => [k, Math.round(v / 1048576)]));
    },
    now: () => preciseNow(),
    "track-claims": () => void (claimTimes = []),
    "take-claims": () => {
      const taken = claimTimes ?? [];
      claimTimes = undefined;
      return taken;
    },
    backlog: async () => {
      const { rows } = await db.query<{ n: string }>("SELECT count(*)::text AS n FROM runs WHERE status IN ('pending', 'running')");
      return Number(rows[0]?.n ?? 0);
    },
    /** started_at (epoch ms, from the store) of each listed run's first node. */
    /** Another tenant (account, token, workflow, one finished run), for figures with several accounts. */
    "seed-tenant": () => seedTenant(server.engine),
    /** created_at, started_at and completed_at (epoch ms, from the store; null when not yet) of a workflow's runs. */
    "run-times": async (args) => {
      const { rows } = await db.query<{ c: Date; s: Date | null; e: Date | null }>(
        "SELECT created_at AS c, started_at AS s, completed_at AS e FROM runs WHERE workflow_id = $1",
        [args.workflowId],
      );
      const ms = (d: Date | null) => (d === null ? null : new Date(d).getTime());
      return rows.map((r) => [ms(r.c), ms(r.s), ms(r.e)]);
    },
    "first-node-starts": async (args) => {
      const { rows } = await db.query<{ run_id: string; at: Date }>(
        "SELECT run_id, min(started_at) AS at FROM node_logs WHERE run_id = ANY($1::text[]) GROUP BY run_id",
        [args.runIds],
      );
      return rows.map((r) => [r.run_id, new Date(r.at).getTime()]);
    },
    ...createProfilerCommands(),
  },
  async () => {
    await server.stop();
    await db.close();
  },
);
