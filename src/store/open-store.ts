import type { Db } from "./db.ts";
import { openPglite } from "./adapters/pglite.ts";
import { openPostgres } from "./adapters/postgres.ts";
import { migrate } from "./migrate.ts";

/** What `openStore` needs; normally built by src/config.ts from the environment. */
export interface StoreConfig {
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
  /** Apply pending migrations on open (default true). */
  migrate?: boolean;
}

/** Opens PostgreSQL when a URL is configured, else embedded PGlite, and migrates it. */
export async function openStore(config: StoreConfig = {}): Promise<Db> {
  const db = config.databaseUrl
    ? await openPostgres({ connectionString: config.databaseUrl, poolSize: config.poolSize, schema: config.schema })
    : await openPglite(config.memory ? { memory: true } : { dataDir: config.dataDir });
  if (config.migrate === false) return db;
  try {
    await migrate(db);
  } catch (err) {
    await db.close();
    throw err;
  }
  return db;
}
