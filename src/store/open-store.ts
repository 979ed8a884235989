import type { Db } from "./db.ts";
import { openPglite, type StoreThread } from "./adapters/pglite.ts";
import { openPostgres } from "./adapters/postgres.ts";
import { describePostgresTarget } from "./connect-with-retry.ts";
import { migrate } from "./migrate.ts";

/** How `openStore` opens a store; a program built on src/config.ts gets it from {@link resolveStore}. */
export interface OpenStoreOptions {
  /** PostgreSQL connection string; when set, PostgreSQL is used instead of PGlite. */
  databaseUrl?: string;
  /** Pool size for PostgreSQL (default 10). */
  poolSize?: number;
  /** search_path schema for PostgreSQL (tests use one per file). */
  schema?: string;
  /** PGlite data directory (default ./data). */
  dataDir?: string;
  /** PGlite in memory: nothing survives the process. */
  memory?: boolean;
  /** PGlite on the serving thread or on a worker thread of its own (default inline). */
  thread?: StoreThread;
  /** Apply pending migrations on open (default true). */
  migrate?: boolean;
}

/** Opens PostgreSQL when a URL is configured, else embedded PGlite, and migrates it. */
export async function openStore(config: OpenStoreOptions = {}): Promise<Db> {
  const db = config.databaseUrl
    ? await openPostgres({ connectionString: config.databaseUrl, poolSize: config.poolSize, schema: config.schema })
    : await openPglite({ ...(config.memory ? { memory: true } : { dataDir: config.dataDir }), ...(config.thread ? { thread: config.thread } : {}) });
  if (config.migrate === false) return db;
  try {
    await migrate(db);
  } catch (err) {
    await db.close();
    throw err;
  }
  return db;
}

/**
 * Where a store lives: PostgreSQL at a URL (with its pool size and how long start-up waits for it),
 * or embedded PGlite in a directory or in memory. src/config.ts builds it from the environment.
 */
export type StoreLocation =
  | { readonly kind: "postgres"; readonly databaseUrl: string; readonly poolSize: number; readonly startupTimeoutMs: number }
  | { readonly kind: "file"; readonly dataDir: string; readonly thread: StoreThread }
  | { readonly kind: "memory"; readonly thread: StoreThread };

/** What a program needs to know about a store location: how to open it and how to name it. */
export interface ResolvedStore {
  options: OpenStoreOptions;
  /** One line for people, without credentials, e.g. `PGlite in ./data`. */
  description: string;
  /** A server that may not be up yet: start-up keeps trying it until `deadlineMs`. Absent for PGlite, which is opened once. */
  startupRetry?: { deadlineMs: number };
}

/**
 * The one place that reads a store location's kind; callers open and describe the store from what it
 * returns instead of switching on the kind themselves.
 */
export function resolveStore(location: StoreLocation): ResolvedStore {
  switch (location.kind) {
    case "postgres":
      return {
        options: { databaseUrl: location.databaseUrl, poolSize: location.poolSize },
        description: describePostgresTarget(location.databaseUrl),
        startupRetry: { deadlineMs: location.startupTimeoutMs },
      };
    case "memory":
      return { options: { memory: true, thread: location.thread }, description: `PGlite in memory${onThread(location.thread)}` };
    case "file":
      return { options: { dataDir: location.dataDir, thread: location.thread }, description: `PGlite in ${location.dataDir}${onThread(location.thread)}` };
  }
}

function onThread(thread: StoreThread): string {
  return thread === "worker" ? " (on its own thread)" : "";
}
