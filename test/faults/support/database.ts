import pg from "pg";

/** The PostgreSQL the fault suite runs against; .ci/run exports it. */
export const DATABASE_URL = process.env.DATABASE_URL || undefined;

/** Why the suite is skipped on this machine, or undefined when it runs. */
export const SKIP_REASON = DATABASE_URL
  ? undefined
  : "skipped: DATABASE_URL is not set; the fault suite needs a real PostgreSQL (.ci/run starts one)";

/** A database created for one test file and dropped after it, shared by the processes under test. */
export interface FaultDatabase {
  name: string;
  /** DATABASE_URL of this database. */
  url: string;
  /** Runs SQL on the database from the test process (a small pool of its own). */
  query<T = Record<string, unknown>>(sql: string, values?: unknown[]): Promise<T[]>;
  /** Closes the test's pool and drops the database, ending any connection left. */
  drop(): Promise<void>;
}

/** Creates an empty database next to DATABASE_URL's (the role may CREATEDB). */
export async function createFaultDatabase(label: string): Promise<FaultDatabase> {
  const name = `reprise_fault_${label}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  await adminQuery(`CREATE DATABASE "${name}"`);
  const url = withDatabase(DATABASE_URL!, name);
  const pool = new pg.Pool({ connectionString: url, max: 3, connectionTimeoutMillis: 3_000 });
  pool.on("error", () => {}); // a restart of the server drops idle clients; the next query reconnects
  return {
    name,
    url,
    query: async <T,>(sql: string, values?: unknown[]) => (await pool.query(sql, values)).rows as T[],
    async drop() {
      await pool.end().catch(() => {});
      await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}

/** The same server and credentials, another database. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
