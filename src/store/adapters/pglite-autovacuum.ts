import { quoteIdent, type Db } from "../db.ts";

/** How often the embedded store looks for tables to vacuum or analyse (ms). */
export const AUTOVACUUM_INTERVAL_MS = 10_000;

/**
 * PGlite runs PostgreSQL without its background processes, so nothing vacuums or analyses its tables:
 * every update of a run leaves a dead row and index entries behind for good, and the planner keeps the
 * statistics of an empty table (a claim then reads every pending run to pick a few). This does what
 * autovacuum does on a server, with PostgreSQL's default thresholds: a table whose dead rows pass
 * 50 + 20% of its live rows is vacuumed and analysed; one whose rows changed by 50 + 10% since its
 * last analysis is analysed. The store's statistics views count both on PGlite too.
 */
const DUE_TABLES = `SELECT "table", "vacuum" FROM (
    SELECT relname AS "table",
           n_dead_tup > 50 + 0.2 * n_live_tup AS "vacuum",
           n_mod_since_analyze > 50 + 0.1 * n_live_tup AS "analyze"
      FROM pg_stat_user_tables
     WHERE schemaname = ANY (current_schemas(false))) t
   WHERE "vacuum" OR "analyze"`;

/** Vacuums or analyses the tables that are due; returns what it did, table by table. */
export async function vacuumDueTables(db: Db): Promise<{ table: string; vacuumed: boolean }[]> {
  // A backend publishes its counts at most once a second; asked to, it does so at the end of this statement.
  await db.query("SELECT pg_stat_force_next_flush()");
  const { rows } = await db.query<{ table: string; vacuum: boolean }>(DUE_TABLES);
  for (const row of rows) await db.query(`${row.vacuum ? "VACUUM (ANALYZE)" : "ANALYZE"} ${quoteIdent(row.table)}`);
  return rows.map((r) => ({ table: r.table, vacuumed: r.vacuum }));
}

/**
 * Checks every `intervalMs` (one at a time; a check already running is not doubled) until the returned
 * function is called. Failures are left to the next check: a closed store ends with its close.
 */
export function startAutovacuum(db: Db, intervalMs = AUTOVACUUM_INTERVAL_MS): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    void vacuumDueTables(db)
      .catch(() => undefined)
      .finally(() => (running = false));
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
